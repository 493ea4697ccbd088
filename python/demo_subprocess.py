"""Subprocess: six separate programs at once (asyncio.create_subprocess_exec; subprocess.Popen
works too, subprocess.run waits for each in turn). Output is read as it arrives, with its time;
each ends with an exit status; one crashes; an endless one is killed at the timeout."""
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


async def main(timeout):
    t0 = time.perf_counter()
    async with asyncio.TaskGroup() as tg:
        for name, argv in PROGRAMS.items():
            tg.create_task(run(name, argv, "pear\napple\nfig\n", timeout, t0))
    print(f"all six ended after {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    asyncio.run(main(1.0))
