"""制造业单项冠军 under the 2023 standard (§1.8)."""

from matching.eligibility.rules import Outcome
from matching.eligibility.wording import amount, field_name
from matching.firm.facts import Facts
from matching.ladder.assembly import assessment
from matching.ladder.conditions import attested, manual
from matching.ladder.models import YI, Firm, Regime, Rung, RungAssessment
from matching.ladder.scoring import at_least
from matching.ladder.thresholds import Quantity, check, threshold
from policies.vocabulary import Attestation, NumericField

CHAMPION_REVENUE = 4 * YI


def _champion_revenue(rung: Rung, facts: Facts) -> Outcome:
    """§1.8: 3-year average main-business revenue ≥ 4亿, judged from last year's figure.

    The profile has one year. Last year's main-business revenue at or above 4亿 leaves the average
    for a person to confirm; below it is taken as a fail, since an average ≥ 4亿 would need earlier
    years well above 4亿. Operating revenue bounds main-business revenue, so operating revenue
    below 4亿 fails even when the main-business share is missing.
    """
    path = f"{rung}.main_revenue"
    revenue = facts.numbers[NumericField.operating_revenue]
    share = facts.numbers[NumericField.main_business_share]
    name, name_zh = "main-business revenue (last year)", "上年主营业务收入"
    if revenue is None or (share is None and at_least(revenue, CHAMPION_REVENUE)):
        need = "operating_revenue" if revenue is None else "main_business_share"
        unknown = Quantity(name=name, name_zh=name_zh, field="operating_revenue", value=None, need=need, unit="yuan")
        return threshold(path, unknown, "gte", CHAMPION_REVENUE)
    if share is None:
        name, name_zh = field_name("operating_revenue", "en"), field_name("operating_revenue", "zh")
    main = revenue if share is None else revenue * share
    known = Quantity(name=name, name_zh=name_zh, field="operating_revenue", value=main, need="", unit="yuan")
    outcome = threshold(path, known, "gte", CHAMPION_REVENUE)
    if outcome.status == "pass":
        return outcome.model_copy(update={
            "status": "confirm",
            "reason": f"confirm: the 3-year average main-business revenue is at least "
                      f"{amount(CHAMPION_REVENUE, 'yuan')} ({outcome.reason})",
            "reason_zh": f"待确认：近三年主营业务收入平均不低于 {amount(CHAMPION_REVENUE, 'yuan', 'zh')}"
                         f"（{outcome.reason_zh}）",
        })
    return outcome


def assess_single_champion(firm: Firm, regime: Regime) -> RungAssessment:
    """工信部政法〔2023〕138号 (§1.8): ≥ 10 years, ≥ 4亿 average, global top-3 share."""
    rung: Rung = "single_champion"
    facts = firm.facts
    conditions = [
        *attested(rung, facts, (Attestation.no_serious_violation_3y, Attestation.no_major_accident_3y)),
        check(f"{rung}.years_in_niche", facts, NumericField.years_in_niche, "gte", 10),
        _champion_revenue(rung, facts),
        manual(f"{rung}.global_share", "the product's market share ranks in the global top 3 "
                                       "(8/10-digit 统计用产品分类目录 code)"),
    ]
    return assessment(rung, firm, regime, conditions, notes=[
        "The new-product path (≥ 5 years) and the unverified 2亿 variant are not modelled.",
        "Revenue uses last year's figure for the 3-year average.",
    ])
