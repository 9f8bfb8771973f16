"""Fit and measure the ranking against the advisor labels, out of sample.

Run from the project root:

    .venv/bin/python -m benchmarks.ranking_fit

The advisor labels (`benchmarks/quality/advisors/<firm>.yaml`, see that folder's
README) grade, for 45 example firms, every published sample measure of the firm's
region chain on 0-3. Twelve of the firms (`held_aside.txt`) are held aside: no fit
and no selection reads them; they are scored once, at the end, by a model fitted on
the other 33 (the tuning firms).

The harness builds the sample catalogue in memory with the real bundled encoder
(as `benchmarks.quality` does) and runs `match` for every firm once per fusion
method, with the service's default weights and with relevance alone, over every
measure (portal defaults: closed measures left out). From those runs it takes, per
(firm, served measure), the tier (eligible first, then possibly eligible), the
service's order and every numeric field of `ScoreParts` as a feature.

Orderings compared, each tier first, then the score, then the code:
- the service's own, for each fusion, with the default weights and with relevance alone;
- value alone;
- learned: a pairwise logistic regression (L2, standardised features, no intercept)
  on the feature differences of the pairs of served measures of one firm that the
  advisor graded differently, each firm's pairs weighing as much in total as any
  other firm's; its linear score replaces the fused score. C is chosen by an inner
  cross-validation over firms.
The learned model is also scored with each feature removed (ablation) and, as a
diagnostic, in plain score order without the tier-first rule.

Metric: nDCG@5 (and nDCG@10), linear gain, the ideal DCG from all of the firm's
labels (served or not), per firm, averaged with each firm counting once.
Out of sample: 5-fold cross-validation over the tuning firms (folds by firm, fixed
seed), and a model fitted on all tuning firms scored on the held-aside firms.
Intervals: paired bootstrap over firms. The results are printed and written to
the `## Ranking quality (advisor labels)` section of `benchmarks/RESULTS.md`
(or of the file BENCH_RESULTS names).
"""

import datetime as dt
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

from benchmarks import report
from benchmarks.quality import (
    ALONE,
    BOOTSTRAP,
    DEFAULT,
    FIRMS,
    FUSIONS,
    RELEVANCE_ONLY,
    SEED,
    Interval,
    default_weights,
    encode_sample,
    fmt_diff,
    in_region_chain,
    ndcg_at_k,
    paired_interval,
    today,
)
from matching.catalogue.snapshot import CatalogueSnapshot
from matching.config import MatchingSettings
from matching.firm.profile import FirmProfile
from matching.ranking.fusion import Fusion, Weights
from matching.text.queries import QueryEncoder
from matching.usecases.match import MatchItem, MatchOptions, match

ROOT = Path(__file__).resolve().parent.parent
ADVISORS = ROOT / "benchmarks" / "quality" / "advisors"
HELD_ASIDE = ADVISORS / "held_aside.txt"
SECTION = "## Ranking quality (advisor labels)"
COMMAND = ".venv/bin/python -m benchmarks.ranking_fit"

PRIMARY = 5  # nDCG@5 decides
SECONDARY = 10
FOLDS = 5
FOLD_SEED = 20261205
# As C → 0 the coefficients' direction tends to the firm-weighted mean standardised pair difference (at 1e-6
# its cosine with that limit is 0.99999 on the tuning firms), so the grid runs from that limit to a nearly
# unregularised fit. Earlier runs with grids starting at 1e-3 and then 1e-4 chose their smallest C, the edge.
C_GRID = (1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0)
TOP = 3  # the grade-0 check: no useless measure in the first three while a useful one waits below
TIERS = {"eligible": 0, "possibly_eligible": 1}
# Relevance as each of these fusions computes it, beside the parts of the service's own fusion:
# the rank-based RRF and the per-firm max-scaled mean are not linear in the dense and BM25 parts.
EXTRA_RELEVANCE = (Fusion.rrf, Fusion.linear)
VALUE_ONLY = "value only"
LEARNED = "learned"
UNTIERED = "learned, score order without tiers (diagnostic)"
WITHIN_TIER = "learned on within-tier pairs only (variant)"

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class AdvisorFirm:
    name: str
    as_of: dt.date
    profile: FirmProfile
    grades: dict[str, int]  # every label of the firm, zeros included


