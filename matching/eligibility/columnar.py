"""Columnar eligibility: many measures against many firms in a few numpy operations.

The criteria of every measure are flattened into nodes (leaves and `any_of`/`all_of`
groups). Leaves of one type are evaluated together as arrays of shape
(leaves × firms); groups then take the min (`all_of`) or max (`any_of`) of their
children, deepest first; a measure is the min of its top-level nodes. The same
code checks one profile against a whole catalogue (firms = 1) and one measure
against every stored firm (measures = 1). `matching.eligibility.rules` is the reference
this must agree with; statuses use its `Status` numbers.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matching.eligibility.rules import EPSILON, Status, attestation_field
from matching.firm.facts import Facts
from policies import reference
from policies.criteria import (
    AllOfCriterion,
    AnyOfCriterion,
    AttestationCriterion,
    Criterion,
    DesignationCriterion,
    FlagCriterion,
    IndustryCriterion,
    ManualCriterion,
    NumericCriterion,
    Op,
    RegionCriterion,
    SizeClassCriterion,
)
from policies.vocabulary import Attestation, Designation, FlagField, NumericField, SizeClass

NUMERIC = list(NumericField)
FLAGS = list(FlagField)
DESIGNATIONS = list(Designation)
ATTESTATIONS = list(Attestation)
SIZES = list(SizeClass)
_NUM_INDEX = {f: i for i, f in enumerate(NUMERIC)}
_FLAG_INDEX = {f: i for i, f in enumerate(FLAGS)}
_DES_INDEX = {d: i for i, d in enumerate(DESIGNATIONS)}
_ATT_INDEX = {a: i for i, a in enumerate(ATTESTATIONS)}
_SIZE_INDEX = {s: i for i, s in enumerate(SIZES)}
_OPS = {op: i for i, op in enumerate(Op)}
FAIL, UNKNOWN, CONFIRM, PASS = (int(s) for s in (Status.fail, Status.unknown, Status.confirm, Status.passed))
_NO_DATE_LOW, _NO_DATE_HIGH = -(2**31), 2**31

Int8Array = npt.NDArray[np.int8]


def _ordinal(day: dt.date | None, default: int) -> int:
    return day.toordinal() if day is not None else default


@dataclass
class FirmColumns:
    """Facts of a batch of firms, one row each; NaN or -1 where a fact is unknown."""

    numbers: npt.NDArray[np.float64]  # firms × numeric fields
    flags: Int8Array  # firms × flags: -1 unknown, 0 no, 1 yes
    ancestors: npt.NDArray[np.int64]  # firms × 4 region codes (self up to the nation), -1 padded
    prefix_vocab: dict[str, int]  # every industry-code prefix any firm has, numbered
    prefix_ids: npt.NDArray[np.int64]  # firms × prefixes of their industry codes, -1 padded
    has_industry: npt.NDArray[np.bool_]
    held: npt.NDArray[np.bool_]  # firms × designations
    awarded: npt.NDArray[np.float64]  # firms × designations, ordinal day or NaN
    size: Int8Array  # index into SIZES, -1 unknown
    attested: npt.NDArray[np.bool_]  # firms × attestations
    # Rare, per-measure facts held sparsely: a confirmed condition or a per-scheme
    # declaration, keyed as the compiled nodes key them, with the rows that have it.
    declared: dict[tuple[str, str, str], npt.NDArray[np.int64]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return int(self.numbers.shape[0])

    def numbers_of(self, fields: Sequence[NumericField]) -> npt.NDArray[np.float64]:
        """Firms × the given numeric facts, NaN where unknown."""
        return self.numbers[:, [_NUM_INDEX[wanted] for wanted in fields]]

    @classmethod
    def from_facts(cls, batch: Sequence[Facts]) -> "FirmColumns":
        n = len(batch)
        numbers = np.full((n, len(NUMERIC)), np.nan)
        flags = np.full((n, len(FLAGS)), -1, dtype=np.int8)
        ancestors = np.full((n, 4), -1, dtype=np.int64)
        held = np.zeros((n, len(DESIGNATIONS)), dtype=bool)
        awarded = np.full((n, len(DESIGNATIONS)), np.nan)
        size = np.full(n, -1, dtype=np.int8)
        attested = np.zeros((n, len(ATTESTATIONS)), dtype=bool)
        prefixes: list[set[str]] = []
        declared: dict[tuple[str, str, str], list[int]] = {}
        for row, facts in enumerate(batch):
            for measure, condition in facts.confirmed:
                declared.setdefault(("confirm", measure, condition), []).append(row)
            for attestation, scheme in facts.scheme_attestations:
                declared.setdefault(("attest", attestation.value, scheme), []).append(row)
            for f, value in facts.numbers.items():
                if value is not None:
                    numbers[row, _NUM_INDEX[f]] = value
            for flag, known in facts.flags.items():
                if known is not None:
                    flags[row, _FLAG_INDEX[flag]] = int(known)
            chain = [int(code) for code in reference.region_ancestors(facts.region)]
            ancestors[row, : len(chain)] = chain
            for designation, day in facts.designations.items():
                held[row, _DES_INDEX[designation]] = True
                if day is not None:
                    awarded[row, _DES_INDEX[designation]] = day.toordinal()
            if facts.size_class is not None:
                size[row] = _SIZE_INDEX[facts.size_class]
            for attestation in facts.attestations:
                attested[row, _ATT_INDEX[attestation]] = True
            prefixes.append({code[:k] for code in facts.industries for k in range(1, len(code) + 1)})
        vocab = {prefix: i for i, prefix in enumerate(sorted(set().union(*prefixes)))}
        prefix_ids = np.full((n, max((len(p) for p in prefixes), default=0) or 1), -1, dtype=np.int64)
        for row, own in enumerate(prefixes):
            prefix_ids[row, : len(own)] = sorted(vocab[p] for p in own)
        has_industry = np.array([bool(p) for p in prefixes], dtype=bool)
        return cls(numbers, flags, ancestors, vocab, prefix_ids, has_industry, held, awarded, size, attested,
                   {key: np.array(rows, dtype=np.int64) for key, rows in declared.items()})


@dataclass
class _Builder:
    """Collects the flattened nodes while walking each measure's criteria."""

    measure: list[int] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    depth: list[int] = field(default_factory=list)
    group: list[int] = field(default_factory=list)  # 0 leaf, 1 all_of, 2 any_of
    eff_from: list[int] = field(default_factory=list)
    eff_to: list[int] = field(default_factory=list)
    leaves: dict[str, list[tuple[int, Criterion]]] = field(default_factory=dict)
    labels: list[str | None] = field(default_factory=list)
    keys: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)  # declared-fact key → nodes
    criteria: list[Criterion] = field(default_factory=list)

    def add(self, criterion: Criterion, measure: int, parent: int, depth: int, code: str = "") -> None:
        node = len(self.measure)
        self.measure.append(measure)
        self.parent.append(parent)
        self.depth.append(depth)
        self.eff_from.append(_ordinal(criterion.effective_from, _NO_DATE_LOW))
        self.eff_to.append(_ordinal(criterion.effective_to, _NO_DATE_HIGH))
        self.labels.append(unknown_field(criterion, code))
        self.criteria.append(criterion)
        key = declared_key(criterion, code)
        if key is not None:
            self.keys.setdefault(key, []).append(node)
        if isinstance(criterion, AnyOfCriterion | AllOfCriterion):
            self.group.append(2 if isinstance(criterion, AnyOfCriterion) else 1)
            for child in criterion.criteria:
                self.add(child, measure, node, depth + 1, code)
        else:
            self.group.append(0)
            self.leaves.setdefault(criterion.type, []).append((node, criterion))


