"""Our in-process match beside "the alternative": an embedded vector database with metadata filters.

Run from the project root, with the `bench` extra installed (`pip install -e '.[bench]'`):

    .venv/bin/python -m benchmarks.alternative [--sizes 1000 10000 100000] [--rounds 3] [--k 200] [--ivf-pq]

For each catalogue size it builds the synthetic catalogue of benchmarks/latency.py
and times, for every example firm, with the query embedding already computed:

(a) `matching.usecases.match.match` in-process, exactly as benchmarks/latency.py does;
(b) what a user of LanceDB would write: one table (a local directory under a
    tempdir) with each measure's vector and the metadata a SQL filter can test,
    a vector search with a `where` prefilter (status, jurisdiction on the firm's
    region chain, window not closed, the industry a measure requires), `limit k`,
    then "the rest in Python": the scalar reference evaluator
    (matching.eligibility.rules.evaluate) on each returned candidate, ineligible ones
    dropped, survivors ordered like match() orders (eligible before possibly
    eligible, then by the weighted score with cosine similarity as relevance).

The LanceDB search is exact: the table has no vector index, so LanceDB scans every
vector that passes the filter (brute force); with --ivf-pq an IVF_PQ index is
built afterwards at sizes of 10,000 and more and timed as a third column.
Results go to the `## Embedded vector database comparison` section of
benchmarks/RESULTS.md.
"""

import argparse
import datetime as dt
import gc
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import lancedb  # type: ignore[import-untyped]
import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
from lancedb.index import BTree, IvfPq, LabelList  # type: ignore[import-untyped]
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from benchmarks.latency import AS_OF, percentile, rss_mb
from benchmarks.report import machine, replace_section
from benchmarks.synthetic import example_firms, synthetic_snapshot
from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.view import MeasureView
from matching.config import MatchingSettings
from matching.eligibility.rules import Verdict, evaluate
from matching.firm.facts import Facts, derive
from matching.firm.profile import FirmProfile, query_text
from matching.ranking.benefit import estimate, ranking_value
from matching.ranking.fusion import Fusion, Weights, fuse, specificity, total, value_scores
from matching.ranking.windows import TIMELINESS, window_state
from matching.text.embeddings import Encoder
from matching.text.queries import QueryEncoder
from matching.text.vectors import set_threads
from matching.usecases.match import MatchOptions, match
from policies import reference
from policies.criteria import Criterion, IndustryCriterion

SECTION = "## Embedded vector database comparison"
DEFAULT_K = 200
PAGE = 10  # match()'s default limit: the results a person reads
IVF_PQ_MIN_SIZE = 10_000  # PQ training wants a few thousand rows at least
K_SWEEP = (25, 50, 100, 200, 500, 1000, 2000)  # agreement and cost against k, each measured in one pass
console = Console()


# --- the table ---------------------------------------------------------------------------------------------


def closes_on(view: MeasureView) -> dt.date | None:
    """The last day the measure can be used: as `windows.window_state` reads it (closed when before as_of)."""
    return min((d for d in (view.window.closes, view.effective_to) if d is not None), default=None)


def required_industries(criteria: Sequence[Criterion]) -> list[str] | None:
    """The codes of the first top-level, always-in-force `industry_in` criterion that is not an exclusion.

    A firm that states industries must lie within one of them, or the measure fails; a
    firm that states none is `unknown` there, so the filter must keep the measure. Only
    one criterion is taken: requiring one of several is weaker, never wrong.
    """
    for criterion in criteria:
        if (isinstance(criterion, IndustryCriterion) and not criterion.exclude
                and criterion.effective_from is None and criterion.effective_to is None):
            return list(criterion.codes)
    return None


def measure_table(measures: Sequence[MeasureView], vectors: np.ndarray) -> Any:
    """One Arrow row per measure: its vector and every column a LanceDB filter can test."""
    return pa.table({
        "code": pa.array([m.code for m in measures], pa.string()),
        "vector": pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel(), pa.float32()), vectors.shape[1]),
        "status": pa.array(["published"] * len(measures), pa.string()),  # the snapshot holds published ones only
        "level": pa.array([m.level.value for m in measures], pa.string()),
        "kind": pa.array([m.kind.value for m in measures], pa.string()),
        # An empty jurisdiction means the whole country (eligibility.jurisdiction_rule).
        "jurisdiction": pa.array([list(m.jurisdiction) or [reference.NATIONAL] for m in measures],
                                 pa.list_(pa.string())),
        "closes": pa.array([closes_on(m) for m in measures], pa.date32()),
        "industries": pa.array([list(m.industries) for m in measures], pa.list_(pa.string())),
        "required_industries": pa.array([required_industries(m.criteria) for m in measures], pa.list_(pa.string())),
    })


