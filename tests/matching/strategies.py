"""Hypothesis strategies for criteria and firm facts, biased towards boundaries."""

import datetime as dt

from hypothesis import strategies as st

from matching.firm.facts import Facts
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

# A few values on and around every bound, so "≥ 0.03" meets exactly 0.03 and 0.0299999.
BOUNDS = [0.0, 0.03, 0.5, 3.0, 20.0, 1_000_000.0]
VALUES = st.sampled_from(BOUNDS + [b * (1 + d) for b in BOUNDS for d in (1e-12, -1e-6, 1e-6)] + [-1.0, 7.5])
REGIONS = ["330302", "330300", "330000", "510108", "510100", "510000", "000000", "440307"]
INDUSTRIES = ["C", "C35", "C358", "C3581", "C34", "I65", "I6513", "M73"]
DAYS = st.sampled_from([dt.date(2022, 8, 1), dt.date(2024, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 11, 22)])
FRACTIONS = {NumericField.rd_ratio, NumericField.debt_ratio}


def _effective() -> st.SearchStrategy[dict[str, dt.date]]:
    return st.fixed_dictionaries({}, optional={"effective_from": DAYS, "effective_to": DAYS}).filter(
        lambda d: not (d.get("effective_from") and d.get("effective_to") and d["effective_to"] < d["effective_from"])
    )


@st.composite
def numeric(draw: st.DrawFn) -> NumericCriterion:
    field = draw(st.sampled_from([NumericField.employees, NumericField.rd_ratio, NumericField.operating_revenue,
                                  NumericField.debt_ratio, NumericField.age_years]))
    op = draw(st.sampled_from(list(Op)))
    pool = [0.0, 0.03, 0.5] if field in FRACTIONS else BOUNDS
    extra = draw(_effective())
    if op is Op.between:
        low, high = sorted(draw(st.lists(st.sampled_from(pool), min_size=2, max_size=2)))
        return NumericCriterion(type="numeric", field=field, op=op, min=low, max=high, **extra)
    return NumericCriterion(type="numeric", field=field, op=op, value=draw(st.sampled_from(pool)), **extra)


def _leaf() -> st.SearchStrategy[Criterion]:
    designation = st.builds(
        lambda d, held, start, end: DesignationCriterion(
            type="designation", designation=d, held=held,
            awarded_from=start if held else None, awarded_to=end if held and end and (not start or end >= start) else None,
        ),
        st.sampled_from([Designation.innovative_sme, Designation.specialized_sme, Designation.little_giant]),
        st.booleans(), st.none() | DAYS, st.none() | DAYS,
    )
    return st.one_of(
        numeric(),
        st.builds(lambda f, v: FlagCriterion(type="flag", field=f, value=v), st.sampled_from(list(FlagField)),
                  st.booleans()),
        st.builds(lambda c: RegionCriterion(type="region_in", codes=c),
                  st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3)),
        st.builds(lambda c, x: IndustryCriterion(type="industry_in", codes=c, exclude=x),
                  st.lists(st.sampled_from(INDUSTRIES), min_size=1, max_size=3), st.booleans()),
        designation,
        st.builds(lambda c: SizeClassCriterion(type="size_class", classes=c),
                  st.lists(st.sampled_from(list(SizeClass)), min_size=1, max_size=3)),
        st.builds(lambda a, scheme: AttestationCriterion(type="attestation", attestation=a, scheme=scheme),
                  st.sampled_from(list(Attestation)), st.sampled_from([None, *SCHEMES])),
        st.sampled_from(MANUALS),
    )


# Measures in generated catalogues are coded M0, M1, ... so generated firms can confirm their conditions.
CODES = [f"M{n}" for n in range(8)]
SCHEMES = ["SCHEME-A", "M0"]
MANUALS = [ManualCriterion(type="manual", text="The main product leads its niche"),
           ManualCriterion(type="manual", text="The project is on the provincial list")]


def criteria() -> st.SearchStrategy[Criterion]:
    return st.recursive(
        _leaf(),
        lambda inner: st.one_of(
            st.builds(lambda parts, e: AnyOfCriterion(type="any_of", criteria=parts, **e),
                      st.lists(inner, min_size=2, max_size=3), _effective()),
            st.builds(lambda parts, e: AllOfCriterion(type="all_of", criteria=parts, **e),
                      st.lists(inner, min_size=2, max_size=3), _effective()),
        ),
        max_leaves=6,
    )


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    numbers: dict[NumericField, float | None] = {f: None for f in NumericField}
    for field in (NumericField.employees, NumericField.rd_ratio, NumericField.operating_revenue,
                  NumericField.debt_ratio, NumericField.age_years):
        numbers[field] = draw(st.none() | VALUES)
    designations = draw(st.dictionaries(
        st.sampled_from([Designation.innovative_sme, Designation.specialized_sme, Designation.little_giant]),
        st.none() | DAYS, max_size=3,
    ))
    return Facts(
        as_of=draw(DAYS),
        numbers=numbers,
        flags={f: draw(st.none() | st.booleans()) for f in FlagField},
        region=draw(st.sampled_from(["330302", "510108", "440307", "110105"])),
        industries=tuple(draw(st.lists(st.sampled_from(["C3581", "C3421", "I6513", "M7340", "F5154"]), max_size=2))),
        designations=designations,
        attestations=frozenset(draw(st.sets(st.sampled_from(list(Attestation)), max_size=3))),
        size_class=draw(st.none() | st.sampled_from(list(SizeClass))),
        scheme_attestations=frozenset(draw(st.sets(
            st.tuples(st.sampled_from(list(Attestation)), st.sampled_from([*SCHEMES, *CODES[:3]])), max_size=3))),
        confirmed=frozenset(draw(st.sets(
            st.tuples(st.sampled_from(CODES[:4]), st.sampled_from([m.key for m in MANUALS])), max_size=4))),
    )
