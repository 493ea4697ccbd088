"""Queues and pipes: a message to a process and back (Pipe), by size. send_bytes sends the raw
bytes (no pickling; send() would pickle), but they are still copied through the OS both ways.
Between threads, queue.Queue passes a reference: no byte moves, whatever the size. Run with
--check to check which comes back as a copy (small sizes); --start-method fork, forkserver or
spawn picks how the process starts."""
import multiprocessing as mp
import queue
import sys
import threading
import time
from multiprocessing import Pipe, Process


def echo(conn):
    while (msg := conn.recv_bytes()):
        conn.send_bytes(msg)                 # copied back through the pipe


def median_round_trip(send, receive, size, rounds):
    msg, trips = bytes(size), []
    for _ in range(rounds):
        t = time.perf_counter()
        send(msg)
        back = receive()
        trips.append(time.perf_counter() - t)
    return sorted(trips)[rounds // 2], back is msg, back == msg


def claim(holds, what):                      # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":                   # spawned workers import this file again: the work stays under the guard
    if "--start-method" in sys.argv:         # fork (Linux before 3.14), forkserver (Linux from 3.14), spawn (macOS, Windows)
        mp.set_start_method(sys.argv[sys.argv.index("--start-method") + 1])
    check = "--check" in sys.argv
    sizes = [16, 1 << 10, 64 << 10, 1 << 20] + ([] if check or "--small" in sys.argv else [4 << 20, 16 << 20])
    parent, child = Pipe()
    p = Process(target=echo, args=(child,))
    p.start()
    to_thread, from_thread = queue.Queue(), queue.Queue()
    t = threading.Thread(target=lambda: [from_thread.put(m) for m in iter(to_thread.get, None)])
    t.start()
    for size in sizes:
        pipe_s, pipe_same, pipe_equal = median_round_trip(parent.send_bytes, parent.recv_bytes, size, 9)
        thread_s, same, _ = median_round_trip(to_thread.put, from_thread.get, size, 9)
        print(f"{size} bytes: process {pipe_s * 1000:.3f} ms, thread {thread_s * 1000:.3f} ms (same object back: {same})")
        if check:
            claim(pipe_equal and not pipe_same, f"{size} bytes: the process sends back a copy")
            claim(same, f"{size} bytes: between threads the very same object comes back")
    parent.send_bytes(b"")
    p.join()
    to_thread.put(None)
    t.join()
