"""CPython reference figures for the playground's pages, measured on this machine and written
with their source (this script, the OS, the interpreter, the core count, the date, and the start
method of every process figure) to python/reference.txt, which the pages read and cite. Run it with `xtask/run python-reference`
(or: python3 python/reference.py > python/reference.txt)."""
import asyncio
import datetime
import multiprocessing
import os
import platform
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

# Every process figure names its start method: fork (Linux's default before 3.14), forkserver
# (Linux's default from 3.14) or spawn (the default on macOS and Windows).
START_METHODS = ("fork", "forkserver", "spawn")
DEFAULT_METHOD = multiprocessing.get_start_method()


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
    one, two, procs = [], [], []
    with ProcessPoolExecutor(2) as pool:      # this interpreter's default start method
        list(pool.map(count_primes, [lo, lo], [lo + 10, lo + 10]))   # workers started: not timed
        for _ in range(3):                     # the three ways in turn, so a busy spell slows them alike
            one.append(timed(lambda: count_primes(lo, hi)))
            two.append(timed(lambda: threads(count_primes, [(lo, mid), (mid, hi)])))
            procs.append(timed(lambda: list(pool.map(count_primes, [lo, mid], [mid, hi]))))
    one, two, procs = min(one), min(two), min(procs)
    return {"cpu_one_thread_s": one, "cpu_two_threads_s": two, "cpu_two_processes_s": procs,
            "cpu_two_processes_start_method": DEFAULT_METHOD}


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


def nothing():                               # top level: spawn and forkserver pickle the target by name
    pass


def start_figures(rounds):
    figures = {"thread_start_join_ms": statistics.median(timed(lambda: threads(nothing, [()])) for _ in range(200)) * 1000}
    for method in START_METHODS:
        context = multiprocessing.get_context(method)
        def one_process():
            p = context.Process(target=nothing)
            p.start()
            p.join()
        one_process()                          # forkserver starts its server once: not timed
        figures[f"process_start_join_ms_{method}"] = statistics.median(timed(one_process) for _ in range(rounds)) * 1000
    return figures


def rss_kb(pid="self"):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def report_rss(q):
    q.put(rss_kb())
    time.sleep(0.5)                            # stay alive while the others report


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
    q = multiprocessing.Queue()                # this interpreter's default start method
    ps = [multiprocessing.Process(target=report_rss, args=(q,)) for _ in range(10)]
    for p in ps:
        p.start()
    per_process = statistics.median(q.get() for _ in ps)
    for p in ps:
        p.join()
    return {"kb_per_coroutine": per_coroutine, "kb_per_thread": per_thread, "kb_per_process": per_process,
            "kb_per_process_start_method": DEFAULT_METHOD}


async def gathered(n, seconds):
    await asyncio.gather(*(asyncio.sleep(seconds) for _ in range(n)))


def main():
    small = "--small" in sys.argv
    load = os.getloadavg()[0]                  # other programs' work slows every figure: say how busy
    if load > (os.cpu_count() or 1) / 2:
        print(f"reference.py: the machine is busy (load {load:.1f} on {os.cpu_count()} cores): "
              "figures measured now are slower than on an idle machine", file=sys.stderr)
    figures = {}
    figures.update(cpu_figures(20_000 if small else 200_000))
    figures.update(race_figures(3 if small else 20, 100_000 if small else 1_000_000))
    figures.update(start_figures(3 if small else 10))
    figures["gathered_1000_sleeps_of_0.2_s"] = timed(lambda: asyncio.run(gathered(1000, 0.2)))
    figures.update(memory_figures())
    free = getattr(sys, "_is_gil_enabled", None)
    print("# CPython reference figures for the pages. Written by python/reference.py; do not edit by hand.")
    print("script = python/reference.py")
    print(f"os = {platform.system()} {platform.release()} {platform.machine()}")
    print(f"python = {platform.python_implementation()} {platform.python_version()}")
    print(f"cores = {os.cpu_count()}")
    print(f"date = {datetime.date.today().isoformat()}")
    print(f"load_average = {load:.2f} (1 min, at the start: other programs' work slows every figure)")
    print(f"gil = {'enabled' if free is None or free() else 'disabled (free-threaded build)'}")
    print("free_threaded = not measured: this machine's Debian offers no free-threaded CPython (3.13t)")
    for key, value in figures.items():
        print(f"{key} = {round(value, 4) if isinstance(value, float) else value}")


if __name__ == "__main__":                   # spawned workers import this file again: the work stays under the guard
    main()
