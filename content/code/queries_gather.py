import asyncio
import time

async def db_query(name, seconds):
    print(f"Query {name} started")
    await asyncio.sleep(seconds)  # stands in for a non-blocking DB call
    print(f"Query {name} finished")

async def main():
    start = time.perf_counter()
    # Start both queries now, then wait until both have finished.
    await asyncio.gather(
        db_query("A", 2),
        db_query("B", 3),
    )
    print(f"All queries done after {time.perf_counter() - start:.1f} s")  # about 3.0

asyncio.run(main())  # make an event loop, run main() on it, close it
