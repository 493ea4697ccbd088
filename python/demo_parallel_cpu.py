"""Parallel CPU work: count primes below a limit by trial division, cut into many stripes that
1..P processes take as they come free (threads would not help here: the GIL). Checked against a
sieve. Run with --check to check the counts and that the processes computed at the same time
(small sizes); --start-method fork, forkserver or spawn picks how the processes start."""
import multiprocessing as mp
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

STRIPES_PER_PROCESS = 128                   # many small shares: a process slowed by something else takes fewer


def count_primes(limit, stripe, stripes, block=512):
    # trial division over odd candidates, dealt to stripes in blocks
    count = 1 if stripe == 0 and limit > 2 else 0
    for first in range(3 + 2 * block * stripe, limit, 2 * block * stripes):
        for n in range(first, min(first + 2 * block, limit), 2):
            d = 3
            while d * d <= n and n % d:
                d += 2
            count += d * d > n
    return count


def in_process(limit, stripe, stripes):    # a stripe's count, which process computed it, and when
    t0 = time.perf_counter()
    count = count_primes(limit, stripe, stripes)
    return count, os.getpid(), t0, time.perf_counter()


def ready(start_line):                      # each pool worker, once started: wait for all the others
    start_line.wait(timeout=60)


def sieve(limit):
    is_prime = bytearray([1]) * limit
    is_prime[:2] = b"\0\0"
    for i in range(2, int(limit ** 0.5) + 1):
        if is_prime[i]:
            is_prime[i * i::i] = bytearray(len(range(i * i, limit, i)))
    return sum(is_prime)


def claim(holds, what):                     # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


def overlapped(spans):                      # did two processes compute at the same time?
    return any(p != q and a < d and c < b for p, a, b in spans for q, c, d in spans)


if __name__ == "__main__":                  # spawned workers import this file again: the work stays under the guard
    if "--start-method" in sys.argv:        # fork (Linux before 3.14), forkserver (Linux from 3.14), spawn (macOS, Windows)
        mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    check = "--check" in sys.argv
    limit = 100_000 if check or "--small" in sys.argv else 1_500_000
    expected = sieve(limit)
    first = None
    for p in range(1, min(os.cpu_count() or 1, 4) + 1):
        t0 = time.perf_counter()
        stripes = p * STRIPES_PER_PROCESS
        with ProcessPoolExecutor(p, initializer=ready, initargs=(mp.Barrier(p),)) as pool:
            results = list(pool.map(in_process, [limit] * stripes, range(stripes), [stripes] * stripes))
        took = time.perf_counter() - t0
        total = sum(count for count, *_ in results)
        first = first or took
        print(f"{p} process(es): {total} primes (sieve: {expected}) in {took:.3f} s, speedup {first / took:.2f}x")
        if check:
            claim(total == expected, f"{p} process(es): the count agrees with the sieve")
            claim(p == 1 or overlapped([span for _, *span in results]), f"{p} processes compute at the same time")
