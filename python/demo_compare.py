"""Every model, one job: a CPU-bound job (count_primes(n)) and an I/O-bound job (waits), each run
sequentially, with threads, a thread pool, a process pool, and (waits only) on the event loop."""
import asyncio
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from threading import Thread


def is_prime(k):                        # trial division by 2, then by odd numbers up to the root
    if k < 2 or k % 2 == 0:
        return k == 2
    return all(k % d for d in range(3, int(k ** 0.5) + 1, 2))


def count_primes(n):                    # Python bytecode: threads take turns holding the GIL
    return sum(map(is_prime, range(n)))


def wait(seconds):
    time.sleep(seconds)


def timed(run):
    t0 = time.perf_counter()
    run()
    return time.perf_counter() - t0


def threads(job, arg, tasks):
    ts = [Thread(target=job, args=(arg,)) for _ in range(tasks)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


async def gathered(seconds, tasks):
    await asyncio.gather(*(asyncio.sleep(seconds) for _ in range(tasks)))


if __name__ == "__main__":               # spawned workers import this file again: the work stays under the guard
    small = "--small" in sys.argv
    tasks, n, seconds = 8, 20_000 if small else 600_000, 0.02 if small else 0.1
    lanes = os.cpu_count() or 1
    print(f"count_primes({n}) = {count_primes(n)}")
    for job, arg in ((count_primes, n), (wait, seconds)):
        print(f"{job.__name__}, sequential: {timed(lambda: [job(arg) for _ in range(tasks)]):.3f} s")
        print(f"{job.__name__}, threads: {timed(lambda: threads(job, arg, tasks)):.3f} s")
        with ThreadPoolExecutor(lanes) as pool:
            print(f"{job.__name__}, thread pool: {timed(lambda: list(pool.map(job, [arg] * tasks))):.3f} s")
        with ProcessPoolExecutor(lanes) as pool:
            list(pool.map(job, [arg] * lanes))  # start the workers first: not timed
            print(f"{job.__name__}, process pool: {timed(lambda: list(pool.map(job, [arg] * tasks))):.3f} s")
    print(f"wait, event loop: {timed(lambda: asyncio.run(gathered(seconds, tasks))):.3f} s")
