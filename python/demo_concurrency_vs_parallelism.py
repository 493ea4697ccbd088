"""Concurrency vs parallelism: the same CPU tasks interleaved on one event loop (all in
progress, one computing at a time: the total is the sum of all steps) and spread over worker
processes (several computing at once: about that sum divided by the cores)."""
import asyncio
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def is_prime(n):
    return n > 1 and all(n % d for d in range(2, int(n ** 0.5) + 1))


def step(size):                          # one step of pure computation
    return sum(is_prime(n) for n in range(10 ** 9, 10 ** 9 + size))


async def task(steps, size):             # concurrency: interleaved on one loop
    for _ in range(steps):
        step(size)
        await asyncio.sleep(0)           # let the other tasks have a go


def whole_task(steps, size):
    for _ in range(steps):
        step(size)
    return os.getpid()                   # which process ran it


async def main(n, steps, size):
    t0 = time.perf_counter()
    await asyncio.gather(*(task(steps, size) for _ in range(n)))
    print(f"interleaved on one loop: {time.perf_counter() - t0:.3f} s")
    # parallelism: processes, since the threads of a default CPython share one GIL
    t0 = time.perf_counter()
    with ProcessPoolExecutor(min(n, os.cpu_count() or 1)) as pool:
        pids = list(pool.map(whole_task, [steps] * n, [size] * n))
    print(f"on {len(set(pids))} processes: {time.perf_counter() - t0:.3f} s")


if __name__ == "__main__":               # spawned workers import this file again: the work stays under the guard
    small = "--small" in sys.argv
    asyncio.run(main(4, 5, 100 if small else 400))
