"""Ranking-quality harness: nDCG@10, MRR and verdict accuracy against hand-made labels.

Run from the project root:

    .venv/bin/python -m benchmarks.quality

The labels (`benchmarks/quality/labels.yaml`) grade, for each labelled example
firm, the published sample measures of its region chain on 0-3, and record the
eligibility verdict worked out by hand for a set of (firm, measure) pairs. The
harness builds the sample catalogue in memory with the real bundled encoder,
runs `matching.usecases.match.match` for every firm once per fusion method, with the
default weights and with relevance alone, checks every labelled verdict with
`matching.usecases.verdicts.check`, searches a small grid of ranking weights for the best
fusion, prints the results and writes them to the `## Ranking quality` section
of `benchmarks/RESULTS.md` (the rest of that file is left alone).

Metrics:
- nDCG@10 with linear gain (grade / log2(rank + 1), as trec_eval) and the ideal
  DCG from the firm's 10 highest labels (all labels, served or not);
- MRR: 1 / rank of the first result graded 2 or more (0 when none is in the top 10);
- both averaged over firms, each firm counting once.

A change of default is called supported only when its paired 95% bootstrap
interval over firms excludes zero (and, for tuned weights, when weights tuned
on the other firms also help each held-out firm).
"""

import datetime as dt
import itertools
import math
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from benchmarks.report import RESULTS, machine, replace_section
from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.view import MeasureView
from matching.config import MatchingSettings
from matching.firm.profile import FirmProfile
from matching.ranking.fusion import Fusion, Weights
from matching.text.embeddings import Encoder
from matching.text.queries import QueryEncoder
from matching.text.vectors import VectorIndex
from matching.usecases.match import MatchOptions, match
from matching.usecases.verdicts import check
from policies import reference
from policies.importing.loader import read_directory
from policies.schemas import MeasureRecord
from policies.vocabulary import MeasureStatus

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "benchmarks" / "quality" / "labels.yaml"
CATALOGUE = ROOT / "policies" / "sample" / "catalogue"
FIRMS = ROOT / "examples" / "firms"
SECTION = "## Ranking quality"
COMMAND = ".venv/bin/python -m benchmarks.quality"

K = 10
MRR_GRADE = 2  # the first result that is at least "clearly useful"
FUSIONS = (Fusion.dense, Fusion.bm25, Fusion.rrf, Fusion.linear)
DEFAULT, ALONE = "default weights", "relevance only"
RELEVANCE_ONLY = Weights(relevance=1.0, value=0.0, timeliness=0.0, specificity=0.0)
VERDICTS = ("eligible", "possibly_eligible", "ineligible")

# The weight grid in hundredths, so sums are exact; specificity takes what is left.
GRID_RELEVANCE = range(30, 71, 5)
GRID_VALUE = range(10, 41, 5)
GRID_TIMELINESS = range(5, 21, 5)
GRID_SPECIFICITY = (5, 25)

BOOTSTRAP = 10_000  # paired resamples of firms for the confidence intervals
SEED = 20261122


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class FirmLabels:
    name: str
    profile: FirmProfile
    relevance: dict[str, int]
    verdicts: dict[str, str]


def build_sample_snapshot(encoder: Encoder) -> CatalogueSnapshot:
    """The published sample catalogue as an in-memory snapshot, without a database."""
    views: list[MeasureView] = []
    for raw in read_directory(CATALOGUE):
        record = MeasureRecord.model_validate(raw)
        if record.status is MeasureStatus.published:
            views.append(MeasureView.from_record(record))
    vectors = encoder.encode_documents([view.text_for(encoder) for view in views])
    return CatalogueSnapshot.build(1, views, VectorIndex(vectors))


def encode_sample(settings: MatchingSettings) -> tuple[CatalogueSnapshot, QueryEncoder]:
    """The sample catalogue encoded by the configured model, and a query encoder on the same model."""
    # Every core for encoding the catalogue: the scores do not depend on the thread count.
    encoder = settings.model_copy(update={"snapshot_dir": ""}).open_encoder(threads=os.cpu_count() or 1)
    return build_sample_snapshot(encoder), QueryEncoder(encoder, multilingual=settings.reads_chinese(encoder))


def in_region_chain(view: MeasureView, region: str) -> bool:
    return any(reference.region_within(region, area) for area in view.jurisdiction)