class CompiledCriteria:
    """The criteria of a list of measures, compiled to arrays once and evaluated many times."""

    def __init__(self, criteria_by_measure: Sequence[Sequence[Criterion]], codes: Sequence[str] = ()) -> None:
        """`codes` name the measures, as confirmations and per-scheme declarations do."""
        builder = _Builder()
        for index, criteria in enumerate(criteria_by_measure):
            code = codes[index] if codes else ""
            for criterion in criteria:
                builder.add(criterion, index, -1, 0, code)
        self.n_measures = len(criteria_by_measure)
        self.n_nodes = len(builder.measure)
        self.node_measure = np.array(builder.measure, dtype=np.int64)
        self.node_parent = np.array(builder.parent, dtype=np.int64)
        self.node_depth = np.array(builder.depth, dtype=np.int64)
        self.node_group = np.array(builder.group, dtype=np.int8)
        self.eff_from = np.array(builder.eff_from, dtype=np.int64)
        self.eff_to = np.array(builder.eff_to, dtype=np.int64)
        self.max_depth = int(self.node_depth.max()) if self.n_nodes else 0
        self.top = np.flatnonzero(self.node_parent == -1)
        self.node_field = builder.labels
        self.node_criterion = builder.criteria
        self.codes = list(codes) if codes else [""] * self.n_measures
        self.labelled = (self.node_group == 0) & np.array([label is not None for label in builder.labels] or [False],
                                                           dtype=bool)[: self.n_nodes]
        self.keyed = {key: np.array(nodes, dtype=np.int64) for key, nodes in builder.keys.items()}
        self._plan_reductions()
        self._compile_leaves(builder.leaves)

    def _plan_reductions(self) -> None:
        """Precompute, deepest level first, which children reduce into which groups.

        Nodes are numbered depth first, so at any one depth the children of a group
        are contiguous and in parent order: each level reduces with one `reduceat`.
        """
        self.leaf_nodes = np.flatnonzero(self.node_group == 0)
        self.dated = np.flatnonzero((self.eff_from > _NO_DATE_LOW) | (self.eff_to < _NO_DATE_HIGH))
        self.levels: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64],
                                npt.NDArray[np.bool_]]] = []
        for depth in range(self.max_depth, 0, -1):
            children = np.flatnonzero(self.node_depth == depth)
            parents = self.node_parent[children]
            starts = np.flatnonzero(np.r_[True, parents[1:] != parents[:-1]])
            groups = parents[starts]
            self.levels.append((children, starts, groups, self.node_group[groups] == 1))
        owners = self.node_measure[self.top]
        self.top_starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if len(owners) else owners
        self.top_measures = owners[self.top_starts] if len(owners) else owners

    def _compile_leaves(self, leaves: dict[str, list[tuple[int, Criterion]]]) -> None:
        numeric = [(n, c) for n, c in leaves.get("numeric", []) if isinstance(c, NumericCriterion)]
        self.num_node = np.array([n for n, _ in numeric], dtype=np.int64)
        self.num_field = np.array([_NUM_INDEX[c.field] for _, c in numeric], dtype=np.int64)
        self.num_op = np.array([_OPS[c.op] for _, c in numeric], dtype=np.int64)
        self.num_low = np.array([np.nan if c.low is None else c.low for _, c in numeric], dtype=np.float64)
        self.num_high = np.array([np.nan if c.high is None else c.high for _, c in numeric], dtype=np.float64)

        flags = [(n, c) for n, c in leaves.get("flag", []) if isinstance(c, FlagCriterion)]
        self.flag_node = np.array([n for n, _ in flags], dtype=np.int64)
        self.flag_field = np.array([_FLAG_INDEX[c.field] for _, c in flags], dtype=np.int64)
        self.flag_value = np.array([int(c.value) for _, c in flags], dtype=np.int8)

        regions = [(n, c) for n, c in leaves.get("region_in", []) if isinstance(c, RegionCriterion)]
        self.region_node = np.array([n for n, _ in regions], dtype=np.int64)
        self.region_codes = np.array([int(code) for _, c in regions for code in c.codes], dtype=np.int64)
        self.region_starts = _starts([len(c.codes) for _, c in regions])

        industries = [(n, c) for n, c in leaves.get("industry_in", []) if isinstance(c, IndustryCriterion)]
        self.industry_node = np.array([n for n, _ in industries], dtype=np.int64)
        self.industry_exclude = np.array([c.exclude for _, c in industries], dtype=bool)
        self.industry_codes = [code for _, c in industries for code in c.codes]
        self.industry_vocab = {code: i for i, code in enumerate(sorted(set(self.industry_codes)))}
        self.industry_code_ids = np.array([self.industry_vocab[code] for code in self.industry_codes], dtype=np.int64)
        self.industry_starts = _starts([len(c.codes) for _, c in industries])

        titles = [(n, c) for n, c in leaves.get("designation", []) if isinstance(c, DesignationCriterion)]
        self.des_node = np.array([n for n, _ in titles], dtype=np.int64)
        self.des_index = np.array([_DES_INDEX[c.designation] for _, c in titles], dtype=np.int64)
        self.des_held = np.array([c.held for _, c in titles], dtype=bool)
        self.des_ranged = np.array([c.awarded_from is not None or c.awarded_to is not None for _, c in titles],
                                   dtype=bool)
        self.des_from = np.array([_ordinal(c.awarded_from, _NO_DATE_LOW) for _, c in titles], dtype=np.float64)
        self.des_to = np.array([_ordinal(c.awarded_to, _NO_DATE_HIGH) for _, c in titles], dtype=np.float64)

        sizes = [(n, c) for n, c in leaves.get("size_class", []) if isinstance(c, SizeClassCriterion)]
        self.size_node = np.array([n for n, _ in sizes], dtype=np.int64)
        self.size_allowed = np.zeros((len(sizes), len(SIZES)), dtype=bool)
        for row, (_, c) in enumerate(sizes):
            for size in c.classes:
                self.size_allowed[row, _SIZE_INDEX[size]] = True

        attests = [(n, c) for n, c in leaves.get("attestation", []) if isinstance(c, AttestationCriterion)]
        self.att_node = np.array([n for n, _ in attests], dtype=np.int64)
        self.att_index = np.array([_ATT_INDEX[c.attestation] for _, c in attests], dtype=np.int64)

        manual = [n for n, c in leaves.get("manual", []) if isinstance(c, ManualCriterion)]
        self.manual_node = np.array(manual, dtype=np.int64)

    def evaluate(self, firms: FirmColumns, as_of: dt.date) -> Int8Array:
        """The worst status of each measure for each firm: an array of measures × firms."""
        return self.evaluate_nodes(firms, as_of)[1]

    def evaluate_nodes(self, firms: FirmColumns, as_of: dt.date) -> tuple[Int8Array, Int8Array]:
        """Statuses of every criterion node (nodes × firms) and of every measure (measures × firms)."""
        n_firms = firms.count
        status = np.full((self.n_nodes, n_firms), PASS, dtype=np.int8)
        self._numeric(status, firms)
        self._flags(status, firms)
        self._regions(status, firms)
        self._industries(status, firms)
        self._designations(status, firms)
        self._sizes(status, firms)
        status[self.att_node] = np.where(firms.attested[:, self.att_index].T, PASS, UNKNOWN)
        status[self.manual_node] = CONFIRM
        for key, rows in firms.declared.items():
            nodes = self.keyed.get(key)
            if nodes is not None:
                status[np.ix_(nodes, rows)] = PASS
        day = as_of.toordinal()
        dormant = np.zeros(self.n_nodes, dtype=bool)
        dormant[self.dated] = (self.eff_from[self.dated] > day) | (self.eff_to[self.dated] < day)
        status[self.leaf_nodes[dormant[self.leaf_nodes]]] = PASS
        for children, starts, groups, is_all in self.levels:
            values = status[children]
            combined = np.where(
                is_all[:, None], np.minimum.reduceat(values, starts, axis=0), np.maximum.reduceat(values, starts, axis=0)
            )
            status[groups] = np.where(dormant[groups, None], PASS, combined)
        result = np.full((self.n_measures, n_firms), PASS, dtype=np.int8)
        if len(self.top):
            result[self.top_measures] = np.minimum.reduceat(status[self.top], self.top_starts, axis=0)
        return status, result

    def blocking(self, status: Int8Array, measures: npt.NDArray[np.int64]) -> dict[int, list[tuple[str, Criterion]]]:
        """For possibly-eligible measures, what keeps each undecided: a missing fact or an unconfirmed condition.

        Each comes with its name (the profile field, declaration or condition to settle)
        and its criterion. A leaf counts only when every group above it has its status,
        as `rules.decisive` reads it: an unknown inside an `any_of` that another branch
        already passes changes nothing.
        """
        found: dict[int, list[tuple[str, Criterion]]] = {}
        for node in self.blocking_nodes(status, measures).tolist():
            found.setdefault(int(self.node_measure[node]), []).append((str(self.node_field[node]),
                                                                      self.node_criterion[node]))
        return found

    def blocking_nodes(self, status: Int8Array, measures: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """`blocking` as leaf node numbers, in node order, for callers that tally thousands of them with numpy."""
        wanted = np.zeros(self.n_measures, dtype=bool)
        wanted[measures] = True
        node_status = status[:, 0]
        open_ = (node_status == UNKNOWN) | (node_status == CONFIRM)
        relevant = np.zeros(self.n_nodes, dtype=bool)
        relevant[self.top] = wanted[self.node_measure[self.top]] & open_[self.top]
        for children, _, _, _ in reversed(self.levels):  # shallowest first: a parent is settled before its children
            parents = self.node_parent[children]
            relevant[children] = relevant[parents] & (node_status[children] == node_status[parents])
        return np.flatnonzero(relevant & self.labelled)

    def _numeric(self, status: Int8Array, firms: FirmColumns) -> None:
        if not len(self.num_node):
            return
        values = firms.numbers[:, self.num_field].T  # leaves × firms
        low, high = self.num_low[:, None], self.num_high[:, None]
        tol_low = EPSILON * np.maximum(1.0, np.abs(low))
        tol_high = EPSILON * np.maximum(1.0, np.abs(high))
        op = self.num_op[:, None]
        with np.errstate(invalid="ignore"):
            inclusive = (np.isnan(low) | (values >= low - tol_low)) & (np.isnan(high) | (values <= high + tol_high))
            strict_gt = values > low + tol_low
            strict_lt = values < high - tol_high
        ok = np.where(op == _OPS[Op.gt], strict_gt, np.where(op == _OPS[Op.lt], strict_lt, inclusive))
        status[self.num_node] = np.where(np.isnan(values), UNKNOWN, np.where(ok, PASS, FAIL))

    def _flags(self, status: Int8Array, firms: FirmColumns) -> None:
        values = firms.flags[:, self.flag_field].T
        status[self.flag_node] = np.where(
            values < 0, UNKNOWN, np.where(values == self.flag_value[:, None], PASS, FAIL)
        )

    def _regions(self, status: Int8Array, firms: FirmColumns) -> None:
        if not len(self.region_node):
            return
        hits = (self.region_codes[:, None, None] == firms.ancestors[None, :, :]).any(axis=2)
        inside = np.logical_or.reduceat(hits, self.region_starts, axis=0)
        status[self.region_node] = np.where(inside, PASS, FAIL)

    def _industries(self, status: Int8Array, firms: FirmColumns) -> None:
        if not len(self.industry_node):
            return
        codes, own = self._industry_ids(firms)
        hits = (codes[:, None, None] == own[None, :, :]).any(axis=2)
        inside = np.logical_or.reduceat(hits, self.industry_starts, axis=0)
        ok = inside != self.industry_exclude[:, None]
        status[self.industry_node] = np.where(~firms.has_industry[None, :], UNKNOWN, np.where(ok, PASS, FAIL))

    def _industry_ids(self, firms: FirmColumns) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Criterion codes and firm prefixes in one numbering, translating whichever vocabulary is smaller.

        One firm against a catalogue has a dozen prefixes; one measure against a million
        firms has a few codes. Unmatched codes become -2, which no prefix (or -1 padding) equals.
        """
        if len(firms.prefix_vocab) <= len(self.industry_vocab):
            translate = np.array([self.industry_vocab.get(p, -2) for p in firms.prefix_vocab] or [-2], dtype=np.int64)
            own = np.where(firms.prefix_ids >= 0, translate[np.maximum(firms.prefix_ids, 0)], -1)
            return self.industry_code_ids, own
        codes = np.array([firms.prefix_vocab.get(code, -2) for code in self.industry_codes], dtype=np.int64)
        return codes, firms.prefix_ids

    def _designations(self, status: Int8Array, firms: FirmColumns) -> None:
        if not len(self.des_node):
            return
        has = firms.held[:, self.des_index].T  # leaves × firms
        day = firms.awarded[:, self.des_index].T
        with np.errstate(invalid="ignore"):
            in_range = (day >= self.des_from[:, None]) & (day <= self.des_to[:, None])
        ranged = np.where(np.isnan(day), UNKNOWN, np.where(in_range, PASS, FAIL))
        when_held = np.where(~has, FAIL, np.where(self.des_ranged[:, None], ranged, PASS))
        when_not_held = np.where(has, FAIL, PASS)
        status[self.des_node] = np.where(self.des_held[:, None], when_held, when_not_held)

    def _sizes(self, status: Int8Array, firms: FirmColumns) -> None:
        if not len(self.size_node):
            return
        known = firms.size >= 0
        allowed = self.size_allowed[:, np.where(known, firms.size, 0)]  # leaves × firms
        status[self.size_node] = np.where(~known[None, :], UNKNOWN, np.where(allowed, PASS, FAIL))


def tiers(worst: Int8Array) -> Int8Array:
    """Verdicts as numbers: 0 eligible (every condition passes), 1 possibly eligible, 2 ineligible."""
    tier: Int8Array = (2 - (worst > FAIL) - (worst == PASS)).astype(np.int8)
    return tier


def declared_key(criterion: Criterion, code: str) -> tuple[str, str, str] | None:
    """How a per-measure fact that passes this criterion is keyed in `FirmColumns.declared`."""
    if isinstance(criterion, ManualCriterion):
        return ("confirm", code, criterion.key)
    if isinstance(criterion, AttestationCriterion) and (scheme := criterion.scheme_for(code)):
        return ("attest", criterion.attestation.value, scheme)
    return None


def unknown_field(criterion: Criterion, code: str = "") -> str | None:
    """What a criterion waits for when it is undecided, named as the scalar evaluator names it."""
    match criterion:
        case ManualCriterion():
            return f"confirmations.{criterion.key}"
        case NumericCriterion() | FlagCriterion():
            return criterion.field.value
        case IndustryCriterion():
            return "industries"
        case DesignationCriterion():
            return f"designations.{criterion.designation.value}.awarded"
        case SizeClassCriterion():
            return "size_class"
        case AttestationCriterion():
            return attestation_field(criterion, code)
    return None


def _starts(lengths: list[int]) -> npt.NDArray[np.int64]:
    """Offsets of each leaf's first code in the flat code array, for reduceat."""
    return np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64) if lengths else np.zeros(0, np.int64)
