"""The real server at scale: cold start, HTTP latency, throughput with two workers, and memory.

Run from the project root:

    .venv/bin/python -m benchmarks.server [--sizes 1000 10000 100000] [--rounds 3]

For each catalogue size a SQLite database is filled with synthetic measures
(benchmarks/synthetic.py) and their embeddings, as a server that has run before
holds them. Then, with `supportmatch serve` in a subprocess:

- cold start: from process start to the first answer on /ready, first with only
  the embeddings cached (the catalogue is compiled), then with the compiled
  snapshot saved by that first start (every later restart), `--rounds` times;
- HTTP latency: POST /v1/match for every example firm, one request at a time;
- throughput: wrk with 16 connections for 20 s against two worker processes
  (uvicorn --workers 2), the body cycling through the example firms;
- memory: the resident set of the server after the latency and load runs, and,
  in this process, the encoder, the largest catalogue and 1,000,000 firm
  profiles held column-wise for reverse matching.

The rate limit is off for these servers (API_RATE_LIMIT_PER_MINUTE=0): it
would otherwise be what is measured. Writes the `## Server` section of
benchmarks/RESULTS.md.
"""

import argparse
import contextlib
import datetime as dt
import gc
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import insert
from sqlmodel import Session

from benchmarks.report import machine, percentile, replace_section
from benchmarks.reverse import population_bytes, served
from benchmarks.synthetic import ROOT, example_firms, synthetic_records, synthetic_vectors
from matching.catalogue.view import MeasureView
from matching.config import MatchingSettings
from matching.store.catalogue import load_snapshot
from matching.store.models import EmbeddingCache
from matching.text.embeddings import Encoder, text_hash
from policies.db import make_engine, utcnow
from policies.migrate import upgrade_database
from policies.models import SupportMeasure

BIN = Path(sys.executable).parent
console = Console()


def spread(values: list[float]) -> str:
    """Median, and the range over rounds: `12.3 (11.9–13.0)`."""
    return f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})"


def build_database(path: Path, size: int, encoder: Encoder) -> None:
    """Published synthetic measures and their cached embeddings, written in bulk (an import would audit each)."""
    url = f"sqlite:///{path}"
    upgrade_database(url)
    records, origins = synthetic_records(size)
    vectors = synthetic_vectors(origins, encoder)
    now = utcnow()
    engine = make_engine(url)
    seen: set[str] = set()
    with Session(engine) as session:
        for start in range(0, size, 5000):
            chunk = records[start:start + 5000]
            rows = []
            for record in chunk:
                data = record.model_dump(mode="json", exclude={"status"})
                data |= {"effective_from": record.effective_from, "effective_to": record.effective_to,
                         "status": "published", "revision": 1, "created_at": now, "updated_at": now}
                rows.append(data)
            session.execute(insert(SupportMeasure), rows)
            cached = {}
            for record, vector in zip(chunk, vectors[start:start + 5000], strict=True):
                digest = text_hash(MeasureView.from_record(record).text_for(encoder))
                if digest not in seen:  # two measures with one text share one vector, as in the service
                    seen.add(digest)
                    cached[digest] = vector
            session.execute(insert(EmbeddingCache), [
                {"model": encoder.name, "text_hash": digest, "dimension": encoder.dimension,
                 "vector": vector.astype(np.float32).tobytes(), "created_at": now}
                for digest, vector in cached.items()
            ])
        session.commit()
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the workers), from /proc."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for one in pids:
        found = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{one}/status").read_text())
        total += int(found.group(1)) if found else 0
    return total / 1024


