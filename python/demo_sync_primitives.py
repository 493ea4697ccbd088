"""threading's other primitives: an Event as a start signal, a Condition to wait until
something is true, a Barrier for phases that wait for everyone, and an RLock its holder may take
again (a plain Lock re-entered waits for itself forever: acquire(timeout=...) shows it)."""
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


def rlock():
    rl, depth = threading.RLock(), 0
    with rl:
        with rl:                                # the holder takes it again
            depth = 2
    lock = threading.Lock()
    with lock:
        again = lock.acquire(timeout=0.1)       # without a timeout: waits for itself forever
    print(f"RLock: re-entered to depth {depth}; a plain Lock re-entered: acquire returned {again}")


if __name__ == "__main__":
    small = "--small" in sys.argv
    wait = 0.05 if small else 0.1
    event(4, wait)
    condition(4, wait)
    barrier(4, wait)
    rlock()
