"""What each costs in memory: many coroutines suspended on one event, many threads waiting,
a few processes. A coroutine is a small object on the heap (tracemalloc sees it); a thread adds
a stack (reserved, mostly untouched) and its state; a process is a whole interpreter of its own.
Resident sizes come from /proc (Linux). Run: python3 demo_memory_cost.py [--small]; --check
checks these claims (small sizes); --start-method fork, forkserver or spawn picks how the
processes start (a spawned one shares fewer pages with its parent)."""
import asyncio
import multiprocessing as mp
import sys
import threading
import time
import tracemalloc

CHECK = "--check" in sys.argv
SMALL = CHECK or "--small" in sys.argv
COROUTINES = 2_000 if SMALL else 10_000
THREADS = 50 if SMALL else 200
PROCESSES = 2 if SMALL else 4


def resident_kb(pid="self"):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


async def coroutines(n):
    event = asyncio.Event()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tasks = [asyncio.create_task(event.wait()) for _ in range(n)]
    await asyncio.sleep(0)             # every task runs up to its await
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    event.set()
    await asyncio.gather(*tasks)
    return held


def threads(n):
    stop = threading.Event()
    before = resident_kb()
    ts = [threading.Thread(target=stop.wait) for _ in range(n)]
    for t in ts:
        t.start()
    held = resident_kb() - before
    stop.set()
    for t in ts:
        t.join()
    return held


def report(queue):
    queue.put(resident_kb())
    time.sleep(0.2)                    # stay alive while the others report


def processes(n):
    queue = mp.Queue()
    ps = [mp.Process(target=report, args=(queue,)) for _ in range(n)]
    for p in ps:
        p.start()
    sizes = [queue.get() for _ in ps]
    for p in ps:
        p.join()
    return sizes


def claim(holds, what):            # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":         # spawned workers import this file again: the work stays under the guard
    if "--start-method" in sys.argv:   # fork (Linux before 3.14), forkserver (Linux from 3.14), spawn (macOS, Windows)
        mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    held = asyncio.run(coroutines(COROUTINES))
    print(f"coroutines: {COROUTINES} suspended hold {held / 1024:.0f} KB of heap, {held / COROUTINES:.0f} bytes each")
    kb = threads(THREADS)
    print(f"threads: {THREADS} waiting add {kb} KB resident, {kb / THREADS:.1f} KB each")
    sizes = processes(PROCESSES)
    print(f"processes: {PROCESSES} each resident {min(sizes) / 1024:.1f} to {max(sizes) / 1024:.1f} MB "
          f"(pages shared with the parent counted in each)")
    if CHECK:
        claim(100 < held / COROUTINES < 10_000, "a suspended coroutine is a small heap object (under 10 KB)")
        claim(kb > 0, "waiting threads add resident memory")
        claim(min(sizes) > 5 * 1024, "a process is a whole interpreter: megabytes resident")
