"""Reverse matching at scale: one measure against a million stored firm profiles.

Run from the project root:

    .venv/bin/python -m benchmarks.reverse [--firms 1000000] [--rounds 5]

Firms are the example firms repeated with their numbers jittered (±30%) and moved
to random districts of their own province, held column-wise as the service holds
them. Each sample measure's rules compile once and run against every firm; the
obvious alternative, the scalar reference evaluator in a Python loop, runs in the
same session on a 20,000-firm slice and is scaled up. Writes the `## Reverse
matching` section of benchmarks/RESULTS.md.
"""

import argparse
import datetime as dt
import statistics
import time
from dataclasses import fields, replace

import numpy as np
import numpy.typing as npt
from rich.console import Console
from rich.table import Table

from benchmarks.report import machine, replace_section
from benchmarks.synthetic import example_firms, sample_records
from matching.catalogue.view import MeasureView
from matching.config import MatchingSettings
from matching.eligibility.columnar import CompiledCriteria, FirmColumns
from matching.eligibility.rules import evaluate
from matching.firm.facts import Facts, derive
from matching.firm.profile import FirmProfile, query_text
from matching.reverse.candidates import candidates
from matching.reverse.population import Population
from matching.text.embeddings import Encoder
from matching.text.vectors import QuantizedVectors
from policies import reference

AS_OF = dt.date(2026, 11, 22)
MEASURES = ("SC-CH-ROBOT-BASE-EQUIPMENT", "CN-TECH-GUARANTEE-TIER40", "ZJ-WZ-LITTLE-GIANT-FIRST-AWARD",
            "GD-PROV-TECHRENO-EQUIP-PRD")
SCALAR_SLICE = 20_000
console = Console()


def population(count: int, seed: int = 11) -> tuple[FirmColumns, list[Facts]]:
    """`count` firms as columns, and the facts of the first SCALAR_SLICE of them (for the scalar loop)."""
    columns, sample, _ = _drawn(count, seed)
    return columns, sample


def _drawn(count: int, seed: int) -> tuple[FirmColumns, list[Facts], npt.NDArray[np.int64]]:
    rng = np.random.default_rng(seed)
    base_facts = [derive(profile, AS_OF) for profile in example_firms()]
    base = FirmColumns.from_facts(base_facts)
    rows = rng.integers(0, base.count, size=count)
    columns = replace(
        base, **{f.name: getattr(base, f.name)[rows] for f in fields(base) if f.name != "prefix_vocab"}
    )
    columns.numbers[:] *= rng.uniform(0.7, 1.3, size=columns.numbers.shape)
    districts = _districts()
    for row_of_base, facts in enumerate(base_facts):
        mine = np.flatnonzero(rows == row_of_base)
        choices = districts.get(facts.region[:2], [facts.region])
        picked = rng.choice(len(choices), size=len(mine))
        columns.ancestors[mine] = np.array([_chain(choices[i]) for i in picked], dtype=np.int64).reshape(len(mine), 4)
    sample = [replace(base_facts[int(r)], region=str(int(columns.ancestors[i, 0])).zfill(6),
                      numbers={k: (None if v is None else float(columns.numbers[i, n]))
                               for n, (k, v) in enumerate(base_facts[int(r)].numbers.items())})
              for i, r in enumerate(rows[:SCALAR_SLICE])]
    return columns, sample, rows


def served(count: int, encoder: Encoder, seed: int = 11) -> tuple[Population, list[FirmProfile]]:
    """`count` firms as the service holds them for /candidates, and the example profile each was drawn from."""
    columns, _, rows = _drawn(count, seed)
    profiles = example_firms()
    vectors = encoder.encode_documents([query_text(profile) or profile.name for profile in profiles])
    noise = np.random.default_rng(seed).normal(0.0, 0.05, size=(count, vectors.shape[1])).astype(np.float32)
    drawn = vectors[rows] + noise
    drawn /= np.linalg.norm(drawn, axis=1, keepdims=True)
    tenants = {"portal-a": 0, "portal-b": 1}
    held = Population(version=1, as_of=AS_OF, ids=np.arange(1, count + 1, dtype=np.int64),
                      tenant_of=(rows % 2).astype(np.int32), tenants=tenants, external_refs=[None] * count,
                      columns=columns, vectors=QuantizedVectors(drawn, has_text=np.ones(count, dtype=bool)))
    return held, [profiles[int(r)] for r in rows]


