import asyncio

queue = asyncio.Queue()  # no maxsize: it may grow without limit

async def producer():
    n = 0
    while True:
        n += 1
        queue.put_nowait(n)         # never waits, whatever the consumer does
        await asyncio.sleep(0.001)  # about 1,000 items per second

async def consumer():
    while True:
        item = await queue.get()
        await asyncio.sleep(0.01)   # about 100 items per second
        queue.task_done()
        # The backlog grows by ~900 items every second, until memory runs out.

async def main():
    await asyncio.gather(producer(), consumer())  # runs until memory runs out (Ctrl+C stops it)

asyncio.run(main())
