import asyncio

import httpx
from fastapi import FastAPI

app = FastAPI()
queue = asyncio.Queue(maxsize=10)  # at most 10 items waiting

async def producer(items):
    for item in items:
        await queue.put(item)  # suspends while the queue is full: backpressure

async def consumer():
    async with httpx.AsyncClient() as client:
        while True:
            item = await queue.get()  # suspends while the queue is empty
            await client.post("http://consumer-service/items", json=item)
            queue.task_done()  # one more item fully handled

@app.post("/produce")
async def produce(items: list):
    worker = asyncio.create_task(consumer())  # scheduled; it first runs when the producer waits
    await producer(items)  # returns once every item is in the queue
    await queue.join()     # returns once every item has been handled
    worker.cancel()        # the consumer loops forever, so stop it
    return {"status": "done"}
