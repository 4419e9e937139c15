import time

def db_query(name, seconds):
    print(f"Query {name} started")
    time.sleep(seconds)  # stands in for a blocking DB call: the thread just waits
    print(f"Query {name} finished")

start = time.perf_counter()
db_query("A", 2)  # 2 s...
db_query("B", 3)  # ...then 3 s more
print(f"All queries done after {time.perf_counter() - start:.1f} s")  # about 5.0
