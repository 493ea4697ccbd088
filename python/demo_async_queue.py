"""An asyncio.Queue pipeline: producer and consumer tasks on one loop, await put() and get(),
task_done() and join(), inside a TaskGroup under asyncio.timeout (3.11+). A bounded queue gives
back-pressure: when it is full, producers wait, so it never holds more than maxsize;
unbounded, fast producers pile items up. Run with --check to check these claims (small sizes)."""
import asyncio
import sys
import time


async def producer(mine, queue, stats):
    for item in mine:
        await asyncio.sleep(0.005)                  # produce it
        await queue.put(item)                       # waits while the queue is full
        stats["most"] = max(stats["most"], queue.qsize())


async def consumer(queue, consumed, seconds):
    while True:
        item = await queue.get()                    # waits while the queue is empty
        await asyncio.sleep(seconds)                # consume it
        consumed.append(item)
        queue.task_done()


async def run(maxsize, producers, consumers, items, seconds, timeout):
    queue, consumed, stats = asyncio.Queue(maxsize), [], {"most": 0}
    t0 = time.perf_counter()
    finished = True
    try:
        async with asyncio.timeout(timeout):
            async with asyncio.TaskGroup() as tg:
                workers = [tg.create_task(consumer(queue, consumed, seconds)) for _ in range(consumers)]
                await asyncio.gather(*(producer(range(p, items, producers), queue, stats) for p in range(producers)))
                await queue.join()                  # every item put is marked done
                for w in workers:
                    w.cancel()                      # consumers never end on their own
    except TimeoutError:
        finished = False                            # the timeout cancelled the whole group
    label = f"maxsize {maxsize}" if maxsize else "unbounded"
    print(f"{label}: finished {finished}, consumed {len(consumed)} of {items}, each once {len(set(consumed)) == len(consumed)}, "
          f"most held {stats['most']}, {time.perf_counter() - t0:.3f} s")
    return finished, len(consumed) == items and len(set(consumed)) == items, stats["most"], len(set(consumed)) == len(consumed)


async def main(seconds):
    return (await run(3, 2, 2, 20, seconds, 5.0),
            await run(0, 2, 2, 20, seconds, 5.0),
            await run(3, 2, 2, 20, seconds, 0.05))  # too short: cut off


def claim(holds, what):                             # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    bounded, unbounded, cut = asyncio.run(main(0.015 if check or "--small" in sys.argv else 0.03))
    if check:
        claim(bounded[0] and bounded[1], "bounded: every item consumed exactly once")
        claim(bounded[2] <= 3, "a bounded queue never holds more than maxsize")
        claim(unbounded[0] and unbounded[1], "unbounded: every item consumed exactly once")
        claim(unbounded[2] > 3, "unbounded, fast producers pile items up beyond 3")
        claim(not cut[0] and cut[3], "the timeout cancels the whole group; no item consumed twice")
