"""Shared memory between processes. Processes share nothing unless they map one block on
purpose: multiprocessing.Value is a C int in memory every process maps. counter.value += 1 is a
read and then a write, so two processes adding at once can lose updates (how many depends on
timing; switch_between makes the losing interleaving happen every time); the Value's own lock
keeps them; counting alone and adding the total once is cheap and right; a message per add is
dearest. Run: python3 demo_shared_memory.py [--small]; --check checks the counts (small sizes;
the costs are shown, not checked: the parent's clock runs until the processes have exited,
which a busy machine stretches); --start-method fork, forkserver or spawn picks how the
processes start."""
import multiprocessing as mp
import sys
import time

PROCESSES = 2
ADDS = 2_000 if "--small" in sys.argv or "--check" in sys.argv else 10_000   # per process
ROUNDS = 100                       # switch_between's adds per process


def unlocked(counter, start, adds):
    start.wait()                   # all processes begin together
    for _ in range(adds):
        counter.value += 1         # a read, then a write: another process may write in between


def switch_between(counter, start, adds, turn):
    start.wait()
    for _ in range(adds):
        value = counter.value      # every process reads the same value ...
        turn.wait()                # ... before any of them writes (a barrier of the processes)
        counter.value = value + 1  # so each round all but one add are lost
        turn.wait()


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


def run(target, adds):
    start = mp.Barrier(PROCESSES + 1)          # the parent starts the clock when all are ready
    shared = mp.Queue() if target is by_message else mp.Value("i", 0)
    extra = (mp.Barrier(PROCESSES),) if target is switch_between else ()
    procs = [mp.Process(target=target, args=(shared, start, adds) + extra) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    start.wait()
    t0 = time.perf_counter()
    if target is by_message:
        total = sum(shared.get() for _ in range(PROCESSES * adds))   # read before join: a full pipe blocks
    for p in procs:
        p.join()
    took = time.perf_counter() - t0
    if target is not by_message:
        total = shared.value
    return total, took


def claim(holds, what):            # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":         # spawned workers import this file again: the work stays under the guard
    if "--start-method" in sys.argv:   # fork (Linux before 3.14), forkserver (Linux from 3.14), spawn (macOS, Windows)
        mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    counts, took = {}, {}
    for target in (unlocked, switch_between, locked, local, by_message):
        adds = ROUNDS if target is switch_between else ADDS
        expected = PROCESSES * adds
        counts[target], took[target] = run(target, adds)
        print(f"{target.__name__}: counter {counts[target]} of {expected}, lost {expected - counts[target]}, "
              f"{took[target] * 1000:.1f} ms, {took[target] * 1e6 / expected:.2f} us per add")
    if "--check" in sys.argv:
        total = PROCESSES * ADDS
        claim(counts[unlocked] <= total, "unlocked: never more than was added (fewer when updates are lost)")
        claim(counts[switch_between] == ROUNDS, "a write between another's read and write loses its update")
        for target in (locked, local, by_message):
            claim(counts[target] == total, f"{target.__name__}: every add kept")
