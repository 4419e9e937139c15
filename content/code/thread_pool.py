import time
from concurrent.futures import ThreadPoolExecutor

pool = ThreadPoolExecutor(max_workers=200)  # 200 threads and no more

def handle(request_id):
    time.sleep(2)  # a blocking call: this thread can do nothing else for 2 s
    return f"response {request_id}"

def on_request(request_id):
    # A free thread picks the request up at once; if all 200 are busy,
    # it waits in the pool's queue, and its response is late by that wait.
    return pool.submit(handle, request_id)