@dataclass
class Server:
    database: Path
    snapshots: Path
    workers: int = 1
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def env(self) -> dict[str, str]:
        return os.environ | {
            "POLICIES_DATABASE_URL": f"sqlite:///{self.database}", "API_PORT": str(self.port),
            "API_LOAD_SAMPLE": "false", "API_WEBHOOK_INTERVAL": "0", "API_RATE_LIMIT_PER_MINUTE": "0",
            "MATCHING_SNAPSHOT_DIR": str(self.snapshots), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        }

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Seconds from process start until every worker has started and /ready answers 200."""
        started = time.perf_counter()
        if self.workers == 1:
            command = [str(BIN / "supportmatch"), "serve"]
        else:  # what an operator runs for several workers: uvicorn's own process manager
            command = [str(BIN / "uvicorn"), "api.main:create_app", "--factory", "--port", str(self.port),
                       "--workers", str(self.workers), "--no-access-log"]
        self.log = self.database.parent / f"server-{self.port}.log"
        with open(self.log, "wb") as sink:
            self.process = subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL, stderr=sink, cwd=ROOT)
        deadline = started + 600
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            # uvicorn logs this once per worker, after the lifespan (catalogue loaded) and before accepting.
            if self.log.read_text().count("Application startup complete") >= self.workers:
                with contextlib.suppress(httpx.HTTPError):  # not accepting yet: ask again
                    if httpx.get(f"{self.base}/ready", timeout=2).status_code == 200:
                        return time.perf_counter() - started
            time.sleep(0.05)
        raise TimeoutError("server not ready in 600 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=60)
            self.process = None

    def key(self) -> str:
        created = subprocess.run([str(BIN / "supportmatch"), "keys", "create", "--role", "portal"], env=self.env,
                                 capture_output=True, text=True, check=True, cwd=ROOT)
        return created.stdout.strip().splitlines()[-1]


def firm_bodies() -> list[str]:
    """A match request for every example firm, as a portal sends it."""
    return [json.dumps({"profile": profile.model_dump(mode="json", exclude_none=True), "as_of": "2026-11-22"},
                       ensure_ascii=False) for profile in example_firms()]


def http_latency(server: Server, key: str, bodies: list[str], rounds: int) -> list[list[float]]:
    """Milliseconds per request, one list per round; the first pass warms the query embeddings."""
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    per_round = []
    with httpx.Client(base_url=server.base, headers=headers, timeout=30) as client:
        for body in bodies:
            client.post("/v1/match", content=body.encode()).raise_for_status()
        for _ in range(rounds):
            samples = []
            for body in bodies:
                t0 = time.perf_counter()
                client.post("/v1/match", content=body.encode()).raise_for_status()
                samples.append((time.perf_counter() - t0) * 1000)
            per_round.append(samples)
    return per_round


WRK_SCRIPT = """
local bodies = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/v1/match", {["Content-Type"] = "application/json", ["X-API-Key"] = "%s"},
                    bodies[(n %% #bodies) + 1])
end
response = function(status, headers, body)
  if status ~= 200 then errors_seen = (errors_seen or 0) + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def throughput(server: Server, key: str, bodies: list[str], seconds: int, connections: int) -> dict[str, float]:
    """Requests per second from wrk, which runs in its own process and costs little CPU beside the server."""
    script = WRK_SCRIPT % (", ".join(f"[==[{body}]==]" for body in bodies), key)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        # Warm-up, not counted: every worker meets every firm, so each has its query embedding cached (a
        # request per firm may reach one worker only, and the other then encodes during the measured run).
        subprocess.run(["wrk", "-t2", f"-c{connections}", "-d5s", "--timeout", "30s", "-s", lua.name, server.base],
                       capture_output=True, text=True, check=True)
        done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", lua.name,
                               server.base],
                              capture_output=True, text=True, check=True)
    finally:
        os.unlink(lua.name)
    found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", done.stdout)
    if found is None:
        raise RuntimeError(f"wrk said: {done.stdout}\n{done.stderr}")
    requests, micros, errors, p50, p99, worst = map(int, found.groups())
    return {"rps": requests / (micros / 1e6), "errors": errors, "p50": p50 / 1000, "p99": p99 / 1000,
            "max": worst / 1000, "requests": requests}


