"""Parallel CPU work: count primes below a limit by trial division, cut into many stripes that
1..P processes take as they come free (threads would not help here: the GIL). Checked against a
sieve."""
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


def sieve(limit):
    is_prime = bytearray([1]) * limit
    is_prime[:2] = b"\0\0"
    for i in range(2, int(limit ** 0.5) + 1):
        if is_prime[i]:
            is_prime[i * i::i] = bytearray(len(range(i * i, limit, i)))
    return sum(is_prime)


if __name__ == "__main__":                  # spawned workers import this file again: the work stays under the guard
    limit = 100_000 if "--small" in sys.argv else 1_500_000
    expected = sieve(limit)
    first = None
    for p in range(1, min(os.cpu_count() or 1, 4) + 1):
        t0 = time.perf_counter()
        stripes = p * STRIPES_PER_PROCESS
        with ProcessPoolExecutor(p) as pool:
            total = sum(pool.map(count_primes, [limit] * stripes, range(stripes), [stripes] * stripes))
        took = time.perf_counter() - t0
        first = first or took
        print(f"{p} process(es): {total} primes (sieve: {expected}) in {took:.3f} s, speedup {first / took:.2f}x")
