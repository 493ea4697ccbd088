"""Race condition: threads add 1 to one shared counter. counter += 1 is a read, an add and a
write; a thread switch between the read and the write loses an update. CPython 3.11 switches
threads only at certain points, so the plain version rarely loses anything there (not a
guarantee; free-threaded builds lose updates freely). To show the race for sure, the second
version makes the switch happen between the read and the write. A lock never loses one.
Run with --check to check the last two claims (the first is not a promise either way)."""
import sys
import threading
import time

counter = 0
lock = threading.Lock()


def plain(m):
    global counter
    for _ in range(m):
        counter += 1            # read, add, write: a switch in between loses an update


def switch_between(m):
    global counter
    for _ in range(m):
        value = counter         # read
        time.sleep(0)           # let another thread run here, as a real switch would
        counter = value + 1     # write: what the others added since the read is lost


def locked(m):
    global counter
    for _ in range(m):
        with lock:              # one thread at a time does read-add-write
            counter += 1


def run(target, threads, m):
    global counter
    counter = 0
    ts = [threading.Thread(target=target, args=(m,)) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return threads * m - counter


def claim(holds, what):         # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    m = 20_000 if check or "--small" in sys.argv else 200_000
    lost = {}
    for target in (plain, switch_between, locked):
        size = m // 10 if target is switch_between else m
        lost[target] = run(target, 2, size)
        print(f"{target.__name__}: 2 threads x {size} adds, lost {lost[target]}")
    if check:
        claim(lost[switch_between] > 0, "a switch between the read and the write loses updates")
        claim(lost[locked] == 0, "a lock never loses an update")