def build_table(measures: Sequence[MeasureView], vectors: np.ndarray, folder: str) -> tuple[Any, float]:
    """Write the table and its scalar indexes (what a careful user adds for the filter); no vector index."""
    started = time.perf_counter()
    db = lancedb.connect(folder)
    table = db.create_table("measures", data=measure_table(measures, vectors), mode="overwrite")
    table.create_index("jurisdiction", config=LabelList())
    table.create_index("closes", config=BTree())
    return table, time.perf_counter() - started


def _sql_list(values: Sequence[str]) -> str:
    return "make_array(" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + ")"


def prefilter(facts: Facts, as_of: dt.date) -> str:
    """The part of eligibility a SQL `where` can say: jurisdiction, window, the industry a measure requires.

    A measure's jurisdiction holds when it contains the firm's region, i.e. names one of
    the firm's region, its city, its province or the nation (reference.region_ancestors).
    Industries nest by prefix, so "within one of the codes" is "one of the codes is a
    prefix of one of the firm's codes".
    """
    clauses = [
        "status = 'published'",
        f"array_has_any(jurisdiction, {_sql_list(reference.region_ancestors(facts.region))})",
        f"(closes IS NULL OR closes >= date '{as_of.isoformat()}')",
    ]
    if facts.industries:
        prefixes = sorted({own[:n] for own in facts.industries for n in range(1, len(own) + 1)})
        clauses.append(f"(required_industries IS NULL OR array_has_any(required_industries, {_sql_list(prefixes)}))")
    return " AND ".join(clauses)


# --- the query, as a LanceDB user writes it ------------------------------------------------------------------


@dataclass
class Alternative:
    """Vector search with a prefilter in LanceDB, then eligibility and ordering in Python."""

    table: Any
    measures: dict[str, MeasureView]
    weights: Weights
    as_of: dt.date
    k: int = DEFAULT_K
    closing_soon_days: int = 30
    ann: bool = False  # use a vector index if the table has one; otherwise an exact scan

    def search(self, facts: Facts, vector: np.ndarray) -> Any:
        query = (self.table.search(vector.reshape(-1)).distance_type("cosine")
                 .where(prefilter(facts, self.as_of), prefilter=True).select(["code", "_distance"]).limit(self.k))
        if not self.ann:
            query = query.bypass_vector_index()
        return query.to_arrow()

    def __call__(self, profile: FirmProfile, vector: np.ndarray) -> list[str]:
        """Every surviving candidate's code, best first."""
        facts = derive(profile, self.as_of)
        found = self.search(facts, vector)
        rows: list[tuple[int, MeasureView, float]] = []
        for code, distance in zip(found["code"].to_pylist(), found["_distance"].to_pylist(), strict=True):
            view = self.measures[code]
            verdict, _ = evaluate(view.criteria, facts, view.jurisdiction)
            if verdict is not Verdict.ineligible:
                rows.append((0 if verdict is Verdict.eligible else 1, view, 1.0 - distance))
        if not rows:
            return []
        dense = np.array([similarity for _, _, similarity in rows])
        relevance = fuse(dense, np.zeros_like(dense), Fusion.dense)
        value = value_scores(np.array([ranking_value(estimate(view.benefit, facts)) for _, view, _ in rows]))
        timely = np.array([
            TIMELINESS[window_state(view.window, view.effective_from, view.effective_to, self.as_of,
                                    self.closing_soon_days).status] for _, view, _ in rows])
        specific = np.array([specificity(view.level, view.industries, facts.industries) for _, view, _ in rows])
        scores = total(relevance, value, timely, specific, self.weights)
        order = sorted(range(len(rows)), key=lambda i: (rows[i][0], -round(float(scores[i]), 9), rows[i][1].code))
        return [rows[i][1].code for i in order]


# --- the comparison ------------------------------------------------------------------------------------------


