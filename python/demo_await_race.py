"""Race across an await: tasks on one event loop never run at the same instant, yet
balance = balance + 1 split by an await loses updates. Each task reads, awaits, then writes
what it read plus one; while it waits, the loop runs the others, which read the same old value.
asyncio.Lock makes read-await-write one step for the other tasks. With no await between the
read and the write nothing is lost: the loop switches tasks only at an await.
Run with --check to check these claims."""
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
    return state["balance"], elapsed


async def main(n, wait):
    return {update: await run(update, n, wait) for update in (across_await, locked, no_await_between)}


def claim(holds, what):                 # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    n, wait = 5, 0.01 if check or "--small" in sys.argv else 0.02
    results = asyncio.run(main(n, wait))
    if check:
        claim(results[across_await][0] == 1, "read, await, write: every task read 0, so 4 of 5 updates are lost")
        claim(results[locked][0] == 5, "asyncio.Lock keeps every update")
        claim(results[no_await_between][0] == 5, "no await between read and write: nothing lost")
        claim(results[locked][1] >= 0.9 * n * wait, "the lock runs the waits one after another: n waits take n times one")
