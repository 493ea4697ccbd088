"""Process pool: ProcessPoolExecutor.map of compute(n) against one thread and a thread pool;
then many tiny tasks, one message each vs in chunks (chunksize)."""
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def compute(n):
    return sum(range(n))


def timed(label, run):
    t0 = time.perf_counter()
    total = sum(run())
    print(f"{label}: {time.perf_counter() - t0:.3f} s (total {total})")


if __name__ == "__main__":                    # spawned workers import this file again: the work stays under the guard
    small = "--small" in sys.argv
    p = min(os.cpu_count() or 1, 4)
    big, tiny = [2_000_000 if small else 20_000_000] * 8, [1000] * (500 if small else 2000)
    timed("big tasks, one thread", lambda: map(compute, big))
    with ThreadPoolExecutor(p) as pool:
        timed(f"big tasks, {p} threads (the GIL)", lambda: pool.map(compute, big))
    with ProcessPoolExecutor(p) as pool:
        timed(f"big tasks, {p} processes", lambda: pool.map(compute, big))
        timed("tiny tasks, one message each", lambda: pool.map(compute, tiny))
        chunk = max(1, len(tiny) // (4 * p))
        timed(f"tiny tasks, chunksize={chunk}", lambda: pool.map(compute, tiny, chunksize=chunk))
