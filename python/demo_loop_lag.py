"""Event-loop lag: asyncio's debug mode reports any callback that held the loop longer than
loop.slow_callback_duration (0.1 s by default). Here one callback holds it on purpose. Run with
--check to check that only the slow one is reported."""
import asyncio
import logging
import sys
import time

reports = []
logging.basicConfig(level=logging.WARNING, format="%(levelname)s:%(name)s:%(message)s")
logging.getLogger("asyncio").addFilter(lambda r: reports.append(r.getMessage()) or True)


def hold_the_loop(seconds):
    time.sleep(seconds)                  # never yields: nothing else runs meanwhile


async def main(hold, threshold):
    loop = asyncio.get_running_loop()
    loop.slow_callback_duration = threshold
    loop.call_soon(hold_the_loop, hold)
    await asyncio.sleep(0.05)


def claim(holds, what):                  # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    for hold, threshold in ((0.3, 0.1), (0.03, 0.1)):
        reports.clear()
        asyncio.run(main(hold, threshold), debug=True)
        slow = [r for r in reports if "hold_the_loop" in r]
        print(f"held {hold} s against a {threshold} s threshold: {len(slow)} slow callback report(s)")
        if "--check" in sys.argv:
            claim(len(slow) == (hold > threshold), f"held {hold} s: reported only if longer than {threshold} s")
# WARNING:asyncio:Executing <Handle hold_the_loop(0.3)> took 0.301 seconds
