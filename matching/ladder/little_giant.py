"""专精特新“小巨人” under the 2022 (§1.5) and 2026 (§1.6) standards."""

from matching.eligibility.rules import Outcome
from matching.firm.facts import Facts
from matching.firm.profile import FirmProfile
from matching.ladder.assembly import assessment
from matching.ladder.conditions import (
    basics,
    flag,
    group,
    holds,
    manual,
    platform_score,
    prerequisite,
    rd_each_year,
)
from matching.ladder.models import WAN, YI, Firm, Regime, Rung, RungAssessment
from matching.ladder.scoring import at_least
from matching.ladder.thresholds import check
from matching.messages import MESSAGES
from policies.i18n import N_
from policies.vocabulary import Designation, NumericField

# --------------------------------------------------------------------------- fact checks of both regimes


def _any_rd_institution(path: str, profile: FirmProfile, facts: Facts) -> Outcome:
    """An own or joint R&D institution of any level (§1.5 创新能力)."""
    titles = (Designation.national_rd_institution, Designation.provincial_rd_institution)
    level = profile.rd_institution_level
    titled = any(title in facts.designations for title in titles)
    if profile.has_rd_institution or level not in (None, "none") or titled:
        reason, reason_zh = MESSAGES.pair("has an own or joint R&D institution")
        return Outcome(path=path, type="rd_institution", status="pass", field="has_rd_institution",
                       value=level or "yes", reason=reason, reason_zh=reason_zh)
    if level == "none" or profile.has_rd_institution is False:
        reason, reason_zh = MESSAGES.pair(
            "needs an own or joint R&D institution (research institute, enterprise technology centre, engineering "
            "centre, academician or postdoctoral workstation)")
        return Outcome(path=path, type="rd_institution", status="fail", field="has_rd_institution",
                       value="no", reason=reason, reason_zh=reason_zh)
    reason, reason_zh = MESSAGES.pair("provide has_rd_institution (own or joint R&D institution)")
    return Outcome(path=path, type="rd_institution", status="unknown", field="has_rd_institution",
                   reason=reason, reason_zh=reason_zh)


def _market_share(path: str, facts: Facts, *, top3_alternative: bool) -> Outcome:
    """Niche share ≥ 10% (§1.5); from 2026 "top 3 in China" also counts, which a person confirms (§1.6)."""
    outcome = check(path, facts, NumericField.niche_market_share, "gte", 0.10)
    if outcome.status == "fail" and top3_alternative:
        top3 = N_("confirm: the main product ranks top 3 in China ({reason})")
        return outcome.model_copy(update={
            "status": "confirm",
            "reason": MESSAGES.say("en", top3, reason=outcome.reason),
            "reason_zh": MESSAGES.say("zh", top3, reason=outcome.reason_zh),
        })
    return outcome


# --------------------------------------------------------------------------- §1.5 小巨人 (2022)


def _rd_by_revenue_band(rung: Rung, facts: Facts) -> Outcome:
    """§1.5 创新能力, §6.2: the R&D rule depends on last year's revenue band (edges go to the higher band)."""
    revenue = facts.numbers[NumericField.operating_revenue]
    path = f"{rung}.rd_by_revenue"
    if revenue is None:
        reason, reason_zh = MESSAGES.pair("provide operating_revenue (it sets which R&D rule applies)")
        return Outcome(path=path, type="numeric", status="unknown", field="operating_revenue", reason=reason,
                       reason_zh=reason_zh)
    if at_least(revenue, 1 * YI):
        return group(path, "all_of", N_("revenue ≥ 1亿: R&D ≥ 3% in each of 2 years"),
                     rd_each_year(rung, facts, 0.03))
    if at_least(revenue, 5000 * WAN):
        return group(path, "all_of", N_("revenue 5000万–1亿: R&D ≥ 6% in each of 2 years"),
                     rd_each_year(rung, facts, 0.06))
    return group(path, "all_of", N_("revenue < 5000万: equity ≥ 8000万, R&D ≥ 3000万 and R&D staff ≥ 50%"), [
        check(f"{rung}.new_equity_financing_2y", facts, NumericField.new_equity_financing_2y, "gte",
              8000 * WAN),
        check(f"{rung}.rd_expense", facts, NumericField.rd_expense, "gte", 3000 * WAN),
        check(f"{rung}.rd_staff_ratio", facts, NumericField.rd_staff_ratio, "gte", 0.50),
    ])


def _chain_role(rung: Rung, profile: FirmProfile, what: str) -> Outcome:
    """A self-declared key-chain role is only a claim a person weighs: yes → confirm, no → fail; `what` is a message."""
    return flag(f"{rung}.key_chain_role", "key_chain_role", profile.key_chain_role, yes="confirm", what=what)