def population_bytes(held: Population) -> int:
    return (nbytes(held.columns) + held.ids.nbytes + held.tenant_of.nbytes + held.vectors.nbytes
            + 8 * len(held.external_refs))


def _districts() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for code in reference.regions().names:
        if reference.region_level(code) == "district":
            found.setdefault(code[:2], []).append(code)
    return found


def _chain(code: str) -> list[int]:
    chain = [int(c) for c in reference.region_ancestors(code)]
    return chain + [-1] * (4 - len(chain))


def nbytes(columns: FirmColumns) -> int:
    return sum(getattr(columns, f.name).nbytes for f in fields(columns) if f.name != "prefix_vocab")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    encoder = MatchingSettings(snapshot_dir="").open_encoder()  # the service's default
    with console.status(f"building {args.firms:,} firm profiles"):
        started = time.perf_counter()
        held, drawn = served(args.firms, encoder)
        _, sample = population(SCALAR_SLICE)
        build = time.perf_counter() - started
    columns = held.columns

    def profiles(ids: list[int]) -> dict[int, FirmProfile]:
        return {i: drawn[i - 1] for i in ids}  # the service reads these from the database: one indexed query

    views = {record.code: MeasureView.from_record(record) for record in sample_records()}
    table = Table(title=f"one measure against {args.firms:,} firms")
    for column in ("measure", "rules p50 ms", "candidates p50 ms", "max ms", "eligible+possible",
                   "scalar loop, est. ms", "speed-up"):
        table.add_column(column, justify="right")
    lines = []
    for code in MEASURES:
        view = views[code]
        vector = encoder.encode_documents([view.text_for(encoder)])[0]
        compiled = CompiledCriteria([view.rules])
        times, full = [], []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            status = compiled.evaluate(columns, AS_OF)[0]
            times.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            candidates(view, vector, held, profiles, tenant=None, verdicts=None, offset=0, limit=50)
            full.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        for facts in sample:
            evaluate(view.criteria, facts, view.jurisdiction)
        scalar = (time.perf_counter() - t0) * 1000 * args.firms / len(sample)
        reach = int(np.count_nonzero(status >= 1))
        p50, whole = statistics.median(times), statistics.median(full)
        table.add_row(code, f"{p50:.0f}", f"{whole:.0f}", f"{max(full):.0f}", f"{reach:,}", f"{scalar:,.0f}",
                      f"{scalar / p50:.0f}×")
        lines.append(f"| {code} | {p50:.0f} ({min(times):.0f}–{max(times):.0f}) | {whole:.0f} "
                     f"({min(full):.0f}–{max(full):.0f}) | {reach:,} | {scalar:,.0f} | {scalar / p50:.0f}× |")
    console.print(table)
    per_profile = population_bytes(held) / args.firms
    console.print(f"memory per profile: {per_profile:.0f} bytes; built in {build:.1f} s")
    replace_section("## Reverse matching", "\n".join([
        "## Reverse matching", "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", f"- Machine: {machine()}",
        f"- Command: `.venv/bin/python -m benchmarks.reverse --firms {args.firms} --rounds {args.rounds}`",
        "- *rules*: one measure's rules (jurisdiction first) against every firm, column-wise. *candidates*: what "
        "`GET /v1/measures/{code}/candidates` does after that: the value of every qualifying firm, relevance for "
        "those that can reach the page (faiss picks the most relevant of the firms tied on value), one sort of "
        "those, and the scalar explanation of the first page of 50 (profiles from memory here, from the database in "
        "the service). Median over rounds (lowest–highest). The alternative is the scalar reference evaluator in a "
        f"Python loop, timed on {SCALAR_SLICE:,} firms and scaled up.", "",
        "| measure | rules ms | candidates ms | eligible + possibly | scalar loop ms (est.) | speed-up (rules) |",
        "|---|---:|---:|---:|---:|---:|", *lines, "",
        f"Memory: {per_profile:.0f} bytes per firm as the service holds them (fact columns, ids, tenant and a "
        f"one-byte-per-dimension embedding): {population_bytes(held) / 2**20:.0f} MiB for {args.firms:,}. "
        "Target (issue 7): reverse match over 1,000,000 profiles ≤ 0.5 s.", "",
    ]))


if __name__ == "__main__":
    main()