def agreement(ours: list[list[str]], theirs: list[list[str]]) -> tuple[float, float]:
    """Share of firms whose first result is the same; mean share of the first page (10) the two have in common.

    The share is |A ∩ B| / max(|A|, |B|) of the two first pages: codes in common out of 10 when both pages are full.
    """
    same = [bool(a) == bool(b) and (not a or a[0] == b[0]) for a, b in zip(ours, theirs, strict=True)]
    overlap = [len(set(a[:PAGE]) & set(b[:PAGE])) / max(1, len(a[:PAGE]), len(b[:PAGE])) if a or b else 1.0
               for a, b in zip(ours, theirs, strict=True)]
    return statistics.mean(same), statistics.mean(overlap)


def _spread(per_round: list[float]) -> tuple[float, float, float]:
    return statistics.median(per_round), min(per_round), max(per_round)


def _timed(call: Callable[[FirmProfile, np.ndarray], Any], firm: FirmProfile,
           vector: np.ndarray) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call(firm, vector)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _summary(prefix: str, samples: list[list[float]], cpu: list[float]) -> dict[str, float]:
    flat = [s for one_round in samples for s in one_round]
    median, low, high = _spread([statistics.median(one_round) for one_round in samples])
    return {
        f"{prefix}_p50": statistics.median(flat), f"{prefix}_p95": percentile(flat, 95),
        f"{prefix}_p99": percentile(flat, 99), f"{prefix}_round_p50": median, f"{prefix}_round_min": low,
        f"{prefix}_round_max": high, f"{prefix}_cpu_share": sum(cpu) / sum(flat),
    }


@dataclass
class Ours:
    """(a): `match()` in-process; the vector argument is unused, the QueryEncoder holds it cached."""

    snapshot: CatalogueSnapshot
    encode: QueryEncoder
    options: MatchOptions
    weights: Weights

    def __call__(self, profile: FirmProfile, vector: np.ndarray) -> list[str]:
        return [item.code for item in match(self.snapshot, self.encode, profile, self.options, self.weights).items]


@dataclass
class SearchOnly:
    """(b) without the Python part: derive the facts and run the LanceDB query, nothing else."""

    alternative: Alternative

    def __call__(self, profile: FirmProfile, vector: np.ndarray) -> Any:
        return self.alternative.search(derive(profile, self.alternative.as_of), vector)