def load_held_aside(path: Path = HELD_ASIDE) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def load_advisor_labels(snapshot: CatalogueSnapshot, folder: Path = ADVISORS) -> tuple[list[AdvisorFirm], list[str]]:
    """Every firm's labels, checked against the catalogue, and the problems found."""
    firms: list[AdvisorFirm] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        name = str(document.get("firm") or path.stem)
        if name != path.stem:
            problems.append(f"{path.name}: names firm {name}")
        as_of = document["as_of"]
        if not isinstance(as_of, dt.date):
            as_of = dt.date.fromisoformat(str(as_of))
        profile = FirmProfile.model_validate(yaml.safe_load((FIRMS / f"{name}.yaml").read_text(encoding="utf-8")))
        grades: dict[str, int] = {}
        for code, entry in (document.get("labels") or {}).items():
            grade = int(entry["grade"] if isinstance(entry, dict) else entry)
            if code not in snapshot.index:
                problems.append(f"{name}: label for unknown or unpublished measure {code}")
            elif not 0 <= grade <= 3:
                problems.append(f"{name}: grade {grade} for {code} is outside 0-3")
            elif not in_region_chain(snapshot.measures[snapshot.index[code]], profile.region):
                problems.append(f"{name}: {code} is outside the firm's region chain")
            else:
                grades[str(code)] = grade
        firms.append(AdvisorFirm(name, as_of, profile, grades))
    return firms, problems


@dataclass(frozen=True)
class FirmRows:
    """One firm's served measures: tier, features and the service's orders."""

    name: str
    grades: dict[str, int]  # all the firm's labels: the ideal DCG reads them, served or not
    codes: tuple[str, ...]  # the served measures, in the service's default order
    tiers: Ints  # 0 eligible, 1 possibly eligible
    features: Floats  # len(codes) × len(feature names)
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the service's orderings, by name

    @property
    def served_grades(self) -> Ints:
        return np.array([self.grades.get(code, 0) for code in self.codes], dtype=np.int64)


def service_name(fusion: Fusion, weights: str) -> str:
    return f"{fusion.value}, {weights}"


def numeric_parts(item: MatchItem) -> dict[str, float]:
    """Every numeric field of the item's ScoreParts, whatever fields it has today."""
    return {name: float(value) for name, value in item.parts.model_dump().items()
            if isinstance(value, int | float) and not isinstance(value, bool)}


def tier_of(item: MatchItem) -> int:
    return TIERS[str(item.verdict)]  # Verdict is a StrEnum: str() is its value


def collect(snapshot: CatalogueSnapshot, encode: QueryEncoder, firms: Sequence[AdvisorFirm], defaults: Weights,
            default_fusion: Fusion, advance: Callable[[str], None] = lambda _: None,
            ) -> tuple[list[str], dict[str, FirmRows], list[str]]:
    """Run `match` per firm, fusion and weighting; return the feature names, the rows and any problems."""
    runs_by_firm: dict[str, dict[tuple[Fusion, str], list[MatchItem]]] = {}
    names: list[str] = []
    for firm in firms:
        runs: dict[tuple[Fusion, str], list[MatchItem]] = {}
        for fusion in FUSIONS:
            options = MatchOptions(as_of=firm.as_of, limit=len(snapshot.measures), include_closed=False,
                                   fusion=fusion)
            for label, weights in ((DEFAULT, defaults), (ALONE, RELEVANCE_ONLY)):
                runs[(fusion, label)] = match(snapshot, encode, firm.profile, options, weights).items
        runs_by_firm[firm.name] = runs
        for item in runs[(default_fusion, DEFAULT)]:
            names += [name for name in numeric_parts(item) if name not in names]
        advance(firm.name)
    extra = [fusion for fusion in EXTRA_RELEVANCE if fusion is not default_fusion]
    columns = names + [f"relevance_{fusion.value}" for fusion in extra]
    problems: list[str] = []
    data: dict[str, FirmRows] = {}
    for firm in firms:
        runs = runs_by_firm[firm.name]
        base = runs[(default_fusion, DEFAULT)]
        codes = tuple(item.code for item in base)
        features = np.zeros((len(codes), len(columns)), dtype=np.float64)
        for i, item in enumerate(base):
            parts = numeric_parts(item)
            features[i, : len(names)] = [parts.get(name, 0.0) for name in names]
        for j, fusion in enumerate(extra, start=len(names)):
            relevance = {item.code: item.parts.relevance for item in runs[(fusion, DEFAULT)]}
            features[:, j] = [relevance[code] for code in codes]
        orders = {service_name(fusion, label): tuple(item.code for item in items)
                  for (fusion, label), items in runs.items()}
        for name, order in orders.items():
            if set(order) != set(codes):
                problems.append(f"{firm.name}: {name} serves other measures than the default")
        unlabelled = [code for code in codes if code not in firm.grades]
        if unlabelled:
            problems.append(f"{firm.name}: served but unlabelled (graded 0): {', '.join(unlabelled)}")
        data[firm.name] = FirmRows(firm.name, firm.grades, codes,
                                   np.array([tier_of(item) for item in base], dtype=np.int64), features, orders)
    return columns, data, problems


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class PairwiseModel:
    """A linear score over the features: `coef` per unit of each feature, `standardised` per standard deviation.

    Only the direction orders measures, so the coefficients are scaled to `standardised` of length 1 (at small C
    the fitted ones are tiny); `norm` is the fitted length.
    """

    names: tuple[str, ...]
    coef: Floats
    standardised: Floats
    mean: Floats
    scale: Floats
    C: float
    pairs: int
    norm: float

    def score(self, features: Floats) -> Floats:
        return np.asarray(features, dtype=np.float64) @ self.coef