def engine_memory(database: Path, firms: int) -> dict[str, float]:
    """Resident memory of what one server process holds, measured in a fresh process (see `held_memory`).

    Not in this one: it has loaded torch and built synthetic data, which a server never holds.
    """
    done = subprocess.run([sys.executable, "-m", "benchmarks.server", "--memory-of", str(database),
                           "--firms", str(firms)], capture_output=True, text=True, check=True, cwd=ROOT)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def held_memory(database: Path, firms: int) -> dict[str, float]:
    """The encoder as a restart opens it, the catalogue from its saved snapshot, and `firms` firms held column-wise."""
    before = rss_mb(os.getpid())
    saved = database.parent / "snapshots"
    # As the servers opened it (MiniLM from the export their first start wrote there, when configured).
    encoder = MatchingSettings(snapshot_dir=str(saved)).open_encoder()
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        snapshot = load_snapshot(session, encoder, saved=saved)
    after_catalogue = rss_mb(os.getpid())
    held, drawn = served(firms, encoder)  # as the service holds them: fact columns and quantized embeddings
    del drawn  # the benchmark's own copy of the profiles; the service reads them from the database
    gc.collect()
    after_firms = rss_mb(os.getpid())
    engine.dispose()
    return {"start": before, "catalogue": after_catalogue, "total": after_firms, "measures": len(snapshot.measures),
            "firms": firms, "firm_bytes": population_bytes(held) / firms, "runtime": type(encoder).__name__}


def run(sizes: list[int], rounds: int, firms: int, seconds: int) -> tuple[list[dict[str, object]], dict[str, float]]:
    if shutil.which("wrk") is None:
        raise SystemExit("benchmarks.server needs wrk, the HTTP load generator: apt-get install wrk")
    encoder = MatchingSettings(snapshot_dir="").open_encoder()  # the service's default
    bodies = firm_bodies()
    rows: list[dict[str, object]] = []
    folder = Path(tempfile.mkdtemp(prefix="supportmatch-bench-"))
    last_database = folder
    try:
        for size in sizes:
            where = folder / str(size)
            where.mkdir()
            database = where / "bench.db"
            t0 = time.perf_counter()
            with console.status(f"writing {size:,} synthetic measures and their embeddings"):
                build_database(database, size, encoder)
            console.log(f"{size:,} measures written in {time.perf_counter() - t0:.0f} s")
            server = Server(database, where / "snapshots")
            with console.status(f"{size:,}: first start, compiling the catalogue"):
                compiled = server.start()
                server.stop()
            saved = []
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task(f"{size:,}: restarts from the saved snapshot", total=rounds)
                for _ in range(rounds):
                    saved.append(server.start())
                    server.stop()
                    progress.advance(task)
            server.start()
            try:
                latency = http_latency(server, server.key(), bodies, rounds)
                single_rss = rss_mb(server.process.pid)  # type: ignore[union-attr]
            finally:
                server.stop()
            pair = Server(database, where / "snapshots", workers=2)
            pair.start()
            try:
                key = pair.key()
                with console.status(f"{size:,}: wrk against two workers"):
                    loads = [throughput(pair, key, bodies, seconds, 16) for _ in range(rounds)]
                pair_rss = rss_mb(pair.process.pid)  # type: ignore[union-attr]
            finally:
                pair.stop()
            pooled = [sample for samples in latency for sample in samples]
            rows.append({
                "size": size, "compiled_s": compiled, "saved_s": saved,
                "p50": [statistics.median(samples) for samples in latency],
                "p95": percentile(pooled, 95), "p99": percentile(pooled, 99),
                "rps": [load["rps"] for load in loads], "errors": sum(load["errors"] for load in loads),
                "load_p50": statistics.median(load["p50"] for load in loads),
                "load_p99": statistics.median(load["p99"] for load in loads),
                "rss_single": single_rss, "rss_pair": pair_rss,
            })
            last_database = database
        with console.status(f"memory: the encoder, {sizes[-1]:,} measures and {firms:,} firm profiles"):
            memory = engine_memory(last_database, firms)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows, memory


