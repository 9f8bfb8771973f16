"""The vectorised columns agree with the readable references: windows, values, specificity, unknowns."""

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.catalogue.columns import WINDOW_CODES, MeasureColumns, facts_inputs
from matching.catalogue.view import MeasureView
from matching.eligibility.columnar import CompiledCriteria, FirmColumns
from matching.eligibility.rules import Verdict, decisive, evaluate
from matching.firm.facts import Facts
from matching.ranking.benefit import estimate, ranking_value
from matching.ranking.fusion import specificity
from matching.ranking.windows import window_state
from policies.criteria import Criterion
from policies.terms import (
    Benefit,
    FinancingBenefit,
    FixedBenefit,
    InKindBenefit,
    InterestSubsidyBenefit,
    PercentageBenefit,
    TaxBenefit,
    Window,
)
from policies.vocabulary import (
    BenefitBase,
    Designation,
    FinancingInstrument,
    Level,
    MeasureKind,
    NumericField,
    TaxBase,
    TaxRelief,
    WindowMode,
)
from tests.matching.strategies import CODES, criteria, facts

DAYS = st.sampled_from([None, dt.date(2026, 1, 1), dt.date(2026, 11, 22), dt.date(2026, 12, 10),
                        dt.date(2026, 12, 31), dt.date(2027, 3, 1)])
MONEY = st.sampled_from([None, 1, 100_000, 350_000, 1_000_000, 20_000_000])
MARGINS = st.sampled_from([None, -0.2, 0.0, 0.03, 0.12])
ASSETS = st.sampled_from([None, 8_000_000, 60_000_000])


def with_money(firm: Facts, high_tech: bool, **numbers: float | None) -> Facts:
    """A drawn firm with the facts a benefit's value reads set: bases, profit, assets, a high-tech title."""
    held = dict(firm.designations) | ({Designation.high_tech_enterprise: None} if high_tech else {})
    return Facts(**(vars(firm) | {"numbers": dict(firm.numbers) | {NumericField(k): v for k, v in numbers.items()},
                                  "designations": held}))
RATES = st.sampled_from([0.01, 0.1, 0.3, 1.5])


def benefits() -> st.SearchStrategy[Benefit]:
    return st.one_of(
        st.builds(lambda a, u, y: FixedBenefit(kind="fixed", amount=a, up_to=u, years=y),
                  st.sampled_from([1, 200_000, 999_999]), st.booleans(), st.integers(1, 3)),
        st.builds(
            lambda r, b, cap, cpy, years, mb: PercentageBenefit(
                kind="percentage", rate=r, base=b, cap=cap if not (cap and cpy and cpy > cap) else None,
                cap_per_year=cpy, years=years, min_base=mb),
            RATES, st.sampled_from(list(BenefitBase)), MONEY, MONEY, st.integers(1, 3), MONEY,
        ),
        st.builds(lambda r, share, cpy, years, ml: InterestSubsidyBenefit(
            kind="interest_subsidy", rate=None if share else r / 10, share_of_interest=min(r, 1.0) if share else None,
            cap_per_year=cpy, years=years, min_loan=ml),
            RATES, st.booleans(), MONEY, st.integers(1, 3), MONEY),
        st.builds(lambda m, instrument, r, years: FinancingBenefit(kind="financing", max_amount=m,
                                                                   instrument=instrument, rate=r, years=years),
                  st.sampled_from([5_000_000, 30_000_000]), st.none() | st.sampled_from(list(FinancingInstrument)),
                  st.sampled_from([None, 0.008, 0.028, 0.05]), st.integers(1, 3)),
        st.builds(lambda relief, rate, base, base_cap, cpy, years: TaxBenefit(
            kind="tax", relief=relief, rate=min(rate, 0.2) if relief is TaxRelief.reduced_rate else rate,
            base=TaxBase.taxable_income if relief is TaxRelief.reduced_rate else base,
            base_cap=base_cap, cap_per_year=cpy, years=years),
            st.sampled_from(list(TaxRelief)), st.sampled_from([0.05, 0.15, 1.0, 1.2]), st.sampled_from(list(TaxBase)),
            MONEY, MONEY, st.integers(1, 2)),
        st.builds(lambda v: InKindBenefit(kind="in_kind", description="A free service", estimated_value=v), MONEY),
    )


