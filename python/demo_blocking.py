"""Blocking the loop: one CPU job run on the loop without yielding (the heartbeat stops), in
chunks that yield, and on a worker thread (asyncio.to_thread). The longest heartbeat gap says
how long the page would have been frozen. Run with --check to check these claims."""
import asyncio
import sys
import time


def count_primes(a, b):                 # pure computation
    return sum(all(n % d for d in range(3, int(n ** 0.5) + 1, 2)) for n in range(a | 1, b, 2))


async def heartbeat(gaps):              # the page's pulse: how late is each tick?
    while True:
        t = time.perf_counter()
        await asyncio.sleep(0.02)
        gaps.append(time.perf_counter() - t - 0.02)


async def on_the_loop(a, b):
    return count_primes(a, b)           # no await: nothing else runs meanwhile


async def chunked(a, b, step=100):     # 50 odd numbers a chunk: a few ms of computing (2-7 ms measured)
    total = 0
    for lo in range(a, b, step):
        total += count_primes(lo, min(lo + step, b))
        await asyncio.sleep(0)          # give the loop a turn
    return total


async def on_a_worker(a, b):
    # A thread keeps the loop alive; under the GIL it still shares the CPU with the loop
    # (a ProcessPoolExecutor with loop.run_in_executor would really run beside it).
    return await asyncio.to_thread(count_primes, a, b)


async def main(size):
    a, b = 10 ** 9, 10 ** 9 + size
    longest = {}
    for way in (on_the_loop, chunked, on_a_worker):
        gaps = []
        beat = asyncio.create_task(heartbeat(gaps))
        await asyncio.sleep(0.05)       # a few calm ticks first
        t0 = time.perf_counter()
        primes = await way(a, b)
        took = time.perf_counter() - t0
        await asyncio.sleep(0.05)
        beat.cancel()
        print(f"{way.__name__}: {primes} primes in {took:.3f} s, longest heartbeat gap {max(gaps) * 1000:.0f} ms")
        longest[way] = max(gaps)
    return longest


def claim(holds, what):                 # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    longest = asyncio.run(main(4_000 if check or "--small" in sys.argv else 40_000))
    if check:
        claim(longest[on_the_loop] > 2 * longest[chunked], "chunks that yield keep the heartbeat going")
        claim(longest[on_the_loop] > 2 * longest[on_a_worker], "a worker thread keeps the heartbeat going")
