import asyncio
from fastapi import FastAPI

app = FastAPI()

@app.get("/items-async")
async def list_items_async():
    # `async def`: runs on the event loop itself, not on a worker thread.
    await asyncio.sleep(1)  # suspends this request only; the loop serves others
    return ["Item1", "Item2", "Item3"]
