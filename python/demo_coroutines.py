"""Coroutines and tasks: awaiting one by one, create_task then await, gather, and a TaskGroup
(3.11+). Results come back in input order; completion order is by wait length. Run with
--check to check these claims."""
import asyncio
import sys
import time


def work(seconds):                  # a moment of computing: nothing else runs meanwhile
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def task(i, wait, finished):
    work(0.003)                     # start: compute a moment
    await asyncio.sleep(wait)       # wait: the loop runs the other tasks
    work(0.003)                     # resume: compute again
    finished.append(i)
    return i


async def one_way(way, waits):
    finished = []
    t0 = time.perf_counter()
    if way == "await one by one":                  # ~sum(waits)
        results = [await task(i, w, finished) for i, w in enumerate(waits)]
    elif way == "create_task, then await":         # all start now: ~max(waits)
        tasks = [asyncio.create_task(task(i, w, finished)) for i, w in enumerate(waits)]
        results = [await t for t in tasks]
    elif way == "gather":
        results = await asyncio.gather(*(task(i, w, finished) for i, w in enumerate(waits)))
    else:                                          # TaskGroup: the modern gather (3.11+)
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(task(i, w, finished)) for i, w in enumerate(waits)]
        results = [t.result() for t in tasks]
    print(f"{way}: {time.perf_counter() - t0:.3f} s, results {results}, finished {finished}")
    return results, finished


async def main(waits):
    return {way: await one_way(way, waits) for way in ("await one by one", "create_task, then await", "gather", "TaskGroup")}


def claim(holds, what):             # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    orders = asyncio.run(main((0.15, 0.10, 0.05) if check or "--small" in sys.argv else (0.3, 0.2, 0.1)))
    if check:
        claim(orders["await one by one"] == ([0, 1, 2], [0, 1, 2]), "awaited one by one, each finishes before the next starts")
        for way in ("create_task, then await", "gather", "TaskGroup"):
            claim(orders[way] == ([0, 1, 2], [2, 1, 0]), f"{way}: results in input order, finished by wait length")