def load_labels(
    snapshot: CatalogueSnapshot, path: Path = LABELS
) -> tuple[dt.date, list[FirmLabels], list[str]]:
    """The labels checked against the catalogue, and the problems found (unknown codes, grades, regions)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    as_of = document["as_of"]
    if not isinstance(as_of, dt.date):
        as_of = dt.date.fromisoformat(str(as_of))
    problems: list[str] = []
    firms: list[FirmLabels] = []
    for name, entry in document["firms"].items():
        raw_profile = yaml.safe_load((FIRMS / f"{name}.yaml").read_text(encoding="utf-8"))
        profile = FirmProfile.model_validate(raw_profile)
        relevance: dict[str, int] = {}
        for code, grade in (entry.get("relevance") or {}).items():
            if code not in snapshot.index:
                problems.append(f"{name}: relevance for unknown or unpublished measure {code}")
            elif not 0 <= int(grade) <= 3:
                problems.append(f"{name}: grade {grade} for {code} is outside 0-3")
            elif not in_region_chain(snapshot.measures[snapshot.index[code]], profile.region):
                problems.append(f"{name}: {code} is outside the firm's region chain")
            else:
                relevance[code] = int(grade)
        verdicts: dict[str, str] = {}
        for code, verdict in (entry.get("verdicts") or {}).items():
            if code not in snapshot.index:
                problems.append(f"{name}: verdict for unknown or unpublished measure {code}")
            elif verdict not in VERDICTS:
                problems.append(f"{name}: verdict {verdict!r} for {code} is not one of {', '.join(VERDICTS)}")
            else:
                verdicts[code] = verdict
        firms.append(FirmLabels(name, profile, relevance, verdicts))
    return as_of, firms, problems


def default_weights() -> Weights:
    """The ranking weights the service uses, as `api.main` builds them from MATCHING_* settings."""
    return MatchingSettings().weights()


# ---------------------------------------------------------------- metrics


def ndcg_at_k(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    dcg = sum(grades.get(code, 0) / math.log2(rank + 1) for rank, code in enumerate(ranked[:k], start=1))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum(grade / math.log2(rank + 1) for rank, grade in enumerate(ideal, start=1))
    return dcg / idcg if idcg > 0 else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int], k: int = K,
                    threshold: int = MRR_GRADE) -> float:
    for rank, code in enumerate(ranked[:k], start=1):
        if grades.get(code, 0) >= threshold:
            return 1.0 / rank
    return 0.0


@dataclass(frozen=True)
class Score:
    ndcg: float
    mrr: float
    per_firm: dict[str, tuple[float, float]]  # firm → (nDCG, reciprocal rank)


def evaluate(snapshot: CatalogueSnapshot, encode: QueryEncoder, firms: list[FirmLabels], as_of: dt.date,
             fusion: Fusion, weights: Weights, *, ignore_tiers: bool = False) -> Score:
    """Mean nDCG@K and MRR of `match` over the firms.

    `ignore_tiers` is a diagnostic: it takes every candidate and orders them by score
    alone, as if possibly-eligible measures were not all put after the eligible ones.
    """
    limit = len(snapshot.measures) if ignore_tiers else K
    options = MatchOptions(as_of=as_of, limit=limit, include_closed=False, fusion=fusion)
    per_firm: dict[str, tuple[float, float]] = {}
    for firm in firms:
        items = match(snapshot, encode, firm.profile, options, weights).items
        if ignore_tiers:
            items = sorted(items, key=lambda item: (-item.score, item.code))
        ranked = [item.code for item in items[:K]]
        per_firm[firm.name] = (ndcg_at_k(ranked, firm.relevance), reciprocal_rank(ranked, firm.relevance))
    count = len(per_firm) or 1
    return Score(ndcg=sum(n for n, _ in per_firm.values()) / count,
                 mrr=sum(r for _, r in per_firm.values()) / count, per_firm=per_firm)


@dataclass(frozen=True)
class Disagreement:
    firm: str
    code: str
    expected: str
    engine: str
    reasons: str


@dataclass(frozen=True)
class VerdictCheck:
    correct: int
    total: int
    wrong: list[Disagreement]
    mix: dict[str, int]  # the labels' verdicts, counted

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def check_verdicts(snapshot: CatalogueSnapshot, firms: list[FirmLabels], as_of: dt.date) -> VerdictCheck:
    """Each labelled pair through `verdicts.check`: the scalar verdict shown and the columnar one
    `match` filters on (the report's counts) must both equal the label."""
    correct = 0
    wrong: list[Disagreement] = []
    mix = dict.fromkeys(VERDICTS, 0)
    for firm in firms:
        for code, expected in firm.verdicts.items():
            report = check(snapshot, firm.profile, as_of=as_of, codes=[code])
            result = report.results[0]
            columnar = next(verdict.value for verdict, count in report.counts.items() if count)
            mix[expected] += 1
            if result.verdict.value == expected == columnar:
                correct += 1
                continue
            engine = result.verdict.value
            if columnar != engine:
                engine += f" (columnar: {columnar})"
            reasons = [o.reason for o in result.failing] + [f"unknown: {m}" for m in result.missing]
            wrong.append(Disagreement(firm.name, code, expected, engine, "; ".join(reasons) or "-"))
    return VerdictCheck(correct, sum(mix.values()), wrong, mix)


def weight_grid() -> list[Weights]:
    grid = []
    for r, v, t in itertools.product(GRID_RELEVANCE, GRID_VALUE, GRID_TIMELINESS):
        s = 100 - r - v - t
        if GRID_SPECIFICITY[0] <= s <= GRID_SPECIFICITY[1]:
            grid.append(Weights(relevance=r / 100, value=v / 100, timeliness=t / 100, specificity=s / 100))
    return grid


Interval = tuple[float, float, float]  # mean, low, high


def paired_interval(better: Mapping[str, float], base: Mapping[str, float], resamples: int = BOOTSTRAP,
                    seed: int = SEED) -> Interval:
    """Mean per-firm difference and its 95% bootstrap interval (firms, or queries, resampled with
    replacement, paired): every benchmark's intervals come from here."""
    firms = sorted(base)
    diffs = np.array([better[firm] - base[firm] for firm in firms])
    rng = np.random.default_rng(seed)
    means = diffs[rng.integers(0, len(diffs), size=(resamples, len(diffs)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(diffs.mean()), float(low), float(high)


def paired_ci(better: Score, base: Score) -> Interval:
    """Mean per-firm nDCG difference and its 95% bootstrap interval."""
    return paired_interval({firm: ndcg for firm, (ndcg, _) in better.per_firm.items()},
                           {firm: ndcg for firm, (ndcg, _) in base.per_firm.items()})


def leave_one_out(graded: list[tuple[Weights, Score]]) -> float:
    """Mean nDCG on each firm of the grid weights that are best on all the other firms."""
    firms = sorted(graded[0][1].per_firm)
    held = []
    for out in firms:
        _, score = max(graded, key=lambda pair: round(
            sum(pair[1].per_firm[f][0] for f in firms if f != out), 9))
        held.append(score.per_firm[out][0])
    return sum(held) / len(held)


def marginal_means(graded: list[tuple[Weights, Score]]) -> dict[str, dict[float, float]]:
    """Mean nDCG over the grid at each level of each weight: which way each weight pulls."""
    means: dict[str, dict[float, float]] = {}
    for part in ("relevance", "value", "timeliness", "specificity"):
        levels: dict[float, list[float]] = {}
        for weights, score in graded:
            levels.setdefault(round(getattr(weights, part), 2), []).append(score.ndcg)
        means[part] = {level: sum(v) / len(v) for level, v in sorted(levels.items())}
    return means


# ---------------------------------------------------------------- the run


@dataclass
class Results:
    as_of: dt.date
    firms: list[FirmLabels]
    problems: list[str]
    measures: int
    encoder: str
    defaults: Weights
    scores: dict[tuple[Fusion, str], Score]
    verdicts: VerdictCheck
    best_fusion: Fusion
    grid: list[tuple[Weights, Score]]  # best first
    default_rank: int
    fusion_diff: Interval
    grid_diff: Interval
    loo_ndcg: float
    untiered: Score
    tier_diff: Interval
    elapsed: float = 0.0

    @property
    def default_score(self) -> Score:
        return self.scores[(self.best_fusion, DEFAULT)]


def run(progress: Progress) -> Results:
    started = time.perf_counter()
    settings = MatchingSettings()
    defaults = default_weights()
    task = progress.add_task("loading the encoder and encoding the sample catalogue", total=None)
    snapshot, encode = encode_sample(settings)
    as_of, firms, problems = load_labels(snapshot)
    progress.update(task, description=f"catalogue: {len(snapshot.measures)} published measures",
                    total=1, completed=1)

    runs = [(fusion, name, weights) for fusion in FUSIONS
            for name, weights in ((DEFAULT, defaults), (ALONE, RELEVANCE_ONLY))]
    task = progress.add_task("ranking", total=len(runs))
    scores: dict[tuple[Fusion, str], Score] = {}
    for fusion, name, weights in runs:
        progress.update(task, description=f"ranking: {fusion.value}, {name}")
        scores[(fusion, name)] = evaluate(snapshot, encode, firms, as_of, fusion, weights)
        progress.advance(task)
    progress.update(task, description="ranking")

    task = progress.add_task("verdicts", total=sum(len(f.verdicts) for f in firms))
    verdicts = check_verdicts(snapshot, firms, as_of)
    progress.update(task, completed=verdicts.total)

    best_fusion = max(FUSIONS, key=lambda f: (round(scores[(f, DEFAULT)].ndcg, 6),
                                              round(scores[(f, DEFAULT)].mrr, 6)))
    candidates = weight_grid()
    task = progress.add_task(f"weight grid ({best_fusion.value})", total=len(candidates) + 1)
    graded = []
    for weights in candidates:
        graded.append((weights, evaluate(snapshot, encode, firms, as_of, best_fusion, weights)))
        progress.advance(task)
    untiered = evaluate(snapshot, encode, firms, as_of, best_fusion, defaults, ignore_tiers=True)
    progress.advance(task)

    def distance(w: Weights) -> float:
        return (abs(w.relevance - defaults.relevance) + abs(w.value - defaults.value)
                + abs(w.timeliness - defaults.timeliness) + abs(w.specificity - defaults.specificity))

    # Best by nDCG@K, then MRR; among equals, the one closest to today's defaults.
    graded.sort(key=lambda pair: (-round(pair[1].ndcg, 6), -round(pair[1].mrr, 6), distance(pair[0])))
    default_score = scores[(best_fusion, DEFAULT)]
    default_fusion = MatchOptions.model_fields["fusion"].default
    return Results(
        as_of=as_of, firms=firms, problems=problems, measures=len(snapshot.measures), encoder=encode.encoder.name,
        defaults=defaults, scores=scores, verdicts=verdicts, best_fusion=best_fusion, grid=graded,
        default_rank=1 + sum(1 for _, s in graded if round(s.ndcg, 6) > round(default_score.ndcg, 6)),
        fusion_diff=paired_ci(default_score, scores[(default_fusion, DEFAULT)]),
        grid_diff=paired_ci(graded[0][1], default_score), loo_ndcg=leave_one_out(graded),
        untiered=untiered, tier_diff=paired_ci(untiered, default_score),
        elapsed=time.perf_counter() - started,
    )


# ---------------------------------------------------------------- report


def fmt_weights(w: Weights) -> str:
    return (f"relevance {w.relevance:.2f}, value {w.value:.2f}, timeliness {w.timeliness:.2f}, "
            f"specificity {w.specificity:.2f}")


def fmt_diff(diff: Interval) -> str:
    return f"{diff[0]:+.3f} [{diff[1]:+.3f}, {diff[2]:+.3f}]"


def fmt_mix(mix: dict[str, int]) -> str:
    return ", ".join(f"{verdict} {count}" for verdict, count in mix.items())


def margin_lines(r: Results) -> list[str]:
    return [f"{part} " + ", ".join(f"{level:.2f}→{mean:.3f}" for level, mean in levels.items())
            for part, levels in marginal_means(r.grid).items()]


def recommendation(r: Results) -> str:
    """Which defaults the numbers support: a change needs a paired interval that excludes zero."""
    default_fusion: Fusion = MatchOptions.model_fields["fusion"].default
    best_weights, _ = r.grid[0]
    if r.best_fusion == default_fusion:
        fusion = f"keep `{default_fusion.value}` fusion (the best nDCG@{K} of the four)"
    elif r.fusion_diff[1] > 0:
        fusion = (f"switch the default fusion from `{default_fusion.value}` to `{r.best_fusion.value}` "
                  f"({fmt_diff(r.fusion_diff)} nDCG@{K})")
    else:
        fusion = (f"keep `{default_fusion.value}` fusion: `{r.best_fusion.value}` leads by "
                  f"{r.fusion_diff[0]:+.3f} nDCG@{K}, within noise ({fmt_diff(r.fusion_diff)})")
    if r.grid_diff[1] > 0 and r.loo_ndcg > r.default_score.ndcg:
        weights = (f"move the weights to {fmt_weights(best_weights)} ({fmt_diff(r.grid_diff)}; "
                   f"{r.loo_ndcg:.3f} out of sample against {r.default_score.ndcg:.3f})")
    else:
        weights = (f"keep the default weights: the grid's best gains {fmt_diff(r.grid_diff)}, "
                   f"{r.loo_ndcg:.3f} out of sample against {r.default_score.ndcg:.3f}")
    return f"{fusion}; {weights}."


def print_report(console: Console, r: Results) -> None:
    for problem in r.problems:
        console.print(f"[yellow]label problem:[/] {problem}")
    best_weights, best = r.grid[0]
    table = Table(title=f"Ranking quality: {len(r.firms)} labelled firms, as of {r.as_of}, top {K}")
    table.add_column("method")
    table.add_column("weights")
    table.add_column(f"nDCG@{K}", justify="right")
    table.add_column("MRR", justify="right")
    for (fusion, name), score in r.scores.items():
        table.add_row(fusion.value, name, f"{score.ndcg:.3f}", f"{score.mrr:.3f}")
    table.add_row(r.best_fusion.value, "grid best", f"{best.ndcg:.3f}", f"{best.mrr:.3f}", style="bold")
    console.print(table)

    per_firm = Table(title=f"Per firm, default weights (nDCG@{K} / reciprocal rank)")
    per_firm.add_column("firm")
    for fusion in FUSIONS:
        per_firm.add_column(fusion.value, justify="right")
    for firm in r.firms:
        cells = [r.scores[(fusion, DEFAULT)].per_firm[firm.name] for fusion in FUSIONS]
        per_firm.add_row(firm.name, *(f"{ndcg:.2f} / {rr:.2f}" for ndcg, rr in cells))
    console.print(per_firm)

    v = r.verdicts
    console.print(f"Verdict accuracy: [bold]{v.correct}/{v.total} = {v.accuracy:.1%}[/] "
                  f"(labels: {fmt_mix(v.mix)})")
    if v.wrong:
        table = Table(title="Verdict disagreements (each is an engine bug or a label error)")
        for column in ("firm", "measure", "expected", "engine", "engine's reasons"):
            table.add_column(column, overflow="fold")
        for d in v.wrong:
            table.add_row(d.firm, d.code, d.expected, d.engine, d.reasons)
        console.print(table)

    top = Table(title=f"Weight grid for {r.best_fusion.value}: five best of {len(r.grid)}")
    for column in ("relevance", "value", "timeliness", "specificity", f"nDCG@{K}", "MRR"):
        top.add_column(column, justify="right")
    for weights, score in r.grid[:5]:
        top.add_row(f"{weights.relevance:.2f}", f"{weights.value:.2f}", f"{weights.timeliness:.2f}",
                    f"{weights.specificity:.2f}", f"{score.ndcg:.3f}", f"{score.mrr:.3f}")
    console.print(top)
    console.print(f"Defaults ({fmt_weights(r.defaults)}) rank {r.default_rank} of {len(r.grid)} with "
                  f"{r.default_score.ndcg:.3f}. Grid best vs defaults {fmt_diff(r.grid_diff)}; weights tuned "
                  f"leave-one-firm-out score {r.loo_ndcg:.3f} on the held-out firms.")
    console.print("Mean nDCG over the grid at each weight level:\n  " + "\n  ".join(margin_lines(r)))
    default_fusion: Fusion = MatchOptions.model_fields["fusion"].default
    console.print(f"{r.best_fusion.value} vs {default_fusion.value}, default weights: "
                  f"{fmt_diff(r.fusion_diff)}.")
    console.print(f"Diagnostic: {r.best_fusion.value}, default weights, ordered by score alone "
                  f"(possibly eligible interleaved with eligible): nDCG@{K} {r.untiered.ndcg:.3f}, "
                  f"MRR {r.untiered.mrr:.3f}; difference {fmt_diff(r.tier_diff)}.")
    console.print(f"[bold]Supported defaults:[/] {recommendation(r)}")
    console.print(f"Done in {r.elapsed:.1f} s; best weights {fmt_weights(best_weights)}.")


def today() -> str:
    try:
        return subprocess.run(["date"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return dt.datetime.now().isoformat(timespec="seconds")


def markdown(r: Results) -> str:
    best_weights, best = r.grid[0]
    v = r.verdicts
    default_fusion: Fusion = MatchOptions.model_fields["fusion"].default
    lines = [
        SECTION, "",
        f"- Date: {today()}",
        f"- Machine: {machine()}",
        f"- Command: `{COMMAND}` (from the project root; this run took {r.elapsed:.0f} s)",
        (f"- Labels: `benchmarks/quality/labels.yaml`: {len(r.firms)} firms, "
        f"{sum(len(f.relevance) for f in r.firms)} graded (firm, measure) pairs, "
        f"{v.total} hand-worked verdicts, as of {r.as_of}. Catalogue: the {r.measures} published sample "
        f"measures; encoder: {r.encoder}."),
        (f"- Metrics: `match(limit={K}, include_closed=False)`, once per fusion; nDCG@{K} with linear gain "
        f"and the ideal DCG from all of the firm's labels (closed and ineligible measures included, so 1.0 "
        f"is out of reach); MRR of the first result graded ≥ {MRR_GRADE}; both averaged over firms."),
        "",
        f"| fusion | weights | nDCG@{K} | MRR |",
        "|---|---|---:|---:|",
    ]
    lines += [f"| {fusion.value} | {name} | {score.ndcg:.3f} | {score.mrr:.3f} |"
              for (fusion, name), score in r.scores.items()]
    lines += [
        f"| {r.best_fusion.value} | grid best | {best.ndcg:.3f} | {best.mrr:.3f} |",
        "",
        f"Default weights: {fmt_weights(r.defaults)}; relevance only: relevance 1, the rest 0.",
        "",
        f"Verdict accuracy: **{v.correct}/{v.total} = {v.accuracy:.1%}** (labels: {fmt_mix(v.mix)}); "
        "the scalar verdict shown and the columnar one `match` filters on are both compared."
        + ("" if v.wrong else " No disagreements."),
        "",
    ]
    if v.wrong:
        lines += ["| firm | measure | expected | engine | engine's reasons |", "|---|---|---|---|---|"]
        lines += [f"| {d.firm} | {d.code} | {d.expected} | {d.engine} | {d.reasons.replace('|', '/')} |"
                  for d in v.wrong]
        lines.append("")
    lines += [
        (f"Weight grid for `{r.best_fusion.value}` ({len(r.grid)} weightings: relevance 0.30-0.70, value "
        f"0.10-0.40, timeliness 0.05-0.20, specificity 0.05-0.25, steps of 0.05, summing to 1): best "
        f"**{fmt_weights(best_weights)}**, nDCG@{K} {best.ndcg:.3f}, MRR {best.mrr:.3f}. The defaults rank "
        f"{r.default_rank} of {len(r.grid)} ({r.default_score.ndcg:.3f}). Weights chosen on the other "
        f"{len(r.firms) - 1} firms score {r.loo_ndcg:.3f} on the firm left out (mean over firms)."),
        "",
        "Mean nDCG@10 over the grid at each weight level: " + "; ".join(margin_lines(r)) + ".",
        "",
        (f"Paired per-firm differences in nDCG@{K} (mean [95% bootstrap interval]): "
        f"`{r.best_fusion.value}` vs `{default_fusion.value}` {fmt_diff(r.fusion_diff)}; "
        f"grid best vs defaults {fmt_diff(r.grid_diff)}."),
        "",
        (f"Diagnostic, not a setting: `{r.best_fusion.value}` with the default weights ordered by score "
        f"alone (possibly-eligible measures interleaved with the eligible ones instead of after them) scores "
        f"nDCG@{K} {r.untiered.ndcg:.3f}, MRR {r.untiered.mrr:.3f}; difference {fmt_diff(r.tier_diff)}."),
        "",
        f"Supported defaults: {recommendation(r)}",
    ]
    if r.problems:
        lines += ["", "Label problems: " + "; ".join(r.problems)]
    return "\n".join(lines) + "\n"


def main() -> int:
    console = Console()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        results = run(progress)
    print_report(console, results)
    replace_section(SECTION, markdown(results))
    console.print(f"Wrote the '{SECTION}' section of {RESULTS}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
