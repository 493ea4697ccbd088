"""Crash isolation: a task that kills its process (a crash, running out of memory) breaks only
the process pool, never this program: CPython's pool does not replace a dead worker, so the
whole pool is broken (BrokenProcessPool); start a new one and run the lost tasks again. A
thread that raises inside `with lock:` releases the lock on the way out; the others go on.
Run with --check to check these claims; --start-method fork, forkserver or spawn picks how the
processes start."""
import multiprocessing as mp
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool


def compute(n, fault=None):
    if fault == "crash":
        os._exit(1)                      # the process dies, as on a segfault
    return sum(range(n))


def map_with_retries(tasks, faults, workers):
    results, tries = {}, 0
    while len(results) < len(tasks):
        tries += 1
        with ProcessPoolExecutor(workers) as pool:
            futures = {i: pool.submit(compute, n, faults.pop(i, None)) for i, n in enumerate(tasks) if i not in results}
            for i, f in futures.items():
                try:
                    results[i] = f.result()
                except BrokenProcessPool:  # this task's process died, or the pool broke with it
                    pass
    return [results[i] for i in range(len(tasks))], tries


def thread_that_raises(lock, table):
    with lock:                           # released by the `with` when the exception leaves it
        for i in range(1000):
            table.append(1)
            if i == 499:
                raise RuntimeError("a thread failed halfway through its update")


def claim(holds, what):                  # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":               # spawned workers import this file again: the work stays under the guard
    if "--start-method" in sys.argv:     # fork (Linux before 3.14), forkserver (Linux from 3.14), spawn (macOS, Windows)
        mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    tasks = [100_000 + i for i in range(12)]
    results, tries = map_with_retries(tasks, {2: "crash", 7: "crash"}, 3)
    right = results == [sum(range(n)) for n in tasks]
    print(f"answers right: {right}, pools used: {tries}")

    lock, table = threading.Lock(), []
    t = threading.Thread(target=thread_that_raises, args=(lock, table))
    t.start()
    t.join()                             # the exception is printed by threading's excepthook
    free = lock.acquire(timeout=1)
    print(f"after the thread raised: lock free {free}, table has {len(table)} of 1000 entries")
    if "--check" in sys.argv:
        claim(tries >= 2, "a crashed worker breaks the whole pool: a new pool is needed")
        claim(right, "run again in a new pool, every task's answer is right")
        claim(free and len(table) == 500, "the thread's exception released its lock; its half-done update stays")