@st.composite
def views(draw: st.DrawFn) -> MeasureView:
    opens, closes = draw(DAYS), draw(st.sampled_from([dt.date(2026, 12, 1), dt.date(2027, 6, 30)]))
    mode = draw(st.sampled_from(list(WindowMode)))
    window = Window(mode=mode, opens=opens if opens and opens <= closes else None, closes=closes)
    eff_from, eff_to = draw(DAYS), draw(DAYS)
    if eff_from and eff_to and eff_to < eff_from:
        eff_from, eff_to = eff_to, eff_from
    return MeasureView(
        code=f"M-{draw(st.integers(0, 10**6))}", title_en="t", title_zh="t", summary="s", body="",
        kind=draw(st.sampled_from(list(MeasureKind))), level=draw(st.sampled_from(list(Level))), authority="a",
        jurisdiction=("000000",), industries=tuple(draw(st.lists(st.sampled_from(["C", "C35", "C3581", "I65"]),
                                                                  max_size=2))),
        criteria=draw(st.lists(criteria(), max_size=3)), benefit=draw(benefits()), window=window,
        effective_from=eff_from, effective_to=eff_to, exclusivity_group=None, source_url=None, legal_basis=None,
    )


@settings(max_examples=150, deadline=None)
@given(catalogue=st.lists(views(), min_size=1, max_size=8), firm=facts(),
       loan=MONEY, rd=MONEY, invest=MONEY, margin=MARGINS, assets=ASSETS, high_tech=st.booleans(),
       soon=st.sampled_from([0, 14, 30]))
def test_columns_agree_with_the_references(catalogue: list[MeasureView], firm: Facts, loan: int | None,
                                           rd: int | None, invest: int | None, margin: float | None,
                                           assets: int | None, high_tech: bool, soon: int) -> None:
    firm = with_money(firm, high_tech, loan_need=loan, rd_expense=rd, planned_investment=invest,
                      net_profit_margin=margin, total_assets=assets)
    columns = MeasureColumns.from_views(catalogue)
    codes = columns.window_codes(firm.as_of.toordinal(), soon)
    values = columns.values(firm)
    specific = columns.specificity(firm.industries)
    for i, view in enumerate(catalogue):
        state = window_state(view.window, view.effective_from, view.effective_to, firm.as_of, soon)
        assert WINDOW_CODES[codes[i]] == state.status
        assert values[i] == ranking_value(estimate(view.benefit, firm))
        assert np.isclose(specific[i], specificity(view.level, view.industries, firm.industries))


@settings(max_examples=200, deadline=None)
@given(catalogue=st.lists(st.lists(criteria(), max_size=4), min_size=1, max_size=6), firm=facts())
def test_blocking_matches_the_scalar_missing_and_unconfirmed(catalogue: list[list[Criterion]], firm: Facts) -> None:
    compiled = CompiledCriteria(catalogue, CODES)
    nodes, worst = compiled.evaluate_nodes(FirmColumns.from_facts([firm]), firm.as_of)
    possibly = np.flatnonzero((worst[:, 0] == 1) | (worst[:, 0] == 2))
    found = compiled.blocking(nodes, possibly)
    for index in possibly:
        verdict, outcomes = evaluate(catalogue[index], firm, (), CODES[index])
        assert verdict is Verdict.possibly_eligible
        expected = {o.field for o in decisive(outcomes, "unknown") + decisive(outcomes, "confirm")}
        assert {label for label, _ in found.get(int(index), [])} == expected



@settings(max_examples=150, deadline=None)
@given(catalogue=st.lists(views(), min_size=1, max_size=4), firms=st.lists(facts(), min_size=1, max_size=5),
       loans=st.lists(MONEY, min_size=5, max_size=5), rds=st.lists(MONEY, min_size=5, max_size=5),
       margins=st.lists(MARGINS, min_size=5, max_size=5), high_tech=st.lists(st.booleans(), min_size=5, max_size=5))
def test_values_per_firm_agree_with_the_reference(catalogue: list[MeasureView], firms: list[Facts],
                                                  loans: list[int | None], rds: list[int | None],
                                                  margins: list[float | None], high_tech: list[bool]) -> None:
    """Reverse matching ranks many firms by one measure's value: the same figure the scalar estimate gives."""
    firms = [with_money(firm, tech, loan_need=loan, rd_expense=rd, net_profit_margin=margin)
             for firm, loan, rd, margin, tech in zip(firms, loans, rds, margins, high_tech, strict=False)]
    columns = MeasureColumns.from_views(catalogue)
    inputs = np.vstack([facts_inputs(firm) for firm in firms])
    for index, view in enumerate(catalogue):
        values = columns.firm_values(index, inputs)
        assert list(values) == [ranking_value(estimate(view.benefit, firm)) for firm in firms]
