import asyncio

async def task(name, seconds):
    print(f"{name} started")
    await asyncio.sleep(seconds)  # suspend; other tasks run meanwhile
    print(f"{name} finished")

async def main():
    await asyncio.gather(
        task("A", 2),
        task("B", 3),
    )

asyncio.run(main())  # about 3 s in total, not 5