def grade_pairs(grades: Sequence[int] | Ints, groups: Sequence[str],
                tiers: Sequence[int] | Ints | None = None) -> tuple[Ints, Ints, Floats]:
    """(better row, worse row, weight) of every pair of rows of one group with different grades.

    Each group's pairs weigh 1 in total, so a firm with many served measures counts as much as one with few.
    With `tiers`, only pairs within one tier (the only ones a tier-first order leaves to the score).
    """
    grade = np.asarray(grades, dtype=np.int64)
    group = np.asarray(list(groups), dtype=object)
    tier = np.zeros(len(grade), np.int64) if tiers is None else np.asarray(tiers, dtype=np.int64)
    better: list[Ints] = []
    worse: list[Ints] = []
    weight: list[Floats] = []
    for name in dict.fromkeys(group.tolist()):
        rows = np.flatnonzero(group == name)
        b, w = np.nonzero((grade[rows][:, None] > grade[rows][None, :])
                          & (tier[rows][:, None] == tier[rows][None, :]))
        if len(b):
            better.append(rows[b].astype(np.int64))
            worse.append(rows[w].astype(np.int64))
            weight.append(np.full(len(b), 1.0 / len(b)))
    if not better:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    return np.concatenate(better), np.concatenate(worse), np.concatenate(weight)


def fit_pairwise(features: Floats, grades: Sequence[int] | Ints, groups: Sequence[str], C: float,
                 names: Sequence[str] | None = None, tiers: Sequence[int] | Ints | None = None) -> PairwiseModel:
    """Pairwise logistic regression: P(i above j) = σ(w·(x_i − x_j)) over pairs within a group with different grades.

    Features are standardised on the training rows; L2 penalty with inverse strength C; no intercept (the
    pairs are entered in both directions, so the problem is symmetric). With `tiers`, only pairs within one
    tier. Returns the coefficients per standard deviation and per unit of each feature.
    """
    x = np.asarray(features, dtype=np.float64)
    if x.ndim != 2 or len(x) != len(grades) or len(x) != len(groups):
        raise ValueError("features, grades and groups must describe the same rows")
    better, worse, weight = grade_pairs(grades, groups, tiers)
    if not len(better):
        raise ValueError("no pair of rows within a group has different grades")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-12] = 1.0  # a constant feature keeps a zero coefficient
    standard = (x - mean) / scale
    diffs = standard[better] - standard[worse]
    pairs = np.vstack([diffs, -diffs])
    target = np.concatenate([np.ones(len(diffs)), np.zeros(len(diffs))])
    weights = np.concatenate([weight, weight])
    weights *= len(weights) / weights.sum()  # mean weight 1, so C means what it usually does
    model = LogisticRegression(C=C, fit_intercept=False, max_iter=10_000)
    model.fit(pairs, target, sample_weight=weights)
    fitted = np.asarray(model.coef_[0], dtype=np.float64)
    norm = float(np.linalg.norm(fitted))
    standardised = fitted / norm if norm > 0 else fitted
    labels = tuple(names) if names is not None else tuple(f"x{i}" for i in range(x.shape[1]))
    return PairwiseModel(labels, standardised / scale, standardised, mean, scale, C, len(diffs), norm)


def order_codes(codes: Sequence[str], tiers: Sequence[int] | Ints, scores: Sequence[float] | Floats, *,
                tier_first: bool = True) -> list[str]:
    """The service's order: tier first (unless told not to), then score, highest first, then code."""
    keys = [((int(tier) if tier_first else 0), -round(float(score), 9), code)
            for code, tier, score in zip(codes, tiers, scores, strict=True)]
    return [key[2] for key in sorted(keys)]


