import httpx

async def call_b(client, payload):
    while True:  # retry until it works: this is the trap
        try:
            reply = await client.post("http://service-b/work", json=payload, timeout=1.0)
            reply.raise_for_status()
            return reply
        except httpx.HTTPError:
            continue  # again, at once: no pause, no limit on attempts
