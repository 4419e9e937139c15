import asyncio
import random

import httpx

async def call_b(client, payload, attempts=3):
    for attempt in range(attempts):  # a limit: at most 3 tries per call
        try:
            reply = await client.post("http://service-b/work", json=payload, timeout=1.0)
            reply.raise_for_status()
            return reply
        except httpx.HTTPError:
            if attempt == attempts - 1:
                raise  # give up and report the failure upstream
            # Exponential backoff with jitter: up to 0.1 s, then up to 0.2 s, at random.
            await asyncio.sleep(random.uniform(0, 0.1 * 2 ** attempt))