def assess_little_giant_2022(firm: Firm, regime: Regime) -> RungAssessment:
    """63号 Annex 3 (§1.5): 专、精、特、新, industrial-chain role and main-product field."""
    rung: Rung = "little_giant"
    profile, facts = firm.profile, firm.facts
    general = group(f"{rung}.innovation_general", "all_of",
                    N_("R&D by revenue band, an R&D institution, ≥ 2 class-I IP"), [
        _rd_by_revenue_band(rung, facts),
        _any_rd_institution(f"{rung}.rd_institution", profile, facts),
        check(f"{rung}.ip_class1", facts, NumericField.ip_class1, "gte", 2),
    ])
    routes = [holds(f"{rung}.route.award", facts, (Designation.science_tech_award,),
                    confirm=N_("national S&T award in the last 3 years, ranked top-3 unit"))]
    system = N_("at least one core business process runs on an information system")
    if profile.digital_level is not None:
        system = N_("at least one core business process runs on an information system (digitalisation level {level})")
    field = N_("main product in 工业“六基”, the 10 key sectors of 制造强国, or 网络强国 fields")
    if profile.strategic_emerging:
        field = N_("main product in 工业“六基”, the 10 key sectors of 制造强国, or 网络强国 fields (profile: strategic "
                   "emerging field)")
    conditions = [
        *basics(rung, facts),
        check(f"{rung}.years_in_niche", facts, NumericField.years_in_niche, "gte", 3),
        check(f"{rung}.main_business_share", facts, NumericField.main_business_share, "gte", 0.70),
        check(f"{rung}.revenue_growth_avg_2y", facts, NumericField.revenue_growth_avg_2y, "gte", 0.05),
        manual(f"{rung}.information_system", system, level=profile.digital_level),
        flag(f"{rung}.quality_certified", "quality_certified", profile.quality_certified, no="confirm",
             what=N_("management-system certification, or a developed-country product certification")),
        check(f"{rung}.debt_ratio", facts, NumericField.debt_ratio, "lte", 0.70),
        _market_share(f"{rung}.niche_market_share", facts, top3_alternative=False),
        flag(f"{rung}.own_brand", "own_brand", profile.own_brand, what=N_("own competitive brand")),
        group(f"{rung}.innovation", "any_of", N_("创新能力: general route or a direct route"), [general, *routes]),
        _chain_role(rung, profile, N_("in a key chain link, filling gaps: 补短板/锻长板/填空白")),
        manual(f"{rung}.main_product_field", field),
    ]
    return assessment(rung, firm, regime, conditions, routes=routes, notes=[
        N_("Below 5000万 revenue the R&D 3000万 is read as last year's R&D expense."),
        N_("The 创客中国 top-50 route is not modelled (no profile field)."),
    ])


# --------------------------------------------------------------------------- §1.6 小巨人 (2026)


def assess_little_giant_2026(firm: Firm, regime: Regime) -> RungAssessment:
    """2号 Annex 2 (§1.6): seven conditions; single champions are no longer recommended."""
    rung: Rung = "little_giant"
    profile, facts = firm.profile, firm.facts
    routes = [holds(f"{rung}.route.award", facts, (Designation.science_tech_award,),
                    confirm=N_("national S&T award in the last 3 years, ranked top-3 unit"))]
    ip = group(f"{rung}.ip", "any_of", N_("≥ 4 class-I IP, or a national S&T award"),
               [check(f"{rung}.ip_class1", facts, NumericField.ip_class1, "gte", 4), *routes])
    champion = holds(f"{rung}.not_single_champion", facts, (Designation.single_champion,))
    reason, reason_zh = (MESSAGES.pair("a manufacturing single champion is no longer recommended for 小巨人")
                         if champion.status == "pass" else MESSAGES.pair("not a manufacturing single champion"))
    not_champion = Outcome(
        path=champion.path, type="designation", field=champion.field,
        status="fail" if champion.status == "pass" else "pass", reason=reason, reason_zh=reason_zh,
    )
    conditions = [
        *basics(rung, facts),
        prerequisite(rung, facts),
        not_champion,
        check(f"{rung}.years_in_niche", facts, NumericField.years_in_niche, "gte", 3),
        check(f"{rung}.operating_revenue", facts, NumericField.operating_revenue, "gte", 5000 * WAN),
        check(f"{rung}.main_business_share", facts, NumericField.main_business_share, "gte", 0.90),
        check(f"{rung}.revenue_growth_avg_2y", facts, NumericField.revenue_growth_avg_2y, "gte", 0.05),
        check(f"{rung}.debt_ratio", facts, NumericField.debt_ratio, "lte", 0.75),
        check(f"{rung}.rd_expense_2y", facts, NumericField.rd_expense_2y, "gte", 1200 * WAN),
        *rd_each_year(rung, facts, 0.03),
        ip,
        _market_share(f"{rung}.niche_market_share", facts, top3_alternative=True),
        _chain_role(rung, profile, N_("main product in a key chain link: core parts, key software, advanced "
                                      "processes, key materials, industrial base or traditional/emerging/future "
                                      "industries")),
        platform_score(f"{rung}.platform_score", 60),
    ]
    return assessment(rung, firm, regime, conditions, routes=routes, pass_mark=60, notes=[
        N_("revenue_growth_avg_2y stands in for the 2-year compound growth rate."),
        N_("A valid 专精特新中小企业 or 小巨人 title meets the prerequisite."),
    ])
