"""制造业单项冠军 under the 2023 standard (§1.8)."""

from matching.eligibility.rules import Outcome
from matching.eligibility.wording import amount, field_name
from matching.firm.facts import Facts
from matching.ladder.assembly import assessment
from matching.ladder.conditions import attested, group, manual
from matching.ladder.models import YI, Firm, Regime, Rung, RungAssessment
from matching.ladder.scoring import at_least
from matching.ladder.thresholds import Quantity, check, threshold
from matching.messages import MESSAGES
from policies.i18n import N_
from policies.vocabulary import Attestation, NumericField

CHAMPION_REVENUE = 4 * YI


def _champion_revenue(rung: Rung, facts: Facts) -> Outcome:
    """§1.8: 3-year average main-business revenue ≥ 4亿, judged from last year's figure.

    A stated 3-year average decides. Without it, last year's main-business revenue (stated, or
    operating revenue × the main-business share) at or above 4亿 leaves the average for a person to confirm; below it is taken as a fail, since an average ≥ 4亿 would need earlier
    years well above 4亿. Operating revenue bounds main-business revenue, so operating revenue
    below 4亿 fails even when the main-business share is missing.
    """
    path = f"{rung}.main_revenue"
    average = facts.numbers[NumericField.main_business_revenue_avg_3y]
    if average is not None or facts.numbers[NumericField.main_business_revenue] is not None:
        stated = check(path, facts, NumericField.main_business_revenue, "gte", CHAMPION_REVENUE)
        if stated.status == "fail" or average is None:
            return _average_to_confirm(stated)
        return check(path, facts, NumericField.main_business_revenue_avg_3y, "gte", CHAMPION_REVENUE)
    revenue = facts.numbers[NumericField.operating_revenue]
    share = facts.numbers[NumericField.main_business_share]
    name, name_zh = field_name("main_business_revenue", "en"), field_name("main_business_revenue", "zh")
    if revenue is None or (share is None and at_least(revenue, CHAMPION_REVENUE)):
        need = "operating_revenue" if revenue is None else "main_business_share"
        unknown = Quantity(name=name, name_zh=name_zh, field="operating_revenue", value=None, need=need, unit="yuan")
        return threshold(path, unknown, "gte", CHAMPION_REVENUE)
    if share is None:
        name, name_zh = field_name("operating_revenue", "en"), field_name("operating_revenue", "zh")
    main = revenue if share is None else revenue * share
    known = Quantity(name=name, name_zh=name_zh, field="operating_revenue", value=main, need="", unit="yuan")
    return _average_to_confirm(threshold(path, known, "gte", CHAMPION_REVENUE))


def _average_to_confirm(outcome: Outcome) -> Outcome:
    """Last year's figure passing leaves the 3-year average for a person to confirm."""
    if outcome.status == "pass":
        average = N_("confirm: the 3-year average main-business revenue is at least {amount} ({reason})")
        return outcome.model_copy(update={
            "status": "confirm",
            "reason": MESSAGES.say("en", average, amount=amount(CHAMPION_REVENUE, "yuan"), reason=outcome.reason),
            "reason_zh": MESSAGES.say("zh", average, amount=amount(CHAMPION_REVENUE, "yuan", "zh"),
                                      reason=outcome.reason_zh),
        })
    return outcome


def assess_single_champion(firm: Firm, regime: Regime) -> RungAssessment:
    """工信部政法〔2023〕138号 (§1.8): ≥ 10 years (a new product ≥ 5), ≥ 4亿 average, global top-3 share."""
    rung: Rung = "single_champion"
    facts = firm.facts
    conditions = [
        *attested(rung, facts, (Attestation.no_serious_violation_3y, Attestation.no_major_accident_3y)),
        group(f"{rung}.years", "any_of", N_("at least 10 years in the field, or 5 for a new product"), [
            check(f"{rung}.years_in_niche", facts, NumericField.years_in_niche, "gte", 10),
            group(f"{rung}.new_product", "all_of", N_("a new product in its field for at least 5 years"), [
                check(f"{rung}.new_product.years", facts, NumericField.years_in_niche, "gte", 5),
                manual(f"{rung}.new_product.uncoded", N_("the main product is a new product with no code in the "
                                                         "statistical product catalogue (统计用产品分类目录)")),
            ]),
        ]),
        _champion_revenue(rung, facts),
        manual(f"{rung}.global_share", N_("the product's market share ranks in the global top 3 "
                                          "(8/10-digit 统计用产品分类目录 code)")),
    ]
    return assessment(rung, firm, regime, conditions, notes=[
        N_("The unverified 2亿 variant is not modelled."),
        N_("Revenue uses last year's figure for the 3-year average."),
    ])
