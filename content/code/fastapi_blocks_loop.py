import time
from fastapi import FastAPI

app = FastAPI()

@app.get("/items-oops")
async def list_items_oops():
    # WRONG: a blocking call inside `async def` freezes the whole event loop.
    time.sleep(1)  # every other request on this loop waits too
    return ["Item1", "Item2", "Item3"]
