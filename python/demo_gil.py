"""The GIL: two threads running pure-Python computation are no faster than one, because only
the thread holding the GIL runs bytecode; two processes are. Threads that wait on I/O release
the GIL while they wait, so their waits overlap. (On a free-threaded build, 3.13t or 3.14t,
the CPU threads do run in parallel: check sys._is_gil_enabled().)"""
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def count_primes(a, b):               # pure-Python bytecode: holds the GIL
    return sum(all(n % d for d in range(3, int(n ** 0.5) + 1, 2)) for n in range(a | 1, b, 2))


def io_bound(rounds, wait):
    for _ in range(rounds):
        count_primes(10 ** 9, 10 ** 9 + 50)   # a little bytecode
        time.sleep(wait)                     # releases the GIL while it waits


def timed_threads(target, args_list):
    threads = [threading.Thread(target=target, args=a) for a in args_list]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def timed_processes(args_list):
    t0 = time.perf_counter()
    with ProcessPoolExecutor(len(args_list)) as pool:
        list(pool.map(count_primes, *zip(*args_list)))
    return time.perf_counter() - t0


if __name__ == "__main__":                # spawned workers import this file again: the work stays under the guard
    small = "--small" in sys.argv
    lo, hi = 10 ** 9, 10 ** 9 + (5_000 if small else 200_000)
    mid = (lo + hi) // 2
    print(f"switch interval: {sys.getswitchinterval()} s")
    print(f"CPU, 1 thread: {timed_threads(count_primes, [(lo, hi)]):.3f} s")
    print(f"CPU, 2 threads: {timed_threads(count_primes, [(lo, mid), (mid, hi)]):.3f} s")
    print(f"CPU, 2 processes: {timed_processes([(lo, mid), (mid, hi)]):.3f} s")
    rounds, wait = 4, 0.05
    print(f"I/O, 1 thread of {2 * rounds} x {wait} s waits: {timed_threads(io_bound, [(2 * rounds, wait)]):.3f} s")
    print(f"I/O, 2 threads of {rounds} x {wait} s waits: {timed_threads(io_bound, [(rounds, wait)] * 2):.3f} s")