def pairwise_order(model: PairwiseModel, rows: FirmRows, columns: Sequence[int] | None = None, *,
                   tier_first: bool = True) -> list[str]:
    """A firm's served measures ordered by the model's score (over `columns` of its features) instead of the fused one."""
    features = rows.features if columns is None else rows.features[:, list(columns)]
    return order_codes(rows.codes, rows.tiers, model.score(features), tier_first=tier_first)


def firm_folds(firms: Sequence[str], k: int = FOLDS, seed: int = FOLD_SEED) -> list[list[str]]:
    """The firms shuffled with a fixed seed and cut into k folds: every firm in exactly one."""
    names = sorted(set(firms))
    k = max(1, min(k, len(names)))
    shuffled = [names[i] for i in np.random.default_rng(seed).permutation(len(names))]
    return [sorted(str(name) for name in part) for part in np.array_split(np.array(shuffled, dtype=object), k)]


def fit_on(data: Mapping[str, FirmRows], firms: Sequence[str], columns: Sequence[int], C: float,
           names: Sequence[str], within_tier: bool = False) -> PairwiseModel:
    """Fit on these firms' rows (and no others)."""
    cols = list(columns)
    features = np.vstack([data[firm].features[:, cols] for firm in firms])
    grades = np.concatenate([data[firm].served_grades for firm in firms])
    groups = [firm for firm in firms for _ in data[firm].codes]
    tiers = np.concatenate([data[firm].tiers for firm in firms]) if within_tier else None
    return fit_pairwise(features, grades, groups, C, [names[c] for c in cols], tiers)


def mean_ndcg(orders: Mapping[str, Sequence[str]], data: Mapping[str, FirmRows], firms: Sequence[str],
              k: int = PRIMARY) -> float:
    return float(np.mean([ndcg_at_k(list(orders[firm]), data[firm].grades, k) for firm in firms]))


def choose_C(data: Mapping[str, FirmRows], firms: Sequence[str], columns: Sequence[int], names: Sequence[str],
             seed: int, grid: Sequence[float] = C_GRID, within_tier: bool = False) -> tuple[float, dict[float, float]]:
    """C with the best mean out-of-fold nDCG@5 over these firms (folds by firm); ties go to the smaller C."""
    folds = firm_folds(firms, FOLDS, seed)
    means: dict[float, float] = {}
    for C in grid:
        orders: dict[str, list[str]] = {}
        for test in folds:
            train = [firm for firm in firms if firm not in test]
            model = fit_on(data, train, columns, C, names, within_tier)
            orders |= {firm: pairwise_order(model, data[firm], columns) for firm in test}
        means[C] = mean_ndcg(orders, data, firms)
    best = max(grid, key=lambda C: (round(means[C], 9), -C))
    return best, means


@dataclass(frozen=True)
class LearnedRun:
    orders: dict[str, list[str]]  # tier first; tuning firms out of fold, held-aside firms by the final model
    untiered: dict[str, list[str]]  # the same scores in plain score order
    folds: list[tuple[list[str], list[str]]]  # (training firms, test firms) of the outer cross-validation
    fold_C: list[float]
    final: PairwiseModel  # fitted on every tuning firm
    final_C: dict[float, float]  # inner-CV nDCG@5 of each C over the tuning firms


def learn(data: Mapping[str, FirmRows], tuning: Sequence[str], held: Sequence[str], columns: Sequence[int],
          names: Sequence[str], grid: Sequence[float] = C_GRID, within_tier: bool = False) -> LearnedRun:
    """Cross-validate the learned ranking over the tuning firms, then fit on them all and score the held-aside firms.

    Only `data[firm]` of tuning firms is ever passed to a fit or to the choice of C.
    """
    if set(tuning) & set(held):
        raise ValueError("a firm is both tuning and held aside")
    orders: dict[str, list[str]] = {}
    untiered: dict[str, list[str]] = {}
    folds: list[tuple[list[str], list[str]]] = []
    fold_C: list[float] = []
    for k, test in enumerate(firm_folds(tuning, FOLDS, FOLD_SEED)):
        train = [firm for firm in tuning if firm not in test]
        C, _ = choose_C(data, train, columns, names, seed=FOLD_SEED + 1 + k, grid=grid,
                        within_tier=within_tier)
        model = fit_on(data, train, columns, C, names, within_tier)
        for firm in test:
            orders[firm] = pairwise_order(model, data[firm], columns)
            untiered[firm] = pairwise_order(model, data[firm], columns, tier_first=False)
        folds.append((train, test))
        fold_C.append(C)
    C, means = choose_C(data, list(tuning), columns, names, seed=FOLD_SEED, grid=grid, within_tier=within_tier)
    final = fit_on(data, list(tuning), columns, C, names, within_tier)
    for firm in held:
        orders[firm] = pairwise_order(final, data[firm], columns)
        untiered[firm] = pairwise_order(final, data[firm], columns, tier_first=False)
    return LearnedRun(orders, untiered, folds, fold_C, final, means)


