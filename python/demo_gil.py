"""The GIL: two threads running pure-Python computation are no faster than one, because only
the thread holding the GIL runs bytecode; two processes are. Threads that wait on I/O release
the GIL while they wait, so their waits overlap. (On a free-threaded build, 3.13t or 3.14t,
the CPU threads do run in parallel: check sys._is_gil_enabled().) Run with --check to check
these claims (small sizes); --start-method fork, forkserver or spawn picks how the processes
start."""
import multiprocessing as mp
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def count_primes(a, b):               # pure-Python bytecode: holds the GIL
    return sum(all(n % d for d in range(3, int(n ** 0.5) + 1, 2)) for n in range(a | 1, b, 2))


def io_bound(rounds, wait, waits):
    for _ in range(rounds):
        count_primes(10 ** 9, 10 ** 9 + 50)   # a little bytecode
        t0 = time.perf_counter()
        time.sleep(wait)                     # releases the GIL while it waits
        waits.append((threading.get_ident(), t0, time.perf_counter()))


def timed_threads(target, args_list):
    threads = [threading.Thread(target=target, args=a) for a in args_list]
    t0, cpu0 = time.perf_counter(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, time.process_time() - cpu0   # wall time; CPU time of all threads


def in_process(a, b):                 # which process computed, and when
    t0 = time.perf_counter()
    count_primes(a, b)
    return os.getpid(), t0, time.perf_counter()


def ready(start_line):                # each pool worker, once started: wait for the other
    start_line.wait(timeout=60)


def timed_processes(args_list):
    t0 = time.perf_counter()
    with ProcessPoolExecutor(len(args_list), initializer=ready, initargs=(mp.Barrier(len(args_list)),)) as pool:
        spans = list(pool.map(in_process, *zip(*args_list)))
    return time.perf_counter() - t0, spans


def claim(holds, what):               # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":                # spawned workers import this file again: the work stays under the guard
    if "--start-method" in sys.argv:      # fork (Linux before 3.14), forkserver (Linux from 3.14), spawn (macOS, Windows)
        mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    check = "--check" in sys.argv
    lo, hi = 10 ** 9, 10 ** 9 + (5_000 if check or "--small" in sys.argv else 200_000)
    mid = (lo + hi) // 2
    print(f"switch interval: {sys.getswitchinterval()} s")
    one, _ = timed_threads(count_primes, [(lo, hi)])
    print(f"CPU, 1 thread: {one:.3f} s")
    two, cpu = timed_threads(count_primes, [(lo, mid), (mid, hi)])
    print(f"CPU, 2 threads: {two:.3f} s ({cpu:.3f} s of CPU: one core at a time)")
    procs, spans = timed_processes([(lo, mid), (mid, hi)])
    print(f"CPU, 2 processes: {procs:.3f} s")
    rounds, wait, waits = 4, 0.05, []
    io_one, _ = timed_threads(io_bound, [(2 * rounds, wait, [])])
    print(f"I/O, 1 thread of {2 * rounds} x {wait} s waits: {io_one:.3f} s")
    io_two, _ = timed_threads(io_bound, [(rounds, wait, waits)] * 2)
    print(f"I/O, 2 threads of {rounds} x {wait} s waits: {io_two:.3f} s")
    if check:
        if getattr(sys, "_is_gil_enabled", lambda: True)():
            claim(cpu <= 1.2 * two + 0.05, f"CPU-bound threads take turns: {cpu:.3f} s of CPU in {two:.3f} s")
        (p, a, b), (q, c, d) = spans
        claim(p != q and a < d and c < b, "two processes compute at the same time")
        claim(any(p != q and a < d and c < b for p, a, b in waits for q, c, d in waits),
              "threads waiting on I/O overlap their waits: no GIL is held while waiting")
