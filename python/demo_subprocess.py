"""Subprocess: six separate programs at once (asyncio.create_subprocess_exec; subprocess.Popen
works too, subprocess.run waits for each in turn). Output is read as it arrives, with its time;
each ends with an exit status; one crashes; an endless one is killed at the timeout. Run with
--check to check these claims."""
import asyncio
import sys
import time

PY = sys.executable
PROGRAMS = {
    "upper": [PY, "-c", "import sys; print(sys.stdin.read().upper(), end='')"],
    "sort": [PY, "-c", "import sys; print(''.join(sorted(sys.stdin.readlines())), end='')"],
    "count": [PY, "-u", "-c", "import time\nfor i in range(5): print('line', i + 1); time.sleep(0.1)"],
    "fail": [PY, "-c", "import sys; print('error: asked to fail', file=sys.stderr); sys.exit(3)"],
    "crash": [PY, "-c", "import os; os.abort()"],
    "spin": [PY, "-c", "while True: pass"],
}


async def run(name, argv, text, timeout, t0):
    child = await asyncio.create_subprocess_exec(*argv, stdin=asyncio.subprocess.PIPE,
                                                 stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    child.stdin.write(text.encode())
    child.stdin.close()
    lines = []

    async def read_lines():
        async for line in child.stdout:      # as it arrives, not at the end
            lines.append((round(time.perf_counter() - t0, 2), line.decode().rstrip()))

    try:
        async with asyncio.timeout(timeout):
            await asyncio.gather(read_lines(), child.wait())
        status = f"exit {child.returncode}" if child.returncode >= 0 else f"killed by signal {-child.returncode}"
    except TimeoutError:
        child.kill()                         # what subprocess.run(timeout=...) does
        await child.wait()
        status = "killed at the timeout"
    errors = (await child.stderr.read()).decode().strip()
    print(f"{name}: {status}; stdout {lines}" + (f"; stderr {errors!r}" if errors else ""))
    return status, lines


async def main(timeout):
    t0 = time.perf_counter()
    async with asyncio.TaskGroup() as tg:
        ended = {name: tg.create_task(run(name, argv, "pear\napple\nfig\n", timeout, t0)) for name, argv in PROGRAMS.items()}
    print(f"all six ended after {time.perf_counter() - t0:.2f} s")
    return {name: task.result() for name, task in ended.items()}


def claim(holds, what):                      # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    ended = asyncio.run(main(1.0))
    if "--check" in sys.argv:
        text = lambda name: [line for _, line in ended[name][1]]
        claim(ended["upper"][0] == "exit 0" and text("upper") == ["PEAR", "APPLE", "FIG"], "upper reads its input, exits 0")
        claim(ended["sort"][0] == "exit 0" and text("sort") == ["apple", "fig", "pear"], "sort reads its input, exits 0")
        times = [t for t, _ in ended["count"][1]]
        claim(len(times) == 5 and times[4] - times[0] >= 0.3, "count's lines arrive as printed, over time, not at the end")
        claim(ended["fail"][0] == "exit 3", "fail ends with its exit status, 3")
        claim(ended["crash"][0].startswith("killed by signal"), "crash is killed by a signal (abort)")
        claim(ended["spin"][0] == "killed at the timeout", "the endless one is killed at the timeout")
