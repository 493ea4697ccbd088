"""Shared memory between processes. Processes share nothing unless they map one block on
purpose: multiprocessing.Value is a C int in memory every process maps. counter.value += 1 is a
read and then a write, so two processes adding at once lose updates; the Value's own lock keeps
them; counting alone and adding the total once is cheap and right; a message per add is dearest.
Run: python3 demo_shared_memory.py [--small]"""
import multiprocessing as mp
import sys
import time

PROCESSES = 2
ADDS = 2_000 if "--small" in sys.argv else 10_000   # per process


def unlocked(counter, start, adds):
    start.wait()                   # all processes begin together
    for _ in range(adds):
        counter.value += 1         # a read, then a write: another process may write in between


def locked(counter, start, adds):
    start.wait()
    for _ in range(adds):
        with counter.get_lock():   # one process at a time
            counter.value += 1


def local(counter, start, adds):
    start.wait()
    total = 0
    for _ in range(adds):
        total += 1                 # this process's own memory
    with counter.get_lock():
        counter.value += total     # one shared add


def by_message(queue, start, adds):
    start.wait()
    for _ in range(adds):
        queue.put(1)               # no shared memory: each add is a message to the parent


def run(target):
    start = mp.Barrier(PROCESSES + 1)          # the parent starts the clock when all are ready
    shared = mp.Queue() if target is by_message else mp.Value("i", 0)
    procs = [mp.Process(target=target, args=(shared, start, ADDS)) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    start.wait()
    t0 = time.perf_counter()
    if target is by_message:
        total = sum(shared.get() for _ in range(PROCESSES * ADDS))   # read before join: a full pipe blocks
    for p in procs:
        p.join()
    took = time.perf_counter() - t0
    if target is not by_message:
        total = shared.value
    return total, took


if __name__ == "__main__":         # spawned workers import this file again: the work stays under the guard
    expected = PROCESSES * ADDS
    for target in (unlocked, locked, local, by_message):
        total, took = run(target)
        print(f"{target.__name__}: counter {total} of {expected}, lost {expected - total}, "
              f"{took * 1000:.1f} ms, {took * 1e6 / expected:.2f} us per add")
