"""Processes: separate memory. Each process sets the module's GLOBAL to its own value and reads
it back; the parent's GLOBAL does not move. Threads doing the same change the one GLOBAL
everyone shares. Run with --check to check these claims; --start-method fork, forkserver or
spawn picks how the processes start (each gives a process its own memory)."""
import multiprocessing as mp
import sys
import threading
import time

GLOBAL = 0


def set_global(value, out):
    global GLOBAL
    GLOBAL = value                 # changes this process's copy only
    out.put((value, GLOBAL))


def set_in_thread(value):
    global GLOBAL
    GLOBAL = value                 # one memory: everyone sees it


def claim(holds, what):            # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":         # spawned workers import this file again: the work stays under the guard
    if "--start-method" in sys.argv:   # fork (Linux before 3.14), forkserver (Linux from 3.14), spawn (macOS, Windows)
        mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    out = mp.Queue()
    t0 = time.perf_counter()
    procs = [mp.Process(target=set_global, args=(100 + i, out)) for i in range(3)]
    for p in procs:
        p.start()
    answers = sorted(out.get() for _ in procs)
    for p in procs:
        p.join()
    print(f"processes read back: {answers}; starting and ending them took {time.perf_counter() - t0:.3f} s")
    print(f"the parent's GLOBAL after the processes: {GLOBAL}")
    after_processes = GLOBAL

    t0 = time.perf_counter()
    ts = [threading.Thread(target=set_in_thread, args=(200 + i,)) for i in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print(f"the parent's GLOBAL after the threads: {GLOBAL} (threads took {time.perf_counter() - t0:.4f} s)")
    if "--check" in sys.argv:
        claim(answers == [(100, 100), (101, 101), (102, 102)], "each process reads back its own value")
        claim(after_processes == 0, "the processes did not move the parent's GLOBAL")
        claim(GLOBAL in (200, 201, 202), "a thread's write is the one GLOBAL everyone shares")
