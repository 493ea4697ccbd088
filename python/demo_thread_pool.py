"""Thread pool: submit + as_completed hands results over as they finish; map returns them in
input order (waiting for the slow first one). Run with --check to check both orders."""
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed


def task(i, n, longest):
    time.sleep(longest * (n - i) / n)   # later tasks are shorter
    return i


def main(n, workers, longest):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(task, i, n, longest) for i in range(n)]
        completed = [f.result() for f in as_completed(futures)]
        print(f"as_completed: {completed}")          # completion order
        mapped = list(pool.map(task, range(n), [n] * n, [longest] * n))
        print(f"map: {mapped}")                      # input order
    return completed, mapped


def claim(holds, what):                 # --check: exit non-zero naming a claim that fails
    if not holds:
        sys.exit(f"claim failed: {what}")


if __name__ == "__main__":
    check = "--check" in sys.argv
    completed, mapped = main(8, 4, 0.08 if check or "--small" in sys.argv else 0.3)
    if check:
        claim(mapped == list(range(8)), "map returns results in input order")
        claim(completed != list(range(8)) and sorted(completed) == list(range(8)),
              "as_completed hands each result over as it finishes, not in input order")
