"""CPython reference figures for the playground's pages, measured on this machine and written
with their source (this script, the interpreter, the core count, the date) to
python/reference.txt, which the pages read and cite. Run it with `xtask/run python-reference`
(or: python3 python/reference.py > python/reference.txt)."""
import asyncio
import datetime
import os
import platform
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Process, Queue


def count_primes(a, b):                      # pure-Python bytecode: holds the GIL
    return sum(all(n % d for d in range(3, int(n ** 0.5) + 1, 2)) for n in range(a | 1, b, 2))


def timed(run):
    t0 = time.perf_counter()
    run()
    return time.perf_counter() - t0


def threads(target, args_list):
    ts = [threading.Thread(target=target, args=a) for a in args_list]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def cpu_figures(size):
    lo, hi = 10 ** 9, 10 ** 9 + size
    mid = (lo + hi) // 2
    one = min(timed(lambda: count_primes(lo, hi)) for _ in range(3))
    two = min(timed(lambda: threads(count_primes, [(lo, mid), (mid, hi)])) for _ in range(3))
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(count_primes, [lo, lo], [lo + 10, lo + 10]))   # workers started: not timed
        procs = min(timed(lambda: list(pool.map(count_primes, [lo, mid], [mid, hi]))) for _ in range(3))
    return {"cpu_one_thread_s": one, "cpu_two_threads_s": two, "cpu_two_processes_s": procs}


counter = 0


def racy(m):
    global counter
    for _ in range(m):
        counter += 1


def race_figures(tries, m):
    global counter
    lost = []
    for _ in range(tries):
        counter = 0
        threads(racy, [(m,), (m,)])
        lost.append(2 * m - counter)
    return {"race_tries": tries, "race_adds_per_thread": m, "race_tries_that_lost": sum(1 for x in lost if x > 0),
            "race_most_lost": max(lost)}


def nothing(q=None):
    if q is not None:
        q.put(os.getpid())


def start_figures():
    thread = statistics.median(timed(lambda: threads(nothing, [()])) for _ in range(200))
    def one_process():
        p = Process(target=nothing)
        p.start()
        p.join()
    process = statistics.median(timed(one_process) for _ in range(10))
    return {"thread_start_join_ms": thread * 1000, "process_start_join_ms": process * 1000}


def rss_kb(pid="self"):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def memory_figures():
    async def coroutines(n):
        before = rss_kb()
        event = asyncio.Event()
        tasks = [asyncio.create_task(event.wait()) for _ in range(n)]
        await asyncio.sleep(0.05)
        used = rss_kb() - before
        event.set()
        await asyncio.gather(*tasks)
        return used / n

    per_coroutine = asyncio.run(coroutines(10_000))
    before, stop = rss_kb(), threading.Event()
    ts = [threading.Thread(target=stop.wait) for _ in range(1_000)]
    for t in ts:
        t.start()
    per_thread = (rss_kb() - before) / len(ts)
    stop.set()
    for t in ts:
        t.join()
    q = Queue()
    ps = [Process(target=lambda q=q: (q.put(rss_kb()), time.sleep(0.5))) for _ in range(10)]
    for p in ps:
        p.start()
    per_process = statistics.median(q.get() for _ in ps)
    for p in ps:
        p.join()
    return {"kb_per_coroutine": per_coroutine, "kb_per_thread": per_thread, "kb_per_process": per_process}


async def gathered(n, seconds):
    await asyncio.gather(*(asyncio.sleep(seconds) for _ in range(n)))


def main():
    small = "--small" in sys.argv
    figures = {}
    figures.update(cpu_figures(20_000 if small else 200_000))
    figures.update(race_figures(3 if small else 20, 100_000 if small else 1_000_000))
    figures.update(start_figures())
    figures["gathered_1000_sleeps_of_0.2_s"] = timed(lambda: asyncio.run(gathered(1000, 0.2)))
    figures.update(memory_figures())
    free = getattr(sys, "_is_gil_enabled", None)
    print("# CPython reference figures for the pages. Written by python/reference.py; do not edit by hand.")
    print("script = python/reference.py")
    print(f"python = {platform.python_implementation()} {platform.python_version()}")
    print(f"cores = {os.cpu_count()}")
    print(f"date = {datetime.date.today().isoformat()}")
    print(f"gil = {'enabled' if free is None or free() else 'disabled (free-threaded build)'}")
    print("free_threaded = not measured: this machine's Debian offers no free-threaded CPython (3.13t)")
    for key, value in figures.items():
        print(f"{key} = {round(value, 4) if isinstance(value, float) else value}")


if __name__ == "__main__":                   # spawned workers import this file again: the work stays under the guard
    main()
