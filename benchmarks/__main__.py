"""Every benchmark, one after another, each writing its section of benchmarks/RESULTS.md.

Run from the project root (`make bench` does this after installing the `bench` extra):

    .venv/bin/python -m benchmarks [--quick]

Each benchmark runs in its own process, so one's memory and warm caches do not
flatter the next. `--quick` runs every benchmark at small sizes, to check they
work (minutes instead of about an hour); its figures are not the ones to quote, so
it writes them to benchmarks/RESULTS.quick.md (not tracked), never over the record.
"""

import argparse
import os
import subprocess
import sys
import time

from rich.console import Console
from rich.table import Table

FULL = [
    ("quality", []),
    ("latency", ["--sizes", "1000", "10000", "100000", "--rounds", "3"]),
    ("alternative", ["--sizes", "1000", "10000", "100000", "--rounds", "3", "--k", "200"]),
    ("reverse", ["--firms", "1000000", "--rounds", "5"]),
    ("server", ["--sizes", "1000", "10000", "100000", "--rounds", "3", "--firms", "1000000", "--seconds", "20"]),
    ("concurrency", ["--size", "100000", "--clients", "10", "50", "200", "--seconds", "20"]),
    ("profiles", ["--size", "100000"]),
]
QUICK = [
    ("quality", []),
    ("latency", ["--sizes", "1000", "--rounds", "1"]),
    ("alternative", ["--sizes", "1000", "--rounds", "1"]),
    ("reverse", ["--firms", "20000", "--rounds", "1"]),
    ("server", ["--sizes", "1000", "--rounds", "1", "--firms", "20000", "--seconds", "3"]),
    ("concurrency", ["--size", "1000", "--clients", "10", "50", "--seconds", "3"]),
    ("profiles", ["--size", "1000"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes: check that every benchmark runs")
    args = parser.parse_args()
    console = Console()
    summary = Table(title="benchmarks")
    summary.add_column("benchmark")
    summary.add_column("seconds", justify="right")
    summary.add_column("result")
    failed = 0
    env = os.environ | ({"BENCH_RESULTS": os.environ.get("BENCH_RESULTS") or "benchmarks/RESULTS.quick.md"}
                        if args.quick else {})
    for name, options in QUICK if args.quick else FULL:
        console.rule(f"benchmarks.{name} {' '.join(options)}")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", f"benchmarks.{name}", *options], check=False, env=env)
        failed += done.returncode != 0
        summary.add_row(name, f"{time.perf_counter() - started:.0f}", "ok" if done.returncode == 0 else "FAILED")
    console.print(summary)
    console.print(f"Results: {env.get('BENCH_RESULTS', 'benchmarks/RESULTS.md')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
