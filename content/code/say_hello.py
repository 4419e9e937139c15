import asyncio

async def say_hello():
    print("Hello")

coro = say_hello()  # nothing is printed: the body has not started
print(coro)         # <coroutine object say_hello at 0x...>
asyncio.run(coro)   # an event loop runs the body: now "Hello" appears
