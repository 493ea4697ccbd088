"""Asynchronous I/O with real requests (aiohttp: pip install aiohttp): K requests awaited one by
one, then gathered. A missing page (404) and a refused connection fail alone; the others finish.
It starts a small local HTTP server of its own, so it needs no network. Run with --check to
check these claims."""
import asyncio
import http.server
import json
import socket
import sys
import tempfile
import threading
import time

try:
    import aiohttp                              # from PyPI, not the standard library
except ImportError:
    sys.exit("this program needs aiohttp: pip install aiohttp")


def local_server():
    """Serves a folder with one file, items.json, on 127.0.0.1 (a thread of its own)."""
    folder = tempfile.mkdtemp()
    with open(f"{folder}/items.json", "w") as f:
        json.dump([{"id": i} for i in range(100)], f)
    handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=folder)
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    http.server.ThreadingHTTPServer.request_queue_size = 64   # many connections at once
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def closed_port():
    with socket.socket() as s:          # a port nobody listens on: the connection is refused
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def get(session, url, delay):
    await asyncio.sleep(delay)                   # a simulated network delay
    try:
        async with session.get(url) as r:
            r.raise_for_status()
            return len(await r.read())
    except aiohttp.ClientError as e:             # 404, connection refused, ...
        return f"failed: {type(e).__name__}"     # this one failed; the others go on


async def main(k, delay):
    base = local_server()
    urls = [f"{base}/items.json?request={i}" for i in range(k)]
    urls += [f"{base}/missing.json", f"http://127.0.0.1:{closed_port()}/items.json"]
    async with aiohttp.ClientSession() as session:
        t0 = time.perf_counter()
        one_by_one = [await get(session, u, delay) for u in urls]
        in_turn = time.perf_counter() - t0
        print(f"one by one: {in_turn:.3f} s")
        t0 = time.perf_counter()
        at_once = await asyncio.gather(*(get(session, u, delay) for u in urls))
        gathered = time.perf_counter() - t0
        print(f"gathered: {gathered:.3f} s")
    print(f"answers: {at_once}")
    print(f"same answers both ways: {one_by_one == at_once}")
    return one_by_one, at_once, gathered, in_turn


def claim(holds, what):                         # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    one_by_one, at_once, gathered, in_turn = asyncio.run(main(6, 0.05 if check or "--small" in sys.argv else 0.3))
    if check:
        claim(gathered < in_turn / 2, "gathered requests overlap their waits")
        claim(one_by_one == at_once, "the same answers both ways")
        claim(sum(isinstance(a, str) and a.startswith("failed") for a in at_once) == 2,
              "the 404 and the refused connection fail alone; the others finish")
