"""Locks and their cost: the same count with one shared lock taken for every add, and with
per-thread counters merged at the end (a lock taken once per thread). Python has no atomic
integer; the nearest thing, a lock-free merge, is what the second version does. Run with
--check to check that both count everything."""
import sys
import threading
import time


def shared_lock(threads, m):
    total = 0
    lock = threading.Lock()

    def work():
        nonlocal total
        for _ in range(m):
            with lock:                  # every add takes the one lock: threads queue for it
                total += 1

    return total_after(work, threads, lambda: total)


def per_thread(threads, m):
    total = 0
    lock = threading.Lock()

    def work():
        nonlocal total
        mine = 0
        for _ in range(m):
            mine += 1                   # a local: nothing shared, nothing to lock
        with lock:                      # one merge at the end
            total += mine

    return total_after(work, threads, lambda: total)


def total_after(work, threads, total):
    ts = [threading.Thread(target=work) for _ in range(threads)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return total(), time.perf_counter() - t0


def claim(holds, what):                 # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    threads, m = 4, 20_000 if check or "--small" in sys.argv else 500_000
    for way in (shared_lock, per_thread):
        total, took = way(threads, m)
        print(f"{way.__name__}: counted {total} of {threads * m} in {took:.3f} s")
        if check:
            claim(total == threads * m, f"{way.__name__}: every add counted")
