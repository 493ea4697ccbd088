"""Concurrency vs parallelism: the same CPU tasks interleaved on one event loop (all in
progress, one computing at a time: the total is the sum of all steps) and spread over worker
processes (several computing at once: about that sum divided by the cores). Run with --check to
check these claims (small sizes); --start-method fork, forkserver or spawn picks how the
processes start."""
import asyncio
import multiprocessing as mp
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def is_prime(n):
    return n > 1 and all(n % d for d in range(2, int(n ** 0.5) + 1))


def step(size):                          # one step of pure computation
    return sum(is_prime(n) for n in range(10 ** 9, 10 ** 9 + size))


async def task(steps, size):             # concurrency: interleaved on one loop
    t0 = time.perf_counter()
    for _ in range(steps):
        step(size)
        await asyncio.sleep(0)           # let the other tasks have a go
    return t0, time.perf_counter()       # from its first step to its last


def whole_task(steps, size):
    t0 = time.perf_counter()
    for _ in range(steps):
        step(size)
    return os.getpid(), t0, time.perf_counter()   # which process ran it, and when


def ready(start_line):                   # each pool worker, once started: wait for all the others
    start_line.wait(timeout=60)


async def main(n, steps, size):
    t0 = time.perf_counter()
    interleaved = await asyncio.gather(*(task(steps, size) for _ in range(n)))
    print(f"interleaved on one loop: {time.perf_counter() - t0:.3f} s")
    # parallelism: processes, since the threads of a default CPython share one GIL
    workers = min(n, os.cpu_count() or 1)
    with ProcessPoolExecutor(workers, initializer=ready, initargs=(mp.Barrier(workers),)) as pool:
        t0 = time.perf_counter()
        spans = list(pool.map(whole_task, [steps] * n, [size] * n))
    print(f"on {len({pid for pid, _, _ in spans})} processes: {time.perf_counter() - t0:.3f} s")
    return interleaved, spans


def claim(holds, what):                  # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":               # spawned workers import this file again: the work stays under the guard
    if "--start-method" in sys.argv:     # fork (Linux before 3.14), forkserver (Linux from 3.14), spawn (macOS, Windows)
        mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    check = "--check" in sys.argv
    interleaved, spans = asyncio.run(main(4, 5, 100 if check or "--small" in sys.argv else 400))
    if check:
        claim(max(a for a, _ in interleaved) < min(b for _, b in interleaved),
              "on the loop every task is in progress together: each began before any ended")
        claim((os.cpu_count() or 1) < 2 or
              any(p != q and a < d and c < b for p, a, b in spans for q, c, d in spans),
              "on processes, tasks compute at the same time in different processes")
