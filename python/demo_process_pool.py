"""Process pool: ProcessPoolExecutor.map of compute(n) against one thread and a thread pool;
then many tiny tasks, one message each vs in chunks (chunksize). Run with --check to check the
page's claims (small sizes); --start-method fork, forkserver or spawn picks how the processes
start."""
import multiprocessing as mp
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def compute(n):
    return sum(range(n))


def in_process(n):                            # compute(n), which process ran it, and when
    t0 = time.perf_counter()
    total = compute(n)
    return total, os.getpid(), t0, time.perf_counter()


def ready(start_line):                        # each pool worker, once started: wait for all the others
    start_line.wait(timeout=60)


def timed(label, run):
    t0, cpu0 = time.perf_counter(), time.process_time()
    results = list(run())
    took, cpu = time.perf_counter() - t0, time.process_time() - cpu0   # CPU: this process's threads
    total = sum(r[0] if isinstance(r, tuple) else r for r in results)
    print(f"{label}: {took:.3f} s (total {total})")
    return total, took, cpu, results


def claim(holds, what):                       # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":                    # spawned workers import this file again: the work stays under the guard
    if "--start-method" in sys.argv:          # fork (Linux before 3.14), forkserver (Linux from 3.14), spawn (macOS, Windows)
        mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    check = "--check" in sys.argv
    p = min(os.cpu_count() or 1, 4)
    big, tiny = [2_000_000 if check or "--small" in sys.argv else 20_000_000] * 8, [1000] * (500 if check else 2000)
    one = timed("big tasks, one thread", lambda: map(compute, big))
    with ThreadPoolExecutor(p) as pool:
        threads = timed(f"big tasks, {p} threads (the GIL)", lambda: pool.map(compute, big))
    with ProcessPoolExecutor(p, initializer=ready, initargs=(mp.Barrier(p),)) as pool:
        list(pool.map(compute, [0] * p))      # start the workers first: not timed
        procs = timed(f"big tasks, {p} processes", lambda: pool.map(in_process, big))
        each = timed("tiny tasks, one message each", lambda: pool.map(compute, tiny))
        chunk = max(1, len(tiny) // (4 * p))
        chunked = timed(f"tiny tasks, chunksize={chunk}", lambda: pool.map(compute, tiny, chunksize=chunk))
    if check:
        right = lambda tasks: sum(n * (n - 1) // 2 for n in tasks)   # 0 + 1 + ... + (n - 1)
        claim(one[0] == threads[0] == procs[0] == right(big), "big tasks: every way computes the right total")
        claim(each[0] == chunked[0] == right(tiny), "tiny tasks: both ways compute the right total")
        claim(threads[2] <= 1.2 * threads[1] + 0.05, "threads take turns on the GIL: CPU time no more than wall time")
        spans = [span for _, *span in procs[3]]
        claim(p < 2 or any(a != b and s < f and t < e for a, s, e in spans for b, t, f in spans),
              "processes compute big tasks at the same time")
        claim(each[1] > chunked[1], "tiny tasks: one message each costs more than chunks")