# ---------------------------------------------------------------- measures


def per_firm_ndcg(orders: Mapping[str, Sequence[str]], data: Mapping[str, FirmRows], firms: Sequence[str],
                  k: int = PRIMARY) -> dict[str, float]:
    return {firm: ndcg_at_k(list(orders[firm]), data[firm].grades, k) for firm in firms}


def grade_zero_offences(order: Sequence[str], grades: Mapping[str, int], top: int = TOP) -> list[str]:
    """Grade-0 measures in the first `top` while a measure graded 1 or more is served below them."""
    if not any(grades.get(code, 0) >= 1 for code in order[top:]):
        return []
    return [code for code in order[:top] if grades.get(code, 0) == 0]


# ---------------------------------------------------------------- the run


@dataclass
class Results:
    firms: int
    tuning: list[str]
    held: list[str]
    problems: list[str]
    measures: int
    labelled: int
    served: int
    tuning_pairs: int
    held_pairs: int
    within_pairs: int
    encoder: str
    defaults: Weights
    default_fusion: Fusion
    names: list[str]
    orders: dict[str, dict[str, list[str]]]  # ordering → firm → served codes in order
    learned: LearnedRun
    within_tier: LearnedRun  # the variant fitted on within-tier pairs only
    ablations: dict[str, LearnedRun]  # feature removed → run
    data: dict[str, FirmRows]
    elapsed: float = 0.0

    @property
    def default_name(self) -> str:
        return service_name(self.default_fusion, DEFAULT)

    def ndcg(self, ordering: str, firms: Sequence[str], k: int = PRIMARY) -> dict[str, float]:
        return per_firm_ndcg(self.orders[ordering], self.data, firms, k)

    def mean(self, ordering: str, firms: Sequence[str], k: int = PRIMARY) -> float:
        return float(np.mean(list(self.ndcg(ordering, firms, k).values())))

    def comparisons(self) -> list[tuple[str, str]]:
        learned, default = LEARNED, self.default_name
        pairs = [(learned, service_name(Fusion.dense, DEFAULT)), (learned, service_name(Fusion.bm25, DEFAULT)),
                 (learned, service_name(Fusion.linear, DEFAULT)), (learned, service_name(Fusion.rrf, DEFAULT)),
                 (default, service_name(Fusion.dense, DEFAULT)), (default, service_name(Fusion.bm25, DEFAULT))]
        return [(a, b) for a, b in pairs if a != b]

    def intervals(self, firms: Sequence[str]) -> list[tuple[str, str, Interval]]:
        return [(a, b, paired_interval(self.ndcg(a, firms), self.ndcg(b, firms))) for a, b in self.comparisons()]

    def offences(self, ordering: str) -> list[tuple[str, str]]:
        return [(firm, code) for firm in sorted(self.data)
                for code in grade_zero_offences(self.orders[ordering][firm], self.data[firm].grades)]


