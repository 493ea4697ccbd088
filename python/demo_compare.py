"""Every model, one job: a CPU-bound job (count_primes(n)) and an I/O-bound job (waits), each run
sequentially, with threads, a thread pool, a process pool, and (waits only) on the event loop.
Run with --check to check the page's claims (small sizes); --start-method fork, forkserver or
spawn picks how the processes start."""
import asyncio
import multiprocessing as mp
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from threading import Thread, get_ident


def is_prime(k):                        # trial division by 2, then by odd numbers up to the root
    if k < 2 or k % 2 == 0:
        return k == 2
    return all(k % d for d in range(3, int(k ** 0.5) + 1, 2))


def count_primes(n):                    # Python bytecode: threads take turns holding the GIL
    return sum(map(is_prime, range(n)))


def wait(seconds):
    time.sleep(seconds)


def traced(job, arg):                   # which worker (process, thread) ran a task, and when
    t0 = time.perf_counter()
    job(arg)
    return (os.getpid(), get_ident()), t0, time.perf_counter()


def ready(start_line):                  # each pool worker, once started: wait for all the others
    start_line.wait(timeout=60)


def timed(run):                         # wall time, and the CPU time of this process (all its threads)
    t0, cpu0 = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - t0, time.process_time() - cpu0, result


def threads(job, arg, tasks):
    spans = []
    ts = [Thread(target=lambda: spans.append(traced(job, arg))) for _ in range(tasks)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return spans


async def gathered(seconds, tasks):
    await asyncio.gather(*(asyncio.sleep(seconds) for _ in range(tasks)))


def main(tasks, n, seconds, lanes):
    print(f"count_primes({n}) = {count_primes(n)}")
    wall, cpu, spans = {}, {}, {}
    for job, arg in ((count_primes, n), (wait, seconds)):
        runs = {"sequential": lambda: [job(arg) for _ in range(tasks)],
                "threads": lambda: threads(job, arg, tasks)}
        for way, run in runs.items():
            wall[job, way], cpu[job, way], spans[job, way] = timed(run)
        with ThreadPoolExecutor(lanes) as pool:
            wall[job, "thread pool"], cpu[job, "thread pool"], spans[job, "thread pool"] = timed(
                lambda: list(pool.map(traced, [job] * tasks, [arg] * tasks)))
        with ProcessPoolExecutor(lanes, initializer=ready, initargs=(mp.Barrier(lanes),)) as pool:
            list(pool.map(job, [arg] * lanes))  # start the workers first: not timed
            wall[job, "process pool"], _, spans[job, "process pool"] = timed(
                lambda: list(pool.map(traced, [job] * tasks, [arg] * tasks)))
        for way in ("sequential", "threads", "thread pool", "process pool"):
            print(f"{job.__name__}, {way}: {wall[job, way]:.3f} s")
    wall[wait, "event loop"], _, _ = timed(lambda: asyncio.run(gathered(seconds, tasks)))
    print(f"wait, event loop: {wall[wait, 'event loop']:.3f} s")
    return wall, cpu, spans


def claim(holds, what):                 # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


def overlapped(spans):                  # did two workers run tasks at the same time?
    return any(p != q and a < d and c < b for p, a, b in spans for q, c, d in spans)


if __name__ == "__main__":               # spawned workers import this file again: the work stays under the guard
    if "--start-method" in sys.argv:     # fork (Linux before 3.14), forkserver (Linux from 3.14), spawn (macOS, Windows)
        mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    check = "--check" in sys.argv
    small = check or "--small" in sys.argv
    lanes = os.cpu_count() or 1
    wall, cpu, spans = main(8, 20_000 if small else 600_000, 0.02 if small else 0.1, lanes)
    if check:
        claim(count_primes(20_000) == 2262, "count_primes(20000) is 2262, as the sieve says")
        claim(wall[wait, "event loop"] < wall[wait, "sequential"] / 2, "waits overlap: event loop")
        for way in ("threads", "thread pool", "process pool"):
            claim(lanes < 2 or overlapped(spans[wait, way]), f"waits overlap: {way}")
        for way in ("threads", "thread pool"):  # one core at most: CPU time no more than wall time
            claim(cpu[count_primes, way] <= 1.2 * wall[count_primes, way] + 0.05,
                  f"CPU-bound {way} take turns on the GIL: CPU time {cpu[count_primes, way]:.3f} s "
                  f"in {wall[count_primes, way]:.3f} s")
        claim(lanes < 2 or overlapped(spans[count_primes, "process pool"]), "CPU-bound processes compute at the same time")
