import heapq
import time
from collections import deque

def task(name, seconds):
    print(f"{name} started")
    yield seconds  # like `await asyncio.sleep(seconds)`: hand control back
    print(f"{name} finished")

def run(*tasks):
    ready = deque(tasks)  # tasks that can take a step right now
    timers = []           # (wake-up time, tie-breaker, task), earliest first
    count = 0
    while ready or timers:
        # Move every task whose timer is due into the ready queue.
        while timers and timers[0][0] <= time.monotonic():
            ready.append(heapq.heappop(timers)[2])
        if not ready:
            # Nothing can run: sleep until the earliest deadline.
            time.sleep(max(0.0, timers[0][0] - time.monotonic()))
            continue
        t = ready.popleft()
        try:
            seconds = next(t)  # run the task until its next pause
        except StopIteration:
            continue           # the task has finished
        count += 1
        heapq.heappush(timers, (time.monotonic() + seconds, count, t))

run(task("A", 2), task("B", 3))  # about 3 s in total
