import time
from fastapi import FastAPI

app = FastAPI()

@app.get("/items-sync")
def list_items_sync():
    # Plain `def`: FastAPI runs it on a thread from its worker pool.
    time.sleep(1)  # that thread is blocked for 1 s
    return ["Item1", "Item2", "Item3"]
