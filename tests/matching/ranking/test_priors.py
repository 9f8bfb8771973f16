"""The priors are the example firms' medians, recomputed: they cannot drift from the examples unnoticed."""

import datetime as dt
import statistics
from pathlib import Path

import yaml

from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from matching.ranking import priors
from policies.vocabulary import NumericField, SizeClass

FIRMS = Path(__file__).resolve().parents[3] / "examples" / "firms"


def test_the_table_is_the_example_firms_medians_by_size() -> None:
    stated: dict[tuple[str, priors.PriorField], list[float]] = {}
    for path in sorted(FIRMS.glob("*.yaml")):
        facts = derive(FirmProfile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))),
                       dt.date(2026, 12, 5))
        group = {SizeClass.small: "small", SizeClass.medium: "medium"}.get(facts.size_class)  # type: ignore[arg-type]
        revenue, margin = facts.numbers[NumericField.operating_revenue], facts.numbers[NumericField.net_profit_margin]
        found: dict[priors.PriorField, float | None] = {
            field: facts.numbers[field]
            for field in (NumericField.rd_expense, NumericField.planned_investment, NumericField.loan_need)}
        found[priors.TAXABLE_INCOME] = None if revenue is None or margin is None else revenue * margin
        for field, fact in found.items():
            if fact is not None:
                stated.setdefault(("all", field), []).append(fact)
                if group:
                    stated.setdefault((group, field), []).append(fact)
    for group, size in (("small", SizeClass.small), ("medium", SizeClass.medium), ("all", None)):
        for field in (*priors.BY_SIZE[None],):
            assert priors.prior(field, size) == round(statistics.median(stated[(group, field)])), (group, field)
    assert priors.BY_SIZE[SizeClass.micro] is priors.BY_SIZE[SizeClass.small]
    assert priors.BY_SIZE[SizeClass.large] is priors.BY_SIZE[SizeClass.medium]