def _time_all(variants: dict[str, Callable[[FirmProfile, np.ndarray], Any]], firms: list[FirmProfile],
              vectors: list[np.ndarray], rounds: int, label: str) -> dict[str, float]:
    """Every variant on every firm, interleaved, `rounds` times; latency summaries per variant."""
    samples: dict[str, list[list[float]]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(label, total=rounds * len(firms) * len(variants))
        for _ in range(rounds):
            for series in samples.values():
                series.append([])
            for firm, vector in zip(firms, vectors, strict=True):
                for name, call in variants.items():
                    wall, used = _timed(call, firm, vector)
                    samples[name][-1].append(wall)
                    cpu[name].append(used)
                    progress.advance(task)
    row: dict[str, float] = {}
    for name in variants:
        row |= _summary(name, samples[name], cpu[name])
    return row


def sweep(alternative: Alternative, firms: list[FirmProfile], vectors: list[np.ndarray], ours: list[list[str]],
          dense: list[list[str]], passing: int) -> list[dict[str, float]]:
    """Agreement, survivors and median latency for several k, up to k = every row that passes the filter."""
    found = []
    for k in sorted({k for k in K_SWEEP if k < passing} | {passing}):
        variant = replace(alternative, k=k)
        codes, times = [], []
        for firm, vector in zip(firms, vectors, strict=True):
            started = time.perf_counter()
            codes.append(variant(firm, vector))
            times.append((time.perf_counter() - started) * 1000)
        top1, overlap = agreement(ours, codes)
        dense_top1, dense_overlap = agreement(dense, codes)
        found.append({
            "k": k, "all": k == passing, "p50": statistics.median(times), "top1": top1, "overlap": overlap,
            "dense_top1": dense_top1, "dense_overlap": dense_overlap,
            "survivors": statistics.mean(len(c) for c in codes), "survivors_min": min(len(c) for c in codes),
            "short": sum(len(t) < min(PAGE, len(o)) for o, t in zip(ours, codes, strict=True)),
        })
    return found


def compare(snapshot: CatalogueSnapshot, encode: QueryEncoder, firms: list[FirmProfile], rounds: int, k: int,
            ivf_pq: bool, settings: MatchingSettings, weights: Weights) -> dict[str, Any]:
    """One catalogue: build the LanceDB table, check agreement, then time both (and IVF_PQ if asked)."""
    size = len(snapshot.measures)
    options = MatchOptions(as_of=AS_OF, fusion=Fusion(settings.fusion), closing_soon_days=settings.closing_soon_days)
    ours = Ours(snapshot, encode, options, weights)
    dense = Ours(snapshot, encode, options.model_copy(update={"fusion": Fusion.dense}), weights)
    vectors = [encode(query_text(firm) or firm.name) for firm in firms]  # cached: match() reuses them
    # The snapshot keeps measures as compressed JSON parsed on demand (a cache of a few thousand); a LanceDB
    # user holds their catalogue as objects, so (b) gets every measure parsed once, outside the timings.
    with console.status(f"parsing {size:,} measures for the LanceDB side"):
        views = list(snapshot.measures)
    with tempfile.TemporaryDirectory(prefix="supportmatch-lancedb-") as folder:
        with console.status(f"writing the LanceDB table of {size:,} measures"):
            table, build = build_table(views, snapshot.vectors.vectors, folder)
        alternative = Alternative(table, {m.code: m for m in views}, weights, AS_OF, k, settings.closing_soon_days)
        del views
        # Untimed first calls: the answers to compare, and the warm-up of both code paths.
        pairs = list(zip(firms, vectors, strict=True))
        ours_codes = [ours(firm, vector) for firm, vector in pairs]
        theirs = [alternative(firm, vector) for firm, vector in pairs]
        dense_codes = [dense(firm, vector) for firm, vector in pairs]
        passing = [table.count_rows(prefilter(derive(firm, AS_OF), AS_OF)) for firm in firms]
        top1, overlap = agreement(ours_codes, theirs)
        dense_top1, dense_overlap = agreement(dense_codes, theirs)
        row: dict[str, Any] = {
            "size": size, "k": k, "lance_build_s": build, "top1": top1, "overlap": overlap,
            "dense_top1": dense_top1, "dense_overlap": dense_overlap,
            "passing": statistics.mean(passing), "passing_max": max(passing),
            "survivors": statistics.mean(len(t) for t in theirs),
            "survivors_min": min(len(t) for t in theirs),
            "short": sum(len(t) < min(PAGE, len(o)) for o, t in zip(ours_codes, theirs, strict=True)),
            "firms": len(firms), "n": rounds * len(firms),
        }
        row["sweep"] = sweep(alternative, firms, vectors, ours_codes, dense_codes, max(passing))
        search_only = SearchOnly(alternative)
        row |= _time_all({"ours": ours, "lance": alternative, "search": search_only}, firms, vectors, rounds,
                         f"{size:,} measures")
        if ivf_pq and size >= IVF_PQ_MIN_SIZE:
            with console.status(f"training an IVF_PQ index on {size:,} vectors"):
                started = time.perf_counter()
                table.create_index("vector", config=IvfPq(distance_type="cosine",
                                                          num_sub_vectors=snapshot.vectors.dimension // 8))
                row["ivf_build_s"] = time.perf_counter() - started
            ann = Alternative(table, alternative.measures, weights, AS_OF, k, settings.closing_soon_days, ann=True)
            ann_codes = [ann(firm, vector) for firm, vector in pairs]
            row["ivf_top1"], row["ivf_overlap"] = agreement(ours_codes, ann_codes)
            row["ivf_exact_overlap"] = agreement(theirs, ann_codes)[1]
            row["ivf_short"] = sum(len(t) < min(PAGE, len(o)) for o, t in zip(ours_codes, ann_codes, strict=True))
            timed = _time_all({"ours": ours, "ivf": ann}, firms, vectors, rounds, f"{size:,} measures, IVF_PQ")
            row |= {key: value for key, value in timed.items() if key.startswith("ivf_")}
            row["ivf_ours_p50"] = timed["ours_p50"]
    return row


def run(sizes: list[int], rounds: int, *, k: int = DEFAULT_K, ivf_pq: bool = False,
        encoder: Encoder | None = None) -> list[dict[str, Any]]:
    settings = MatchingSettings()
    weights = settings.weights()
    set_threads(settings.encoder_threads)
    encoder = encoder or settings.model_copy(update={"snapshot_dir": ""}).open_encoder()
    firms = example_firms()
    rows = []
    for size in sizes:
        gc.collect()
        with console.status(f"building a synthetic catalogue of {size:,} measures"):
            snapshot = synthetic_snapshot(size, encoder)
        row = compare(snapshot, QueryEncoder(encoder), firms, rounds, k, ivf_pq, settings, weights)
        rows.append(row | {"rss_mb": rss_mb()})
        del snapshot
    return rows


def _pct(share: float) -> str:
    return f"{share:.0%}"


def render(rows: list[dict[str, Any]], command: str) -> str:
    k = rows[0]["k"] if rows else DEFAULT_K
    lines = [
        SECTION, "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", f"- Machine: {machine()}",
        f"- Command: `{command}`",
        "- (a) ours: in-process `match()` for every example firm, query embedding cached, default settings "
        "(linear fusion of dense and BM25, limit 10), as in *Match latency*.",
        f"- (b) the alternative, LanceDB {lancedb.__version__} embedded: one local table (a tempdir) holding each "
        "measure's vector and the metadata a SQL filter can test (status, level, kind, jurisdiction codes as a "
        "list, window close date, industry tags, the industries a measure requires), with a LabelList index on "
        "jurisdiction and a BTree index on the close date (about twice as fast as no scalar index in a one-off check at 10,000 measures). Per firm: "
        f"one **exact** cosine search (no vector index, so LanceDB scans every row the prefilter keeps: brute force) "
        f"with a SQL `where` prefilter and `limit {k}`, then in Python the scalar evaluator of "
        "`matching/eligibility.py` on each hit, ineligible ones dropped, the survivors ordered as `match()` orders "
        "(eligible before possibly eligible, then the default weights, cosine similarity as relevance since there "
        "is no BM25 signal, value scaled over the survivors, code as the tie-break). Both use the same cached "
        "query vector; no encode is timed.",
        "- Prefilter for a firm in district D of city C of province P: `status = 'published' AND "
        "array_has_any(jurisdiction, make_array(D, C, P, '000000')) AND (closes IS NULL OR closes >= date "
        "'<as_of>') AND (required_industries IS NULL OR array_has_any(required_industries, make_array(<every "
        "prefix of the firm's industry codes>)))`; the last clause only when the firm states industries. It drops "
        "no eligible measure: with k at least the rows it keeps, (b) returns exactly `match(fusion=dense)`'s "
        "eligible and possibly eligible measures in the same order (see the k table).",
        "",
        "| measures | LanceDB build s | ours p50 / p95 / p99 ms | LanceDB p50 / p95 / p99 ms "
        "| LanceDB query alone p50 ms | round p50s ours: median (min–max) | round p50s LanceDB: median (min–max) "
        "| p50 ratio | p99 ratio | top-1 same | top-10 overlap | rows passing the prefilter (mean / max) "
        "| survivors of k (mean / min) | samples |",
        "|---:|---:|---|---|---:|---|---|---:|---:|---:|---:|---|---|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']:,.0f} | {r['lance_build_s']:.1f} "
            f"| {r['ours_p50']:.1f} / {r['ours_p95']:.1f} / {r['ours_p99']:.1f} "
            f"| {r['lance_p50']:.1f} / {r['lance_p95']:.1f} / {r['lance_p99']:.1f} | {r['search_p50']:.1f} "
            f"| {r['ours_round_p50']:.1f} ({r['ours_round_min']:.1f}–{r['ours_round_max']:.1f}) "
            f"| {r['lance_round_p50']:.1f} ({r['lance_round_min']:.1f}–{r['lance_round_max']:.1f}) "
            f"| {r['lance_p50'] / r['ours_p50']:.1f}× | {r['lance_p99'] / r['ours_p99']:.1f}× "
            f"| {_pct(r['top1'])} | {_pct(r['overlap'])} | {r['passing']:,.0f} / {r['passing_max']:,.0f} "
            f"| {r['survivors']:.0f} / {r['survivors_min']:.0f} | {r['n']:.0f} |"
        )
    lines += [
        "",
        "Latencies are over every (round, firm) sample; *round p50s* is the median and range of the per-round "
        "medians; ratios are LanceDB / ours. *LanceDB query alone*: (b) without its Python part, the floor no "
        "post-processing could remove. *Top-1 same*: share of firms whose first result is the same measure; "
        "*top-10 overlap*: mean share of the first page (10 results) the two have in common.",
        "",
        f"Choice of k = {k:.0f}, against the alternatives (one pass over the firms per k, after warm-up, and its p50; *vs "
        "dense-only* compares (b) with `match(fusion=dense)`, which has exactly (b)'s signals, so only k's cut "
        "and the value scale taken over fewer candidates remain; *short*: firms given fewer results than `match()` "
        "gives):",
        "",
        "| measures | k | (b) p50 ms | survivors (mean / min) | short | vs ours: top-1 / top-10 | "
        "vs dense-only match: top-1 / top-10 |",
        "|---:|---:|---:|---|---:|---|---|",
    ]
    for r in rows:
        for s in r["sweep"]:
            label = f"{s['k']:,.0f} (all)" if s["all"] else f"{s['k']:,.0f}"
            lines.append(
                f"| {r['size']:,.0f} | {label} | {s['p50']:.1f} | {s['survivors']:.0f} / {s['survivors_min']:.0f} "
                f"| {s['short']:.0f} | {_pct(s['top1'])} / {_pct(s['overlap'])} "
                f"| {_pct(s['dense_top1'])} / {_pct(s['dense_overlap'])} |"
            )
    ivf = [r for r in rows if "ivf_build_s" in r]
    if ivf:
        lines += [
            "", f"With an IVF_PQ index (LanceDB's default partitions, cosine, 8 dimensions per PQ sub-vector), the same "
                f"prefilter and k = {k:.0f}, timed in separate rounds beside ours:",
            "", "| measures | index build s | p50 / p95 / p99 ms | p50 ratio to ours | top-1 same | top-10 overlap "
                "| top-10 overlap with exact LanceDB | short |",
            "|---:|---:|---|---:|---:|---:|---:|---:|",
        ]
        for r in ivf:
            lines.append(
                f"| {r['size']:,.0f} | {r['ivf_build_s']:.1f} | {r['ivf_p50']:.1f} / {r['ivf_p95']:.1f} / "
                f"{r['ivf_p99']:.1f} | {r['ivf_p50'] / r['ivf_ours_p50']:.1f}× | {_pct(r['ivf_top1'])} "
                f"| {_pct(r['ivf_overlap'])} | {_pct(r['ivf_exact_overlap'])} | {r['ivf_short']:.0f} |"
            )
    cpu = "; ".join(f"{r['size']:,.0f}: ours {r['ours_cpu_share']:.2f}, LanceDB {r['lance_cpu_share']:.2f}"
                    for r in rows)
    lines += [
        "",
        "Why the answers differ: (b) has no BM25 signal, so its relevance is the cosine alone where ours fuses "
        "dense and BM25 (this is the whole difference while k covers every row the prefilter keeps), and once k is "
        "below that, (b) never ranks an eligible measure that is valuable, timely or local but less similar.",
        "",
        f"Process CPU time per wall time (2 cores; above 1 means a second thread worked): {cpu}. Ours does more per "
        "query than (b): it also explains the 10 results shown, builds the bundle and picks the next question.",
        "",
        "Target (the alternative): ours at least 5× faster than (b) at 100,000 measures.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--k", type=int, default=DEFAULT_K, help="LanceDB limit: candidates before eligibility")
    parser.add_argument("--ivf-pq", action="store_true", help=f"also time an IVF_PQ index (sizes ≥ {IVF_PQ_MIN_SIZE:,})")
    args = parser.parse_args()
    rows = run(args.sizes, args.rounds, k=args.k, ivf_pq=args.ivf_pq)
    table = Table(title=f"match() against LanceDB + Python (ms), k = {args.k}")
    for column in ("measures", "build s", "ours p50", "ours p99", "LanceDB p50", "LanceDB p99", "ratio p50",
                   "top-1", "top-10 overlap"):
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(f"{r['size']:,.0f}", f"{r['lance_build_s']:.1f}", f"{r['ours_p50']:.1f}", f"{r['ours_p99']:.1f}",
                      f"{r['lance_p50']:.1f}", f"{r['lance_p99']:.1f}", f"{r['lance_p50'] / r['ours_p50']:.1f}×",
                      f"{r['top1']:.0%}", f"{r['overlap']:.0%}")
    console.print(table)
    command = (f".venv/bin/python -m benchmarks.alternative --sizes {' '.join(str(s) for s in args.sizes)} "
               f"--rounds {args.rounds} --k {args.k}" + (" --ivf-pq" if args.ivf_pq else ""))
    replace_section(SECTION, render(rows, command))


if __name__ == "__main__":
    main()
