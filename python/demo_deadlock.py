"""Deadlock: two threads take two locks in opposite orders and each waits for the lock the
other holds. A watchdog keeps the wait-for graph (who holds which lock, who waits for which);
the thread whose wait would close a cycle is told so instead of waiting forever, releases what
it holds, backs off and starts over, so both finish. One global order never deadlocks. Run with
--check to check these claims."""
import sys
import threading
import time


class Locks:
    """Locks that know their holders and waiters: a wait that closes a cycle is refused."""

    def __init__(self):
        self.changed = threading.Condition()
        self.holder = {}                # lock -> thread
        self.waiting = {}               # thread -> lock

    def acquire(self, thread, lock):
        """None once held; the cycle (a list of threads) if waiting would never end."""
        with self.changed:
            while lock in self.holder:
                self.waiting[thread] = lock
                cycle = self.cycle_from(thread)
                if cycle:
                    del self.waiting[thread]
                    return cycle
                self.changed.wait()
            self.waiting.pop(thread, None)
            self.holder[lock] = thread
            return None

    def release(self, thread, lock):
        with self.changed:
            if self.holder.get(lock) == thread:
                del self.holder[lock]
            self.changed.notify_all()

    def cycle_from(self, start):
        thread, seen = start, []
        while thread in self.waiting and thread not in seen:
            seen.append(thread)
            thread = self.holder.get(self.waiting[thread])
            if thread == start:
                return seen
        return None


def worker(name, first, second, locks, hold, log):
    for _ in range(3):
        locks.acquire(name, first)
        time.sleep(hold)                            # holds the first lock a while
        cycle = locks.acquire(name, second)
        if cycle is None:
            log.append(f"{name} took {first} and {second}")
            locks.release(name, second)
            locks.release(name, first)
            return
        log.append(f"{name}: deadlock {' -> '.join(cycle)}, released {first}, backs off")
        locks.release(name, first)                  # let the other one finish
        time.sleep(hold / 2)


def run(orders, hold):
    locks, log = Locks(), []
    ts = [threading.Thread(target=worker, args=(name, a, b, locks, hold, log)) for name, (a, b) in orders.items()]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return log


def claim(holds, what):                 # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    hold = 0.05 if check or "--small" in sys.argv else 0.2
    opposite = run({"T1": ("A", "B"), "T2": ("B", "A")}, hold)
    print("opposite orders:", opposite)
    one_order = run({"T1": ("A", "B"), "T2": ("A", "B")}, hold)
    print("one global order:", one_order)
    if check:
        took = lambda log: sum(" took " in entry for entry in log)
        claim(any("deadlock" in entry for entry in opposite), "opposite orders: a thread's wait would close a cycle")
        claim(took(opposite) == 2, "opposite orders: after one backs off, both finish")
        claim(took(one_order) == 2 and not any("deadlock" in entry for entry in one_order), "one global order never deadlocks")