def run(progress: Progress) -> Results:
    started = time.perf_counter()
    settings = MatchingSettings()
    defaults = default_weights()
    default_fusion = Fusion(settings.fusion)
    task = progress.add_task("loading the encoder and encoding the sample catalogue", total=None)
    snapshot, encode = encode_sample(settings)
    firms, problems = load_advisor_labels(snapshot)
    held_listed = load_held_aside()
    names_known = {firm.name for firm in firms}
    problems += [f"held_aside.txt names {name}, which has no labels" for name in held_listed if name not in names_known]
    held = [firm.name for firm in firms if firm.name in held_listed]
    tuning = [firm.name for firm in firms if firm.name not in held_listed]
    progress.update(task, description=f"catalogue: {len(snapshot.measures)} published measures", total=1, completed=1)

    task = progress.add_task("matching", total=len(firms))

    def advance(name: str) -> None:
        progress.update(task, description=f"matching: {name}", advance=1)

    names, data, found = collect(snapshot, encode, firms, defaults, default_fusion, advance)
    problems += found
    progress.update(task, description="matching")

    orders: dict[str, dict[str, list[str]]] = {}
    for fusion in FUSIONS:
        for label in (DEFAULT, ALONE):
            name = service_name(fusion, label)
            orders[name] = {firm: list(rows.orders[name]) for firm, rows in data.items()}
    value = names.index("value")
    orders[VALUE_ONLY] = {firm: order_codes(rows.codes, rows.tiers, rows.features[:, value])
                          for firm, rows in data.items()}

    everything = list(range(len(names)))
    task = progress.add_task("fitting", total=len(names) + 2)
    progress.update(task, description="fitting: every feature")
    learned = learn(data, tuning, held, everything, names)
    progress.advance(task)
    orders[LEARNED] = learned.orders
    orders[UNTIERED] = learned.untiered
    progress.update(task, description="fitting: within-tier pairs")
    within = learn(data, tuning, held, everything, names, within_tier=True)
    orders[WITHIN_TIER] = within.orders
    ablations: dict[str, LearnedRun] = {}
    for c, name in enumerate(names):
        progress.update(task, description=f"fitting: without {name}")
        ablations[name] = learn(data, tuning, held, [i for i in everything if i != c], names)
        progress.advance(task)
    progress.update(task, description="fitting")

    def pairs(firm_names: Sequence[str]) -> int:
        return sum(len(grade_pairs(data[f].served_grades, [f] * len(data[f].codes))[0]) for f in firm_names)

    within_pairs = sum(len(grade_pairs(data[f].served_grades, [f] * len(data[f].codes), data[f].tiers)[0])
                       for f in tuning)

    return Results(
        firms=len(firms), tuning=tuning, held=held, problems=problems, measures=len(snapshot.measures),
        labelled=sum(len(firm.grades) for firm in firms), served=sum(len(rows.codes) for rows in data.values()),
        tuning_pairs=pairs(tuning), held_pairs=pairs(held), within_pairs=within_pairs, encoder=encode.encoder.name, defaults=defaults,
        default_fusion=default_fusion, names=names, orders=orders, learned=learned, within_tier=within, ablations=ablations,
        data=data,
        elapsed=time.perf_counter() - started,
    )


# ---------------------------------------------------------------- report


def ordering_names(r: Results) -> list[str]:
    return [service_name(fusion, label) for fusion in FUSIONS for label in (DEFAULT, ALONE)] + [
        VALUE_ONLY, LEARNED, UNTIERED, WITHIN_TIER]


def describe(r: Results, ordering: str) -> str:
    if ordering == r.default_name:
        return f"{ordering} (service default)"
    return ordering


def ordering_rows(r: Results) -> list[tuple[str, float, float, float, float]]:
    return [(describe(r, name), r.mean(name, r.tuning), r.mean(name, r.held), r.mean(name, r.tuning, SECONDARY),
             r.mean(name, r.held, SECONDARY)) for name in ordering_names(r)]


def coefficient_rows(r: Results) -> list[tuple[str, float, float, float, float]]:
    m = r.learned.final
    return [(name, float(m.coef[i]), float(m.standardised[i]), float(m.mean[i]), float(m.scale[i]))
            for i, name in enumerate(m.names)]


def ablation_rows(r: Results) -> list[tuple[str, float, float, float, float]]:
    full_cv, full_held = r.mean(LEARNED, r.tuning), r.mean(LEARNED, r.held)
    rows = []
    for name, run_ in r.ablations.items():
        cv = mean_ndcg(run_.orders, r.data, r.tuning)
        held = mean_ndcg(run_.orders, r.data, r.held)
        rows.append((name, cv, cv - full_cv, held, held - full_held))
    return rows


def fmt_standardised(model: PairwiseModel) -> str:
    return ", ".join(f"{name} {value:+.3f}" for name, value in zip(model.names, model.standardised, strict=True))


def fmt_C(values: Sequence[float]) -> str:
    return ", ".join(f"{value:g}" for value in values)


def fmt_offences(offences: Sequence[tuple[str, str]]) -> str:
    return "; ".join(f"{firm}: {code}" for firm, code in offences) or "none"


