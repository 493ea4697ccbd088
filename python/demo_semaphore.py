"""Semaphore: N tasks, at most k in their critical part at once (asyncio.Semaphore), then the
same limit as k workers taking items from a queue. Run with --check to check the limit."""
import asyncio
import sys
import time


async def main(n, k, wait):
    inside = most = 0

    async def request(sem):
        nonlocal inside, most
        async with sem:                 # at most k inside
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(wait)
            inside -= 1

    t0 = time.perf_counter()
    sem = asyncio.Semaphore(k)
    await asyncio.gather(*(request(sem) for _ in range(n)))
    print(f"semaphore: {time.perf_counter() - t0:.3f} s, most at once {most}")
    most_with_semaphore = most

    queue = asyncio.Queue()             # the same limit: k workers and a queue
    for i in range(n):
        queue.put_nowait(i)
    inside = most = 0

    async def worker():
        nonlocal inside, most
        while not queue.empty():
            queue.get_nowait()
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(wait)
            inside -= 1

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(k)))
    print(f"k workers and a queue: {time.perf_counter() - t0:.3f} s, most at once {most}")
    return most_with_semaphore, most


def claim(holds, what):                 # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    semaphore, workers = asyncio.run(main(10, 3, 0.03 if check or "--small" in sys.argv else 0.2))
    if check:
        claim(semaphore == 3, "the semaphore lets 3 tasks in at once, never more")
        claim(workers == 3, "3 workers and a queue: the same limit")
