"""threading's other primitives: an Event as a start signal, a Condition to wait until
something is true, a Barrier for phases that wait for everyone, and an RLock its holder may take
again (a plain Lock re-entered waits for itself forever: acquire(timeout=...) shows it). Run
with --check to check these claims."""
import sys
import threading
import time


def run_all(targets):
    ts = [threading.Thread(target=t) for t in targets]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def event(n, wait):
    start, woke, set_at = threading.Event(), [], []
    def waiter():
        start.wait()                            # blocks until set()
        woke.append(time.perf_counter())
    def setter():
        time.sleep(wait)
        set_at.append(time.perf_counter())
        start.set()                             # wakes every waiter
    run_all([setter] + [waiter] * n)
    print(f"Event: {n} threads, none before set(): {min(woke) >= set_at[0]}, woke within {max(woke) - min(woke):.4f} s")
    return len(woke) == n and min(woke) >= set_at[0]


def condition(n, wait):
    cond, items, wakeups = threading.Condition(), [], [0]
    def waiter():
        with cond:
            while len(items) < n:               # what cond.wait_for(lambda: len(items) >= n) does
                cond.wait()
                wakeups[0] += 1
    def producer(i):
        time.sleep(wait * (i + 1) / n)
        with cond:
            items.append(i)
            cond.notify_all()
    run_all([waiter] + [lambda i=i: producer(i) for i in range(n)])
    print(f"Condition: woken {wakeups[0]} times, went on with {len(items)} of {n} items")
    return len(items) == n


def barrier(n, wait, phases=3):
    wall, log = threading.Barrier(n), []
    def worker(i):
        for p in range(phases):
            began = time.perf_counter()
            time.sleep(wait * (1 + (i + p) % n) / n)    # uneven work
            log.append((p, began, time.perf_counter()))
            wall.wait()                                  # everyone, then the next phase
    run_all([lambda i=i: worker(i) for i in range(n)])
    kept = all(min(b for q, b, e in log if q == p) >= max(e for q, b, e in log if q == p - 1)
               for p in range(1, phases))
    print(f"Barrier: {n} threads, {phases} phases, no phase began before the last ended the one before: {kept}")
    return kept


def rlock():
    rl, depth = threading.RLock(), 0
    with rl:
        with rl:                                # the holder takes it again
            depth = 2
    lock = threading.Lock()
    with lock:
        again = lock.acquire(timeout=0.1)       # without a timeout: waits for itself forever
    print(f"RLock: re-entered to depth {depth}; a plain Lock re-entered: acquire returned {again}")
    return depth == 2 and again is False


def claim(holds, what):                         # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    wait = 0.05 if check or "--small" in sys.argv else 0.1
    results = event(4, wait), condition(4, wait), barrier(4, wait), rlock()
    if check:
        for holds, what in zip(results, ("Event: no waiter goes on before set(), then all do",
                                         "Condition: the waiter goes on once all items are there",
                                         "Barrier: no phase begins before every thread ended the one before",
                                         "RLock: its holder takes it again; a plain Lock re-entered would wait")):
            claim(holds, what)
