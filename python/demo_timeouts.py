"""Timeouts and cancellation: tasks that need longer than their timeout are cut off at their
current await (asyncio.timeout, 3.11+; asyncio.wait_for before it); the others finish. The
whole run can be cancelled too, like the page's Cancel button. Run with --check to check these
claims."""
import asyncio
import sys
import time


async def job(needs):
    await asyncio.sleep(needs / 2)              # fetch
    sum(range(10_000))                          # parse: a moment of computing
    await asyncio.sleep(needs / 2)              # fetch more


async def one(i, needs, timeout):
    try:
        async with asyncio.timeout(timeout):    # or: await asyncio.wait_for(job(needs), timeout)
            await job(needs)
        return "done"
    except TimeoutError:                        # job() got CancelledError at its await
        return "timed out"


async def main(n, timeout):
    needs = [timeout * 1.6 * (i + 1) / n for i in range(n)]
    t0 = time.perf_counter()
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(one(i, t, timeout)) for i, t in enumerate(needs)]
    print(f"needs {[round(t, 3) for t in needs]} s, timeout {timeout} s")
    outcomes = [t.result() for t in tasks]
    print(f"outcomes: {outcomes}")
    print(f"total: {time.perf_counter() - t0:.3f} s")

    # Cancelling a whole run (the Cancel button): every unfinished task stops at its await.
    run = asyncio.gather(*(one(i, t, 10 * timeout) for i, t in enumerate(needs)))  # a future: no create_task
    await asyncio.sleep(timeout / 4)
    run.cancel()
    stopped = False
    try:
        await run
    except asyncio.CancelledError:
        stopped = True
        print(f"cancelled run: stopped after {time.perf_counter() - t0:.3f} s in all")
    return outcomes, stopped


def claim(holds, what):                         # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    n, timeout = 6, 0.15 if check or "--small" in sys.argv else 0.6
    outcomes, stopped = asyncio.run(main(n, timeout))
    if check:                                   # a busy machine may make a task that needs a little less time out too
        needs = [timeout * 1.6 * (i + 1) / n for i in range(n)]
        claim(all(o == "timed out" for o, t in zip(outcomes, needs) if t > timeout), "tasks that need longer than the timeout are cut off")
        claim(outcomes[0] == "done", "a task well within the timeout finishes")
        claim(stopped, "cancelling the whole run stops every unfinished task")
