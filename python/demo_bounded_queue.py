"""Producers, consumers and a bounded queue: put() blocks while the queue is full, get()
while it is empty; the queue never holds more than maxsize. Run with --check to check it."""
import queue
import sys
import threading
import time

DONE = object()


def main(items, maxsize, make, use):
    q = queue.Queue(maxsize=maxsize)
    most, consumed, lock = 0, [], threading.Lock()

    def producer(mine):
        nonlocal most
        for item in mine:
            time.sleep(make)             # make it
            q.put(item)                  # blocks while the queue is full
            most = max(most, q.qsize())

    def consumer():
        while (item := q.get()) is not DONE:   # blocks while it is empty
            time.sleep(use)              # use it
            with lock:
                consumed.append(item)

    producers = [threading.Thread(target=producer, args=(range(p, items, 2),)) for p in range(2)]
    consumers = [threading.Thread(target=consumer) for _ in range(2)]
    t0 = time.perf_counter()
    for t in producers + consumers:
        t.start()
    for t in producers:
        t.join()
    for _ in consumers:
        q.put(DONE)                      # one "no more" per consumer
    for t in consumers:
        t.join()
    print(f"maxsize {maxsize}: {time.perf_counter() - t0:.3f} s, most held {most}, "
          f"every item consumed once: {sorted(consumed) == list(range(items))}")
    return most, sorted(consumed) == list(range(items))


def claim(holds, what):                 # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    small = check or "--small" in sys.argv
    for size in (1, 4, 16):
        most, once = main(20 if small else 40, size, 0.002 if small else 0.005, 0.005 if small else 0.012)
        if check:
            claim(most <= size, f"maxsize {size}: the queue never holds more than maxsize")
            claim(once, f"maxsize {size}: every item consumed exactly once")