def render(rows: list[dict[str, object]], memory: dict[str, float], command: str, seconds: int) -> str:
    lines = [
        "## Server", "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", f"- Machine: {machine()}",
        f"- Command: `{command}`",
        "- Cold start: process start to the first 200 on /ready (Python and the encoder included), with the "
        "embeddings cached in the database; *compiled* is the first start (it also exports the encoder to ONNX), "
        "*saved* a restart that loads the snapshot and the ONNX export the first one saved (MATCHING_SNAPSHOT_DIR) "
        "and never imports torch. HTTP: POST /v1/match for each example firm, one at a "
        f"time, one worker. Load: wrk, 16 connections, {seconds} s after 5 s of warm-up, two uvicorn workers "
        "(API_THREADS=4 each, the default), the server and wrk sharing the 2 cores. Figures with a range are the median over rounds (lowest–highest).",
        "",
        "| measures | cold start compiled s | cold start saved s | HTTP p50 ms | p95 ms | p99 ms "
        "| req/s, 2 workers | load p50 / p99 ms | errors | RSS 1 worker MB | RSS 2 workers MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['size']:,} | {row['compiled_s']:.1f} | {spread(row['saved_s'])} | {spread(row['p50'])} "  # type: ignore[arg-type]
            f"| {row['p95']:.1f} | {row['p99']:.1f} | {spread(row['rps'])} "  # type: ignore[arg-type]
            f"| {row['load_p50']:.1f} / {row['load_p99']:.1f} | {row['errors']} | {row['rss_single']:.0f} "
            f"| {row['rss_pair']:.0f} |"
        )
    lines += [
        "",
        f"Memory in one fresh process holding what a restarted server holds (encoder: {memory['runtime']}): "
        f"{memory['start']:.0f} MB at start, {memory['catalogue']:.0f} MB with the encoder and "
        f"{memory['measures']:,.0f} measures loaded from the saved snapshot, {memory['total']:.0f} MB with "
        f"{memory['firms']:,.0f} firms added as the service holds them for reverse matching "
        f"({memory['firm_bytes']:.0f} bytes each: fact columns and a one-byte-per-dimension embedding).",
        "",
        "Targets (issue 7): over HTTP at least 150 requests/s with 2 workers; cold start ≤ 10 s at 100,000 "
        "measures; resident memory ≤ 2 GB with 100,000 measures and 1,000,000 profiles loaded.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--memory-of", type=Path, help=argparse.SUPPRESS)  # engine_memory's fresh process
    args = parser.parse_args()
    if args.memory_of is not None:
        print(json.dumps(held_memory(args.memory_of, args.firms)))
        return
    rows, memory = run(args.sizes, args.rounds, args.firms, args.seconds)
    table = Table(title="the server")
    for column in ("measures", "start compiled s", "start saved s", "HTTP p50 ms", "p99 ms", "req/s (2 workers)",
                   "RSS MB"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(f"{row['size']:,}", f"{row['compiled_s']:.1f}", spread(row["saved_s"]),  # type: ignore[arg-type]
                      spread(row["p50"]), f"{row['p99']:.1f}", spread(row["rps"]),  # type: ignore[arg-type]
                      f"{row['rss_single']:.0f}")
    console.print(table)
    console.print(f"memory: {memory['total']:.0f} MB with the encoder, {memory['measures']:,.0f} measures and "
                  f"{args.firms:,} firms")
    sizes = " ".join(str(s) for s in args.sizes)
    replace_section("## Server", render(rows, memory, f".venv/bin/python -m benchmarks.server --sizes {sizes} "
                                                      f"--rounds {args.rounds} --firms {args.firms} "
                                                      f"--seconds {args.seconds}", args.seconds))


if __name__ == "__main__":
    main()