def print_report(console: Console, r: Results) -> None:
    for problem in r.problems:
        console.print(f"[yellow]label problem:[/] {problem}")
    table = Table(title=f"Ranking quality against the advisor labels: {len(r.tuning)} tuning firms (5-fold CV), "
                        f"{len(r.held)} held aside")
    for column in ("ordering", "CV nDCG@5", "held-aside nDCG@5", "CV nDCG@10", "held-aside nDCG@10",
                   "grade-0 offences"):
        table.add_column(column, justify="left" if column == "ordering" else "right")
    for (name, cv, held, cv10, held10), ordering in zip(ordering_rows(r), ordering_names(r), strict=True):
        style = "bold" if ordering in (LEARNED, r.default_name) else None
        offending = len({firm for firm, _ in r.offences(ordering)})
        table.add_row(name, f"{cv:.3f}", f"{held:.3f}", f"{cv10:.3f}", f"{held10:.3f}", f"{offending}/{r.firms}",
                      style=style)
    console.print(table)

    for title, firms in (("CV firms", r.tuning), ("held-aside firms", r.held)):
        diffs = Table(title=f"Paired differences in nDCG@5, {title} ({len(firms)}), 95% bootstrap interval")
        diffs.add_column("comparison")
        diffs.add_column(escape("mean [low, high]"), justify="right")
        for a, b, interval in r.intervals(firms):
            diffs.add_row(f"{a} − {b}", fmt_diff(interval),
                          style="green" if interval[1] > 0 else "red" if interval[2] < 0 else None)
        console.print(diffs)

    coef = Table(title=f"Learned coefficients (fitted on the {len(r.tuning)} tuning firms, C={r.learned.final.C:g})")
    for column in ("feature", "per unit", "per std", "mean", "std"):
        coef.add_column(column, justify="left" if column == "feature" else "right")
    for name, unit, std, mean, scale in coefficient_rows(r):
        coef.add_row(name, f"{unit:+.3f}", f"{std:+.3f}", f"{mean:.3f}", f"{scale:.3f}")
    console.print(coef)
    console.print(f"C per outer fold: {fmt_C(r.learned.fold_C)}; inner-CV nDCG@5 by C over the tuning firms: "
                  + ", ".join(f"{C:g}→{v:.3f}" for C, v in r.learned.final_C.items()))
    w = r.within_tier.final
    console.print(f"Variant on within-tier pairs ({r.within_pairs} pairs), C={w.C:g} (per fold "
                  f"{fmt_C(r.within_tier.fold_C)}), per std: {fmt_standardised(w)}")

    ablate = Table(title="Ablation: the learned model without one feature")
    for column in ("without", "CV nDCG@5", "Δ CV", "held-aside nDCG@5", "Δ held"):
        ablate.add_column(column, justify="left" if column == "without" else "right")
    for name, cv, dcv, held, dheld in ablation_rows(r):
        ablate.add_row(name, f"{cv:.3f}", f"{dcv:+.3f}", f"{held:.3f}", f"{dheld:+.3f}")
    console.print(ablate)

    per_firm = Table(title="Per firm nDCG@5 (held-aside firms marked *)")
    per_firm.add_column("firm")
    per_firm.add_column(r.default_name, justify="right")
    per_firm.add_column(LEARNED, justify="right")
    for firm in r.tuning + r.held:
        d = ndcg_at_k(r.orders[r.default_name][firm], r.data[firm].grades, PRIMARY)
        lrn = ndcg_at_k(r.orders[LEARNED][firm], r.data[firm].grades, PRIMARY)
        per_firm.add_row(firm + (" *" if firm in r.held else ""), f"{d:.3f}", f"{lrn:.3f}")
    console.print(per_firm)

    for ordering in (r.default_name, LEARNED):
        console.print(f"Grade-0 in the top {TOP} while a graded ≥1 measure is served below, {ordering}: "
                      f"{fmt_offences(r.offences(ordering))}")
    console.print(f"Done in {r.elapsed:.1f} s.")


