"""Threads: start and join. N threads each block in a wait of their own length; join()
returns when the last has ended, so the total is about the longest wait, not the sum. Run with
--check to check it."""
import sys
import threading
import time


def main(n, longest):
    waits = [longest * (n - i) / n for i in range(n)]     # thread 0 waits longest
    ended = [0.0] * n

    def work(i):
        time.sleep(waits[i])                              # blocks this thread only
        ended[i] = time.perf_counter() - t0

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()                                         # a new OS thread each
    started = time.perf_counter() - t0
    for t in threads:
        t.join()
    joined = time.perf_counter() - t0
    print(f"waits: {[round(w, 3) for w in waits]} s (sum {sum(waits):.3f} s)")
    print(f"starting {n} threads took {started * 1000:.2f} ms")
    print(f"last thread ended at {max(ended):.3f} s; join() returned at {joined:.3f} s")
    return sum(waits), max(ended), joined


def claim(holds, what):                                   # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    total, last, joined = main(4, 0.1 if check or "--small" in sys.argv else 0.4)
    if check:
        claim(last <= joined, "join() returns once the last thread has ended")
        claim(joined < 0.8 * total, "the waits overlap: about the longest, not the sum")
