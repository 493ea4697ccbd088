"""Bridging blocking code: a blocking call (time.sleep here; requests.get or a file read in real
code) inside a coroutine freezes the event loop: no other task runs, the ticker stops.
asyncio.to_thread runs it on a worker thread of the default executor: the loop keeps ticking,
and several blocking calls overlap. Run with --check to check these claims."""
import asyncio
import sys
import time


def blocking_call(seconds):
    time.sleep(seconds)                 # holds its thread until it returns


async def ticker(stop, record):
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0.01)       # wants to run every 10 ms
        now = time.perf_counter()
        record["worst"] = max(record["worst"], now - last)
        record["ticks"] += 1
        last = now


async def inline(n, seconds):
    async def call():
        blocking_call(seconds)          # inside a coroutine: the whole loop waits
    await asyncio.gather(*(call() for _ in range(n)))


async def to_thread(n, seconds):
    await asyncio.gather(*(asyncio.to_thread(blocking_call, seconds) for _ in range(n)))


async def run(way, n, seconds):
    stop, record = asyncio.Event(), {"worst": 0.0, "ticks": 0}
    tick = asyncio.create_task(ticker(stop, record))
    await asyncio.sleep(0)              # the ticker starts waiting on its timer
    t0 = time.perf_counter()
    await way(n, seconds)
    elapsed = time.perf_counter() - t0
    stop.set()
    await tick
    print(f"{way.__name__}: {n} calls of {seconds:.2f} s took {elapsed:.3f} s; "
          f"longest ticker gap {record['worst']:.3f} s, {record['ticks']} ticks")
    return elapsed, record["worst"]


async def main(n, seconds):
    return {way: await run(way, n, seconds) for way in (inline, to_thread)}


def claim(holds, what):                 # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    n, seconds = 4, 0.05 if check or "--small" in sys.argv else 0.1
    ways = asyncio.run(main(n, seconds))
    if check:
        took, gap = ways[inline]
        claim(took >= 0.9 * n * seconds and gap >= 0.9 * took, "inline, the calls run one after another and the ticker stops")
        took, gap = ways[to_thread]
        claim(took < ways[inline][0] / 2, "on worker threads the blocking calls overlap")
        claim(gap < seconds, "the ticker goes on while the calls block their threads")
