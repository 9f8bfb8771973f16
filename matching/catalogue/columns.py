"""Per-measure columns for the match hot path: kind, level, window, industries and benefit terms.

At 100,000 measures a Python loop over measures costs more than everything else
in a match together, so filters, window states, values and specificity are
computed here as arrays. `matching.ranking.windows`, `matching.ranking.benefit` and
`matching.ranking.fusion.specificity` stay the readable references; tests hold these
columns to them.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import assert_never

import numpy as np
import numpy.typing as npt

from matching.catalogue.view import MeasureView
from matching.firm.facts import Facts
from matching.ranking import priors
from matching.ranking.benefit import (
    HIGH_TECH_TAX_RATE,
    MARKET_LOAN_RATE,
    PROFILE_BASE,
    SMALL_LOW_PROFIT_ASSETS,
    SMALL_LOW_PROFIT_INCOME,
    SMALL_LOW_PROFIT_RATE,
    SMALL_LOW_PROFIT_STAFF,
    STANDARD_TAX_RATE,
    financing_spread,
)
from matching.ranking.fusion import LEVEL_SPECIFICITY
from matching.ranking.windows import WindowStatus
from policies import reference
from policies.criteria import AllOfCriterion, AnyOfCriterion, Criterion, DesignationCriterion
from policies.terms import (
    FinancingBenefit,
    FixedBenefit,
    InKindBenefit,
    InterestSubsidyBenefit,
    PercentageBenefit,
    TaxBenefit,
)
from policies.vocabulary import (
    Designation,
    Level,
    MeasureKind,
    NumericField,
    SizeClass,
    TaxBase,
    TaxRelief,
    WindowMode,
)

Floats = npt.NDArray[np.float64]
KINDS = list(MeasureKind)
LEVELS = list(Level)
WINDOW_CODES: tuple[WindowStatus, ...] = ("closed", "not_yet_open", "automatic", "closing_soon", "open")
_LOW, _HIGH = -(2**40), 2**40
_FIXED, _PERCENT, _INTEREST, _FINANCING, _IN_KIND, _DEDUCTION, _REDUCED_RATE, _OTHER_TAX = range(8)
_PRIOR_FIELDS = (NumericField.rd_expense, NumericField.planned_investment, NumericField.loan_need,
                 priors.TAXABLE_INCOME)
# Which fact a percentage is taken of: 0 R&D expense, 1 planned investment, 2 interest on the loan, 3 none known.
_BASES = {base: _PRIOR_FIELDS.index(field) for base, field in PROFILE_BASE.items()}
# One row per size class in `list(SizeClass)` order (as FirmColumns numbers them), then one for an unknown size.
_PRIORS = np.array([[priors.prior(field, size) for field in _PRIOR_FIELDS] for size in [*SizeClass, None]],
                   dtype=np.float64)

# The firm facts a benefit's value reads, in the order `_value` reads them, before the two
# columns `firm_inputs` adds: holds a high-tech certificate (0/1) and the row of `_PRIORS`.
BASE_FIELDS = (NumericField.rd_expense, NumericField.planned_investment, NumericField.loan_need,
               NumericField.operating_revenue, NumericField.net_profit_margin, NumericField.employees,
               NumericField.total_assets)



def firm_inputs(numbers: Floats, high_tech: npt.NDArray[np.bool_], sizes: npt.NDArray[np.int8]) -> Floats:
    """Firms × what `_value` reads: BASE_FIELDS (NaN when unknown), the high-tech flag, the prior row.

    `sizes` numbers each firm's size class in `list(SizeClass)` order, -1 when unknown.
    """
    return np.column_stack([numbers, high_tech.astype(np.float64), np.where(sizes >= 0, sizes, len(SizeClass))])


def facts_inputs(facts: Facts) -> Floats:
    """`firm_inputs` for one firm."""
    numbers = np.array([[_nan_if_none(facts.numbers[field]) for field in BASE_FIELDS]])
    size = -1 if facts.size_class is None else list(SizeClass).index(facts.size_class)
    return firm_inputs(numbers, np.array([Designation.high_tech_enterprise in facts.designations]),
                       np.array([size], dtype=np.int8))


def _capped(value: Floats, cap: Floats) -> Floats:
    return np.where(~np.isnan(cap) & (value > cap), cap, value)


def _nan_if_none(value: float | None) -> float:
    return np.nan if value is None else float(value)


@dataclass(frozen=True)
class MeasureColumns:
    kind: npt.NDArray[np.int8]
    level: npt.NDArray[np.int8]
    opens: npt.NDArray[np.int64]
    closes: npt.NDArray[np.int64]
    automatic: npt.NDArray[np.bool_]
    level_score: Floats
    industry_vocab: dict[str, int]
    industry_ids: npt.NDArray[np.int64]
    industry_measure: npt.NDArray[np.int64]
    industry_length: npt.NDArray[np.int64]
    benefit_type: npt.NDArray[np.int8]
    amount: Floats  # fixed amount, financing ceiling, or in-kind estimate; NaN when none
    rate: Floats
    base: npt.NDArray[np.int8]
    cap: Floats
    cap_per_year: Floats
    years: Floats
    minimum: Floats  # min_base or min_loan
    flag: Floats  # a fixed sum's up_to; a tax relief's base being an income (1.0 or 0.0)
    group: npt.NDArray[np.int64]  # exclusivity group number, -1 for none
    scheme: npt.NDArray[np.int64]  # number of the scheme it implements, -1 for none
    headline: Floats  # the amount a person reads first: the sum, cap or ceiling; NaN when none
    requires: dict[Designation, npt.NDArray[np.bool_]]  # measures whose criteria ask for the title held
    place_codes: npt.NDArray[np.int64]  # jurisdiction codes, flat
    place_measure: npt.NDArray[np.int64]
    code_rank: npt.NDArray[np.int64]  # position in code order: the final tie-break
    # Window codes by (day, soon_days): every match of a day asks for the same ones.
    _windows: dict[tuple[int, int], npt.NDArray[np.int8]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_views(cls, views: Sequence[MeasureView]) -> "MeasureColumns":
        n = len(views)
        opens = np.full(n, _LOW, dtype=np.int64)
        closes = np.full(n, _HIGH, dtype=np.int64)
        columns: dict[str, list[float]] = {k: [] for k in ("amount", "rate", "cap", "cap_per_year", "years", "minimum",
                                                            "flag")}
        types: list[int] = []
        bases: list[int] = []
        for i, view in enumerate(views):
            start = view.window.opens or view.effective_from
            ends = [d for d in (view.window.closes, view.effective_to) if d is not None]
            if start is not None:
                opens[i] = start.toordinal()
            if ends:
                closes[i] = min(ends).toordinal()
            kind, row, base = _benefit_row(view)
            types.append(kind)
            bases.append(base)
            for key, value in row.items():
                columns[key].append(value)

        def floats(key: str) -> Floats:
            return np.array(columns[key], dtype=np.float64)

        flat = [(i, code) for i, view in enumerate(views) for code in view.industries]
        vocab = {code: n for n, code in enumerate(sorted({code for _, code in flat}))}
        group_names = {name: n for n, name in enumerate(sorted({v.exclusivity_group for v in views
                                                                  if v.exclusivity_group}))}
        scheme_names = {name: n for n, name in enumerate(sorted({v.implements for v in views if v.implements}))}
        places = [(i, int(code)) for i, view in enumerate(views) for code in view.jurisdiction]
        requires = {d: np.zeros(n, dtype=bool) for d in Designation}
        for i, view in enumerate(views):
            for title in _required_titles(view.criteria):
                requires[title][i] = True
        code_order = np.argsort(np.array([view.code for view in views]), kind="stable")
        code_rank = np.empty(n, dtype=np.int64)
        code_rank[code_order] = np.arange(n)
        return cls(
            kind=np.array([KINDS.index(v.kind) for v in views], dtype=np.int8),
            level=np.array([LEVELS.index(v.level) for v in views], dtype=np.int8),
            opens=opens, closes=closes,
            automatic=np.array([v.window.mode is WindowMode.automatic for v in views], dtype=bool),
            level_score=np.array([LEVEL_SPECIFICITY[v.level] for v in views], dtype=np.float64),
            industry_vocab=vocab,
            industry_ids=np.array([vocab[code] for _, code in flat], dtype=np.int64),
            industry_measure=np.array([i for i, _ in flat], dtype=np.int64),
            industry_length=np.array([len(code) for _, code in flat], dtype=np.int64),
            benefit_type=np.array(types, dtype=np.int8),
            base=np.array(bases, dtype=np.int8),
            group=np.array([group_names.get(v.exclusivity_group or "", -1) for v in views], dtype=np.int64),
            scheme=np.array([scheme_names.get(v.implements or "", -1) for v in views], dtype=np.int64),
            code_rank=code_rank,
            headline=np.array([_headline(v) for v in views], dtype=np.float64),
            requires=requires,
            place_codes=np.array([code for _, code in places], dtype=np.int64),
            place_measure=np.array([i for i, _ in places], dtype=np.int64),
            amount=floats("amount"), rate=floats("rate"), cap=floats("cap"), cap_per_year=floats("cap_per_year"),
            years=floats("years"), minimum=floats("minimum"), flag=floats("flag"),
        )

    def window_codes(self, day: int, soon_days: int) -> npt.NDArray[np.int8]:
        """Index into WINDOW_CODES for every measure, exactly as `windows.window_state` decides (read-only)."""
        cached = self._windows.get((day, soon_days))
        if cached is not None:
            return cached
        codes = np.full(len(self.kind), 4, dtype=np.int8)
        codes[self.closes - day <= soon_days] = 3
        codes[self.automatic] = 2
        codes[self.opens > day] = 1
        codes[self.closes < day] = 0
        codes.flags.writeable = False  # shared by every request of the day
        if len(self._windows) >= 8:  # a day or two of requests, with a few closing-soon horizons
            self._windows.clear()
        self._windows[(day, soon_days)] = codes
        return codes

    def window_code(self, index: int, day: int, soon_days: int) -> int:
        """The window code of one measure (see window_codes)."""
        if self.closes[index] < day:
            return 0
        if self.opens[index] > day:
            return 1
        if self.automatic[index]:
            return 2
        return 3 if self.closes[index] - day <= soon_days else 4

    def covers(self, region: str) -> npt.NDArray[np.bool_]:
        """Measures whose jurisdiction encloses the region or lies inside it."""
        enclosing = [int(code) for code in reference.region_ancestors(region)]
        level = reference.region_level(region)
        divisor = {"national": None, "provincial": 10_000, "municipal": 100, "district": 1}[level]
        inside = np.isin(self.place_codes, enclosing)
        if divisor is None:
            inside |= True
        else:
            inside |= self.place_codes // divisor == int(region) // divisor
        result = np.zeros(len(self.kind), dtype=bool)
        result[self.place_measure[inside]] = True
        return result

    def values(self, facts: Facts, subset: npt.NDArray[np.int64] | None = None) -> Floats:
        """The ranking value of each measure (or of those at `subset`, in that order) for this firm,
        as `benefit.ranking_value(benefit.estimate(...))`."""
        return self.worth(facts, subset)[0]

    def worth(self, facts: Facts, subset: npt.NDArray[np.int64] | None = None
              ) -> tuple[Floats, npt.NDArray[np.bool_]]:
        """`values`, and which of them are known to be nothing: money or tax the firm's own facts put at
        zero (a loss-making firm's tax relief, a base below the minimum). Equity and in-kind help are never."""
        value, point = self._value_point(np.arange(len(self.kind)) if subset is None else subset,
                                         facts_inputs(facts))
        return value[0], (point & (value == 0))[0]

    def firm_values(self, index: int, firms: Floats) -> Floats:
        """Measure `index`'s ranking value for each of many firms (`firm_inputs` rows): reverse matching ranks by it."""
        return self._value(np.array([index]), firms)[:, 0]

    def _value(self, measures: npt.NDArray[np.int64], firms: Floats) -> Floats:
        return self._value_point(measures, firms)[0]

    def _value_point(self, measures: npt.NDArray[np.int64], firms: Floats) -> tuple[Floats, npt.NDArray[np.bool_]]:
        """Firms × measures: `benefit.estimate(...).expected`, the one formula behind both directions, and
        whether it is a point estimate of money or tax (not a range, not financing or in-kind help).

        Each branch repeats the scalar module's arithmetic in its order, so the two agree to
        the yuan (tests/matching/catalogue/test_columns.py holds them to it).
        """
        rd, investment, loan, revenue, margin, staff, assets = (firms[:, i:i + 1] for i in range(7))
        high_tech = firms[:, 7:8] > 0
        prior = _PRIORS[firms[:, 8].astype(np.int64)]  # firms × (rd, investment, loan, taxable income)
        kind = self.benefit_type[measures]
        value = np.zeros((len(firms), len(measures)))
        point = np.zeros((len(firms), len(measures)), dtype=bool)
        present = np.bincount(kind, minlength=_OTHER_TAX + 1)
        # Each kind's formula runs on its own measures only: most requests see a few kinds in number.
        for group in (_FIXED, _PERCENT, _INTEREST, _FINANCING, _IN_KIND, _DEDUCTION):
            if group == _DEDUCTION:  # the three tax kinds share one pass
                if not present[_DEDUCTION:].any():
                    continue
                cols = np.flatnonzero(kind >= _DEDUCTION)
            elif not present[group]:
                continue
            else:
                cols = np.flatnonzero(kind == group)
            at = measures[cols]
            amount, rate, cap, cap_per_year = self.amount[at], self.rate[at], self.cap[at], self.cap_per_year[at]
            years, minimum, flag = self.years[at], self.minimum[at], self.flag[at]
            with np.errstate(invalid="ignore"):
                if group == _FIXED:
                    value[:, cols] = np.where(flag > 0, amount / 2, amount)
                elif group == _PERCENT:
                    # Percentages of a profile fact: the fact, else its prior; of anything else: the midpoint.
                    base_index = self.base[at]
                    by_base = np.concatenate([rd, investment, loan * MARKET_LOAN_RATE, np.full_like(rd, np.nan)],
                                             axis=1)
                    guessed = np.concatenate([prior[:, 0:2], prior[:, 2:3] * MARKET_LOAN_RATE,
                                              np.full_like(rd, np.nan)], axis=1)
                    base = by_base[:, base_index]
                    known_pct = np.where(~np.isnan(minimum) & (base < minimum), 0.0,
                                         _capped(_capped(rate * base, cap_per_year) * years, cap))
                    prior_pct = _capped(_capped(rate * guessed[:, base_index], cap_per_year) * years, cap)
                    ceiling = np.where(~np.isnan(cap), cap, cap_per_year * years)
                    midpoint = np.nan_to_num(ceiling / 2, nan=0.0)
                    value[:, cols] = np.where(~np.isnan(base), known_pct,
                                              np.where(base_index < 3, prior_pct, midpoint))
                    point[:, cols] = ~np.isnan(base)
                elif group == _INTEREST:  # `rate` is per yuan of loan a year
                    owed = np.where(~np.isnan(minimum) & (loan < minimum), 0.0,
                                    _capped(rate * loan, cap_per_year) * years)
                    value[:, cols] = np.where(np.isnan(loan), _capped(rate * prior[:, 2:3], cap_per_year) * years,
                                              owed)
                    point[:, cols] = ~np.isnan(loan)
                elif group == _FINANCING:  # `rate` is the spread saved, `amount` the largest principal
                    principal = np.where(np.isnan(loan), np.minimum(prior[:, 2:3], amount), np.minimum(loan, amount))
                    value[:, cols] = principal * rate * years
                elif group == _IN_KIND:
                    value[:, cols] = np.nan_to_num(amount, nan=0.0)
                else:
                    value[:, cols], point[:, cols] = self._tax(
                        kind[cols], rate, cap, cap_per_year, years, flag, rd, revenue, margin, staff, assets,
                        high_tech, prior)
        return np.round(value), point

    @staticmethod
    def _tax(kind: npt.NDArray[np.int8], rate: Floats, cap: Floats, cap_per_year: Floats, years: Floats,
             on_income: Floats, rd: Floats, revenue: Floats, margin: Floats, staff: Floats, assets: Floats,
             high_tech: npt.NDArray[np.bool_], prior: Floats) -> tuple[Floats, npt.NDArray[np.bool_]]:
        """Tax saved, as `benefit.tax_position` and the tax branches of `benefit.estimate` reckon it, and
        whether that is a point estimate."""
        income = revenue * margin
        small = ((income <= SMALL_LOW_PROFIT_INCOME) & (staff <= SMALL_LOW_PROFIT_STAFF)
                 & (assets <= SMALL_LOW_PROFIT_ASSETS))
        firm_rate = np.where(high_tech, HIGH_TECH_TAX_RATE,
                             np.where(np.isnan(income), np.nan, np.where(small, SMALL_LOW_PROFIT_RATE,
                                                                          STANDARD_TAX_RATE)))
        loss = income < 0
        top_rate = np.where(np.isnan(firm_rate), STANDARD_TAX_RATE, firm_rate)
        # Extra deductions of R&D expense.
        used = np.minimum(rate * rd, income)
        exact = _capped(used * firm_rate, cap_per_year) * years
        spend_known = rate * rd * top_rate * years / 2
        spend_unknown = rate * prior[:, 0:1] * top_rate / 2
        deduction = np.where(~np.isnan(rd) & ~np.isnan(income) & ~np.isnan(firm_rate), exact,
                             np.where(np.isnan(rd), spend_unknown, spend_known))
        # Reduced rates on taxable income, up to `cap` of it.
        gap = STANDARD_TAX_RATE - rate
        def covered(base: Floats) -> Floats:
            return np.where(np.isnan(cap), base, np.minimum(base, cap))
        reduced = np.where(np.isnan(income), _capped(gap * covered(prior[:, 3:4]), cap_per_year) * years,
                           _capped(gap * covered(income), cap_per_year) * years)
        # Exemptions and credits on bases no profile holds: the midpoint of what `cap` of the base is worth.
        per_year = rate * cap * np.where(on_income > 0, STANDARD_TAX_RATE, 1.0)
        per_year = np.where(np.isnan(cap_per_year), per_year,
                            np.where(np.isnan(per_year), cap_per_year, np.minimum(per_year, cap_per_year)))
        other = np.nan_to_num(per_year * years / 2, nan=0.0)
        by_relief = np.select([kind == _DEDUCTION, kind == _REDUCED_RATE], [deduction, reduced], default=other)
        lost = loss & ((kind == _DEDUCTION) | (kind == _REDUCED_RATE) | (on_income > 0))
        exact_deduction = ~np.isnan(rd) & ~np.isnan(income) & ~np.isnan(firm_rate)
        point = lost | ((kind == _DEDUCTION) & exact_deduction) | ((kind == _REDUCED_RATE) & ~np.isnan(income))
        return np.where(lost, 0.0, by_relief), point

    @cached_property
    def _industry_rows(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The industry rows grouped by code: row numbers in code order, and where each code's run starts.

        A firm has a handful of prefixes; reading only their rows beats scanning every
        measure's codes (78,000 rows at 100,000 measures) on each match.
        """
        order = np.argsort(self.industry_ids, kind="stable")
        starts = np.searchsorted(self.industry_ids[order], np.arange(len(self.industry_vocab) + 1))
        return order.astype(np.int64), starts.astype(np.int64)

    def specificity(self, firm_industries: tuple[str, ...], subset: npt.NDArray[np.int64] | None = None) -> Floats:
        """As `ranking.specificity` for every measure (or those at `subset`, in that order): level, plus a
        bonus for naming the firm's industry."""
        best = np.zeros(len(self.kind), dtype=np.int64)
        prefixes = {own[:k] for own in firm_industries for k in range(1, len(own) + 1)}
        # The firm's own prefixes, shortest first: a longer matching code overwrites a shorter one's length.
        order, starts = self._industry_rows
        for prefix in sorted(prefixes, key=len):
            code = self.industry_vocab.get(prefix)
            if code is not None:
                best[self.industry_measure[order[starts[code]:starts[code + 1]]]] = len(prefix)
        level = self.level_score
        if subset is not None:
            best, level = best[subset], level[subset]
        bonus = np.where(best >= 3, 0.25, np.where(best > 0, 0.1, 0.0))
        return (level + bonus) / 1.25


def _benefit_row(view: MeasureView) -> tuple[int, dict[str, float], int]:
    benefit = view.benefit
    row = {"amount": np.nan, "rate": np.nan, "cap": np.nan, "cap_per_year": np.nan, "years": 1.0, "minimum": np.nan,
           "flag": 0.0}
    if isinstance(benefit, FixedBenefit):
        return _FIXED, row | {"amount": float(benefit.amount), "flag": float(benefit.up_to)}, 3
    if isinstance(benefit, PercentageBenefit):
        return _PERCENT, row | {
            "rate": benefit.rate, "cap": _nan_if_none(benefit.cap), "cap_per_year": _nan_if_none(benefit.cap_per_year),
            "years": float(benefit.years), "minimum": _nan_if_none(benefit.min_base),
        }, _BASES.get(benefit.base, 3)
    if isinstance(benefit, InterestSubsidyBenefit):
        per_yuan = (benefit.share_of_interest * MARKET_LOAN_RATE if benefit.share_of_interest is not None
                    else benefit.rate or 0.0)
        return _INTEREST, row | {
            "rate": per_yuan, "cap_per_year": _nan_if_none(benefit.cap_per_year), "years": float(benefit.years),
            "minimum": _nan_if_none(benefit.min_loan),
        }, 3
    if isinstance(benefit, FinancingBenefit):
        return _FINANCING, row | {"amount": float(benefit.max_amount), "rate": financing_spread(benefit),
                                  "years": float(benefit.years)}, 3
    if isinstance(benefit, TaxBenefit):
        kind = {TaxRelief.extra_deduction: _DEDUCTION, TaxRelief.reduced_rate: _REDUCED_RATE}.get(
            benefit.relief, _OTHER_TAX)
        return kind, row | {"rate": benefit.rate, "cap": _nan_if_none(benefit.base_cap),
                            "cap_per_year": _nan_if_none(benefit.cap_per_year), "years": float(benefit.years),
                            "flag": float(benefit.base is TaxBase.tech_transfer_income)}, 3
    if isinstance(benefit, InKindBenefit):
        return _IN_KIND, row | {"amount": _nan_if_none(benefit.estimated_value)}, 3
    assert_never(benefit)


def _required_titles(criteria: Sequence[Criterion]) -> set[Designation]:
    """Titles a measure asks the firm to hold, anywhere in its criteria."""
    found: set[Designation] = set()
    for criterion in criteria:
        if isinstance(criterion, DesignationCriterion) and criterion.held:
            found.add(criterion.designation)
        elif isinstance(criterion, AnyOfCriterion | AllOfCriterion):
            found |= _required_titles(criterion.criteria)
    return found


def _headline(view: MeasureView) -> float:
    benefit = view.benefit
    if isinstance(benefit, FixedBenefit):
        return float(benefit.amount)
    if isinstance(benefit, PercentageBenefit):
        return _nan_if_none(benefit.ceiling)
    if isinstance(benefit, InterestSubsidyBenefit):
        return _nan_if_none(benefit.ceiling)
    if isinstance(benefit, FinancingBenefit):
        return float(benefit.max_amount)
    if isinstance(benefit, TaxBenefit):
        return np.nan
    return _nan_if_none(benefit.estimated_value)
