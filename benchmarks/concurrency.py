"""Many clients at once: POST /v1/match from 10, 50 and 200 keep-alive connections, with /ready probed meanwhile.

Run from the project root (needs wrk: `apt-get install wrk`):

    .venv/bin/python -m benchmarks.concurrency [--size 100000] [--clients 10 50 200] [--seconds 20]

A SQLite database is filled with synthetic measures and their embeddings (as for benchmarks.server), and
`uvicorn --workers 2` serves it. For each number of clients, wrk holds that many connections open on
POST /v1/match (the body cycling through the example firms) for `--seconds` after a 5 s warm-up, while a
thread here asks /ready every 100 ms on its own connection, as a load balancer does. Errors are wrk's:
non-2xx answers, connection errors and time-outs. The rate limit is off (it would be what is measured).

Before routes handed their connection back as they returned (api/routing.py), about 20 clients froze the
server for the connection pool's 30 s timeout; the `## Concurrency` section of benchmarks/RESULTS.md
records the figures now.
"""

import argparse
import datetime as dt
import tempfile
import threading
import time
from pathlib import Path

import httpx
from rich.console import Console

from benchmarks.report import machine, percentile, replace_section
from benchmarks.server import Server, build_database, firm_bodies, throughput
from matching.config import MatchingSettings

console = Console()


class ReadyProbe:
    """/ready every 100 ms on a connection of its own; latencies in ms, and whatever was not a 200."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self._stop.wait(0.1):
                started = time.perf_counter()
                try:
                    status = client.get("/ready").status_code
                except httpx.HTTPError as exc:
                    self.failures.append(type(exc).__name__)
                    continue
                self.latencies.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    self.failures.append(str(status))

    def __enter__(self) -> "ReadyProbe":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def run(size: int, clients: list[int], seconds: int) -> list[dict[str, float]]:
    encoder = MatchingSettings(snapshot_dir="").open_encoder()  # the service's default
    bodies = firm_bodies()
    folder = Path(tempfile.mkdtemp(prefix="supportmatch-concurrency-"))
    database = folder / "bench.db"
    with console.status(f"writing {size:,} synthetic measures and their embeddings"):
        build_database(database, size, encoder)
    server = Server(database, folder / "snapshots", workers=2)
    server.start()
    rows = []
    try:
        key = server.key()
        for count in clients:
            with console.status(f"{count} clients for {seconds} s"), ReadyProbe(server.base) as probe:
                load = throughput(server, key, bodies, seconds, count)
            rows.append(load | {"clients": count, "ready_p50": percentile(probe.latencies, 50),
                                "ready_p99": percentile(probe.latencies, 99), "ready_max": max(probe.latencies),
                                "ready_failures": len(probe.failures)})
            console.log(rows[-1])
    finally:
        server.stop()
    return rows


def render(rows: list[dict[str, float]], size: int, command: str, seconds: int) -> str:
    lines = [
        "## Concurrency", "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", f"- Machine: {machine()}",
        f"- Command: `{command}`",
        f"- POST /v1/match at {size:,} measures, two uvicorn workers (API_THREADS=4 each), wrk holding the given "
        f"number of keep-alive connections for {seconds} s after 5 s of warm-up; /ready asked every 100 ms "
        "meanwhile on a connection of its own. Server, wrk and the probe share the 2 cores.",
        "",
        "| clients | req/s | p50 ms | p99 ms | max ms | errors | /ready p50 ms | /ready p99 ms | /ready max ms "
        "| /ready not 200 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(f"| {row['clients']:.0f} | {row['rps']:.1f} | {row['p50']:.1f} | {row['p99']:.1f} "
                     f"| {row['max']:.1f} | {row['errors']:.0f} | {row['ready_p50']:.1f} | {row['ready_p99']:.1f} "
                     f"| {row['ready_max']:.1f} | {row['ready_failures']:.0f} |")
    lines += ["", "Before this round, 25 clients on a single read route froze every route for 30–60 s and "
              "answered 500s; 50 clients on POST /v1/match got 73 requests/s with p99 1.6 s (issue 14).", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    rows = run(args.size, args.clients, args.seconds)
    clients = " ".join(str(count) for count in args.clients)
    replace_section("## Concurrency", render(rows, args.size, f".venv/bin/python -m benchmarks.concurrency --size "
                                                              f"{args.size} --clients {clients} --seconds "
                                                              f"{args.seconds}", args.seconds))


if __name__ == "__main__":
    main()
