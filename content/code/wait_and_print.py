import asyncio

async def wait_and_print():
    print("Start waiting")
    await asyncio.sleep(2)  # suspend here; the loop is free for 2 s
    print("Done waiting")

asyncio.run(wait_and_print())
