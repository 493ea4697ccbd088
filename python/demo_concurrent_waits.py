"""Concurrent waits: N waits of d seconds, awaited one after another (about N*d), then
gathered (about d). One thread, one event loop: waiting costs no thread. Run with --check to
check these claims."""
import asyncio
import sys
import time


async def wait_task(i, d):
    await asyncio.sleep(d)          # yields to the loop until the timer fires
    return i


async def main(n, d):
    t0 = time.perf_counter()
    for i in range(n):              # one after another: ~n*d
        await wait_task(i, d)
    sequential = time.perf_counter() - t0

    t0 = time.perf_counter()        # all at once: ~d
    results = await asyncio.gather(*(wait_task(i, d) for i in range(n)))
    gathered = time.perf_counter() - t0

    print(f"{n} waits of {d} s")
    print(f"one after another: {sequential:.3f} s")
    print(f"gathered: {gathered:.3f} s")
    print(f"results in input order: {results == list(range(n))}")
    return sequential, gathered, results == list(range(n))


def claim(holds, what):         # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    sequential, gathered, in_order = asyncio.run(main(5, 0.05 if check or "--small" in sys.argv else 0.2))
    if check:
        claim(gathered < sequential / 2, "gathered waits overlap: about d, not n*d")
        claim(in_order, "gather returns the results in input order")
