import asyncio
from collections import deque

# 1. Slow down: a bounded queue; put() waits while it is full.
bounded = asyncio.Queue(maxsize=10)

async def offer_and_wait(item):
    await bounded.put(item)

# 2. Store: no bound; never waits, memory grows with the backlog.
unbounded = asyncio.Queue()

def offer_and_store(item):
    unbounded.put_nowait(item)

# 3a. Drop the newest: when full, refuse the item that just arrived.
def offer_or_drop(item):
    try:
        bounded.put_nowait(item)
        return True
    except asyncio.QueueFull:
        return False  # the caller counts a drop (or answers 503 / 429)

# 3b. Drop the oldest: a ring of the 10 most recent items.
recent = deque(maxlen=10)

def offer_keep_latest(item):
    recent.append(item)  # when full, the oldest item silently falls out

# 4. Regulate: let at most `per_second` items through.
async def rate_limited(items, per_second):
    for item in items:
        yield item
        await asyncio.sleep(1 / per_second)
