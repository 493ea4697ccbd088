"""Thread pool: submit + as_completed hands results over as they finish; map returns them in
input order (waiting for the slow first one)."""
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed


def task(i, n, longest):
    time.sleep(longest * (n - i) / n)   # later tasks are shorter
    return i


def main(n, workers, longest):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(task, i, n, longest) for i in range(n)]
        print(f"as_completed: {[f.result() for f in as_completed(futures)]}")   # completion order
        print(f"map: {list(pool.map(task, range(n), [n] * n, [longest] * n))}")  # input order


if __name__ == "__main__":
    main(8, 4, 0.08 if "--small" in sys.argv else 0.3)