def markdown(r: Results) -> str:
    m = r.learned.final
    lines = [
        SECTION, "",
        f"- Date: {today()}",
        f"- Machine: {report.machine()}",
        f"- Command: `{COMMAND}` (from the project root; this run took {r.elapsed:.0f} s)",
        (f"- Labels: `benchmarks/quality/advisors/`: {r.firms} firms, {r.labelled} graded (firm, measure) pairs "
         f"(every published sample measure of each firm's region chain); {r.served} of them served by `match` "
         f"(eligible or possibly eligible, closed measures left out). Catalogue: the {r.measures} published "
         f"sample measures; encoder: {r.encoder}."),
        (f"- Held aside: {len(r.held)} firms (`held_aside.txt`; the rule is in "
         "`benchmarks/quality/advisors/README.md`, \"Held aside\": no tuning, weight search or model fit may read "
         f"them). Tuning: the other {len(r.tuning)}. Training pairs (served measures of one tuning firm with "
         f"different grades): {r.tuning_pairs}; the held-aside firms have {r.held_pairs}, never fitted."),
        (f"- Orderings: tier first (eligible, then possibly eligible), then the score, then the code. The service's "
         f"own for each fusion with the default weights ({fmt_weights(r.defaults)}) and with relevance alone; "
         f"value alone; learned: pairwise logistic regression (scikit-learn, L2, no intercept, features "
         f"standardised on the training rows, each firm's pairs weighing 1 in total) on "
         f"{', '.join(f'`{n}`' for n in r.names)}; C from {fmt_C(C_GRID)} by an inner {FOLDS}-fold CV over "
         f"firms."),
        (f"- Metrics: nDCG@5 (decides) and nDCG@10, linear gain, ideal DCG from all of the firm's labels (served or "
         f"not); each firm counts once. CV: {FOLDS}-fold over the tuning firms, folds by firm (seed {FOLD_SEED}); "
         "for the fixed orderings the CV column is simply their mean over the tuning firms. Held aside: the model "
         f"fitted once on all {len(r.tuning)} tuning firms."),
        "",
        "| ordering | CV nDCG@5 | held-aside nDCG@5 | CV nDCG@10 | held-aside nDCG@10 | grade-0 offences (firms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for (name, cv, held, cv10, held10), ordering in zip(ordering_rows(r), ordering_names(r), strict=True):
        bold = "**" if ordering in (LEARNED, r.default_name) else ""
        offending = len({firm for firm, _ in r.offences(ordering)})
        lines.append(f"| {bold}{name}{bold} | {cv:.3f} | {held:.3f} | {cv10:.3f} | {held10:.3f} | "
                     f"{offending}/{r.firms} |")
    lines += ["", (f"Paired per-firm differences in nDCG@5, mean [95% bootstrap interval, {BOOTSTRAP:,} "
                   f"resamples of firms, seed {SEED}]:"), "",
              f"| comparison | CV firms ({len(r.tuning)}) | held-aside firms ({len(r.held)}) |", "|---|---:|---:|"]
    for (a, b, cv_diff), (_, _, held_diff) in zip(r.intervals(r.tuning), r.intervals(r.held), strict=True):
        lines.append(f"| {a} − {b} | {fmt_diff(cv_diff)} | {fmt_diff(held_diff)} |")
    lines += [
        "",
        (f"Learned coefficients, fitted on all {len(r.tuning)} tuning firms (C = {m.C:g}, {m.pairs} pairs; C per "
         f"outer fold: {fmt_C(r.learned.fold_C)}; inner-CV nDCG@5 by C: "
         + ", ".join(f"{C:g} → {v:.3f}" for C, v in r.learned.final_C.items()) + "):"),
        "",
        ("Scaled so the per-standard-deviation coefficients have length 1 (only the direction orders measures; "
         f"the fitted length was {m.norm:.2g}). Service default for comparison, per unit: {fmt_weights(r.defaults)}."),
        "",
        "| feature | per unit | per standard deviation | training mean | training std |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {name} | {unit:+.3f} | {std:+.3f} | {mean:.3f} | {scale:.3f} |"
              for name, unit, std, mean, scale in coefficient_rows(r)]
    w = r.within_tier.final
    lines += ["", (f"Variant, a diagnostic beside the learned model rather than a candidate chosen here: the same fit on "
                   f"the {r.within_pairs} within-tier pairs only (the only pairs a tier-first order leaves to the "
                   f"score), C = {w.C:g} (per fold {fmt_C(r.within_tier.fold_C)}); per standard deviation: "
                   f"{fmt_standardised(w)}.")]
    lines += ["", "Ablation, the learned model refitted (C chosen again) without one feature:", "",
              "| without | CV nDCG@5 | Δ CV | held-aside nDCG@5 | Δ held-aside |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {name} | {cv:.3f} | {dcv:+.3f} | {held:.3f} | {dheld:+.3f} |"
              for name, cv, dcv, held, dheld in ablation_rows(r)]
    lines += [
        "",
        (f"Grade-0 check: a measure graded 0 in the top {TOP} while a measure graded ≥ 1 is served below rank "
         f"{TOP} (the table counts the firms). Service default ({r.default_name}): "
         f"{fmt_offences(r.offences(r.default_name))}. Learned: {fmt_offences(r.offences(LEARNED))}."),
    ]
    if r.problems:
        lines += ["", "Label problems: " + "; ".join(r.problems)]
    return "\n".join(lines) + "\n"


def fmt_weights(w: Weights) -> str:
    return (f"relevance {w.relevance:.2f}, value {w.value:.2f}, timeliness {w.timeliness:.2f}, "
            f"specificity {w.specificity:.2f}")


def main() -> int:
    console = Console()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        results = run(progress)
    print_report(console, results)
    report.replace_section(SECTION, markdown(results), report.RESULTS)
    console.print(f"Wrote the '{SECTION}' section of {report.RESULTS}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
