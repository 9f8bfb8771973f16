"""Match latency at scale, beside the floor the hardware allows.

Run from the project root:

    .venv/bin/python -m benchmarks.latency [--sizes 1000 10000 100000] [--rounds 3]

For each catalogue size it builds a synthetic catalogue (benchmarks/synthetic.py),
then times `matching.usecases.match.match` in-process for every example firm, with each
firm's query embedding already cached (as a portal re-asking for the same firm
sees it). The floor, in the same run, is a bare FAISS flat inner-product scan over
the same embeddings plus one query encode: what any embedding search pays. Results
go to the `## Match latency` section of benchmarks/RESULTS.md.
"""

import argparse
import datetime as dt
import gc
import resource
import statistics
import time

import faiss
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from benchmarks.report import machine, percentile, replace_section
from benchmarks.synthetic import example_firms, synthetic_snapshot
from matching.config import MatchingSettings
from matching.firm.profile import query_text
from matching.ranking.fusion import Fusion
from matching.text.queries import QueryEncoder
from matching.text.vectors import set_threads
from matching.usecases.match import MatchOptions, match

AS_OF = dt.date(2026, 11, 22)
console = Console()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(sizes: list[int], rounds: int) -> list[dict[str, float]]:
    settings = MatchingSettings()
    weights = settings.weights()
    set_threads(settings.encoder_threads)
    encoder = settings.model_copy(update={"snapshot_dir": ""}).open_encoder()  # the service's default
    firms = example_firms()
    rows = []
    for size in sizes:
        gc.collect()
        started = time.perf_counter()
        with console.status(f"building a synthetic catalogue of {size:,} measures"):
            snapshot = synthetic_snapshot(size, encoder)
        build = time.perf_counter() - started
        encode = QueryEncoder(encoder)
        options = MatchOptions(as_of=AS_OF, fusion=Fusion(settings.fusion))
        for firm in firms:  # warm: embeddings cached, code paths loaded
            match(snapshot, encode, firm, options, weights)
        samples: list[float] = []
        floor: list[float] = []
        round_p50: list[float] = []
        flat = faiss.IndexFlatIP(snapshot.vectors.dimension)
        flat.add(snapshot.vectors.vectors)
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"{size:,} measures", total=rounds * len(firms) * 2)
            for _ in range(rounds):
                this_round = len(samples)
                for firm in firms:
                    t0 = time.perf_counter()
                    match(snapshot, encode, firm, options, weights)
                    samples.append((time.perf_counter() - t0) * 1000)
                    progress.advance(task)
                round_p50.append(statistics.median(samples[this_round:]))
            # The floor in a pass of its own: torch leaves its worker threads spinning after an encode, and
            # interleaved they took a core from the match timed next (every earlier figure read 1–2.5 ms slow).
            for _ in range(rounds):
                for firm in firms:
                    t0 = time.perf_counter()
                    vector = encoder.encode_query(query_text(firm) or firm.name)
                    flat.search(vector, 10)
                    floor.append((time.perf_counter() - t0) * 1000)
                    progress.advance(task)
        rows.append({
            "size": size, "build_s": build, "p50": statistics.median(samples),
            "p50_low": min(round_p50), "p50_high": max(round_p50), "p95": percentile(samples, 95),
            "p99": percentile(samples, 99), "floor_p50": statistics.median(floor),
            "floor_p99": percentile(floor, 99), "rss_mb": rss_mb(), "n": len(samples),
        })
    return rows


def render(rows: list[dict[str, float]], command: str) -> str:
    lines = [
        "## Match latency", "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", f"- Machine: {machine()}",
        f"- Command: `{command}`",
        "- In-process `match()` for every example firm, query embedding cached, default settings "
        "(limit 10, no near misses). Floor: one query encode plus a bare FAISS flat scan of the same vectors. "
        "p50 is over all samples, with the range of the per-round p50s; build is the in-process compilation of "
        "the synthetic catalogue (see `## Server` for restarts from a saved snapshot).",
        "", "| measures | build s | p50 ms (rounds) | p95 ms | p99 ms | floor p50 ms | p50 / floor | peak RSS MB | samples |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['size']:,.0f} | {row['build_s']:.1f} | {row['p50']:.1f} ({row['p50_low']:.1f}–{row['p50_high']:.1f}) "
            f"| {row['p95']:.1f} | {row['p99']:.1f} "
            f"| {row['floor_p50']:.1f} | {row['p50'] / row['floor_p50']:.2f} | {row['rss_mb']:.0f} | {row['n']:.0f} |"
        )
    lines += ["", "Targets (issue 4): at 100,000 measures p50 ≤ 15 ms and p99 ≤ 50 ms.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = run(args.sizes, args.rounds)
    table = Table(title="match latency (ms)")
    for column in ("measures", "build s", "p50", "p95", "p99", "floor p50", "RSS MB"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(f"{row['size']:,.0f}", f"{row['build_s']:.1f}", f"{row['p50']:.1f}", f"{row['p95']:.1f}",
                      f"{row['p99']:.1f}", f"{row['floor_p50']:.1f}", f"{row['rss_mb']:.0f}")
    console.print(table)
    sizes = " ".join(str(s) for s in args.sizes)
    replace_section("## Match latency", render(rows, f".venv/bin/python -m benchmarks.latency --sizes {sizes} "
                                                     f"--rounds {args.rounds}"))


if __name__ == "__main__":
    main()
