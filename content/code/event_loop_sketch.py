# A deliberately simplified event loop (pseudo-code, not real asyncio).
tasks = [task("A", 2), task("B", 3)]

while tasks:                    # go on while any task is unfinished
    for t in list(tasks):
        if t.can_continue():    # made-up check: is what it awaited done?
            t.step()            # run it up to its next await, or its end
        if t.finished():
            tasks.remove(t)
