"""Race across an await: tasks on one event loop never run at the same instant, yet
balance = balance + 1 split by an await loses updates. Each task reads, awaits, then writes
what it read plus one; while it waits, the loop runs the others, which read the same old value.
asyncio.Lock makes read-await-write one step for the other tasks. With no await between the
read and the write nothing is lost: the loop switches tasks only at an await."""
import asyncio
import sys
import time


async def across_await(state, wait, lock):
    value = state["balance"]            # read
    await asyncio.sleep(wait)           # the loop runs the other tasks here
    state["balance"] = value + 1        # write: what they added meanwhile is lost


async def locked(state, wait, lock):
    async with lock:                    # one task at a time from read to write
        value = state["balance"]
        await asyncio.sleep(wait)
        state["balance"] = value + 1


async def no_await_between(state, wait, lock):
    await asyncio.sleep(wait)
    value = state["balance"]            # no await between the read and the write:
    state["balance"] = value + 1        # no other task can run in between


async def run(update, n, wait):
    state = {"balance": 0}
    lock = asyncio.Lock()
    t0 = time.perf_counter()
    async with asyncio.TaskGroup() as tg:           # all n tasks start together
        for _ in range(n):
            tg.create_task(update(state, wait, lock))
    elapsed = time.perf_counter() - t0
    print(f"{update.__name__}: {n} tasks, balance {state['balance']}, lost {n - state['balance']}, {elapsed:.3f} s")


async def main(n, wait):
    for update in (across_await, locked, no_await_between):
        await run(update, n, wait)


if __name__ == "__main__":
    small = "--small" in sys.argv
    asyncio.run(main(5, 0.01 if small else 0.02))
