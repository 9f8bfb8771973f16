"""专精特新中小企业 under the 2022 (§1.3) and 2026 (§1.4) standards."""

from matching.eligibility.rules import Outcome
from matching.eligibility.wording import amount
from matching.firm.facts import Facts
from matching.firm.profile import FirmProfile
from matching.ladder.assembly import assessment
from matching.ladder.conditions import (
    INSTITUTION_LEVELS,
    basics,
    group,
    holds,
    manual,
    platform_score,
    prerequisite,
    provincial_institution,
    rd_each_year,
    score_check,
)
from matching.ladder.models import WAN, Firm, Indicator, Regime, Rung, RungAssessment
from matching.ladder.scoring import IpPoints, Scale, Spec, banded, fixed, ip_indicator, open_
from matching.ladder.thresholds import Quantity, check, need, threshold
from matching.messages import MESSAGES
from policies.i18n import N_
from policies.vocabulary import Designation, NumericField

# --------------------------------------------------------------------------- §1.3 专精特新中小企业 (2022)

SPEC_MAIN = Scale(((0.80, 5, "≥80%"), (0.70, 3, "70%–80%"), (0.60, 1, "60%–70%")), (0, "<60%"))
SPEC_GROWTH = Scale(((0.10, 10, "≥10%"), (0.08, 8, "8%–10%"), (0.06, 6, "6%–8%"), (0.04, 4, "4%–6%"),
                     (0.0, 2, "0–4%")), (0, "<0"))
# "1 point per full 2 years, max 5", as the county form renders it in bands.
SPEC_YEARS = Scale(((10, 5, N_("≥10 years")), (8, 4, N_("8–10 years")), (6, 3, N_("6–8 years")),
                    (4, 2, N_("4–6 years")), (2, 1, N_("2–4 years"))), (0, N_("<2 years")))
SPEC_DIGITAL = Scale(((3, 5, N_("level ≥3")), (2, 3, N_("level 2"))), (0, N_("level 1")))
SPEC_PROFIT = Scale(((0.10, 10, "≥10%"), (0.08, 8, "8%–10%"), (0.06, 6, "6%–8%"), (0.04, 4, "4%–6%"),
                     (0.02, 2, "2%–4%")), (0, "<2%"))
SPEC_DEBT = Scale(((0.50, 5, "≤50%"), (0.60, 3, "50%–60%"), (0.70, 1, "60%–70%")), (0, ">70%"),
                  lower_is_better=True)
SPEC_IP = IpPoints(high_value=10, self_developed=8, class1=6, class2=2)
SPEC_RD_AMOUNT = Scale(((500 * WAN, 10, N_("≥500万")), (400 * WAN, 8, N_("400–500万")), (300 * WAN, 6, N_("300–400万")),
                        (200 * WAN, 4, N_("200–300万")), (100 * WAN, 2, N_("100–200万"))), (0, N_("<100万")))
SPEC_RD_RATIO = Scale(((0.10, 10, "≥10%"), (0.08, 8, "8%–10%"), (0.06, 6, "6%–8%"), (0.04, 4, "4%–6%"),
                       (0.03, 2, "3%–4%")), (0, "<3%"))
SPEC_RD_STAFF = Scale(((0.20, 5, "≥20%"), (0.10, 3, "10%–20%"), (0.05, 1, "5%–10%")), (0, "<5%"))
SPEC_INSTITUTION = {"national": 10.0, "provincial": 8.0, "municipal": 4.0, "other": 2.0, "none": 0.0}
SPEC_QUALITY_EACH, SPEC_QUALITY_CAP = 3.0, 5.0
# A name that also names a profile field (`wording.NAMES`) takes the scoring table's title as its message.
SPEC_SPECS = {
    "main": Spec("main_business_share", "main-business share of revenue", "specialisation",
                 N_("main-business revenue as a share of operating revenue")),
    "growth": Spec("revenue_growth_avg_2y", N_("2-year average main-business revenue growth"), "specialisation"),
    "years": Spec("years_in_niche", "years in the niche market", "specialisation",
                  N_("years in a specific niche market")),
    "field": Spec("main_product_field", N_("main product's field"), "specialisation"),
    "digital": Spec("digital_level", "digitalisation level", "refinement", N_("level of digitalisation")),
    "quality": Spec("quality", N_("quality management"), "refinement"),
    "profit": Spec("net_profit_margin", "net profit margin", "refinement", N_("last year's net profit margin")),
    "debt": Spec("debt_ratio", "asset-liability ratio", "refinement", N_("last year's asset-liability ratio")),
    "local": Spec("local_features", N_("local-feature indicators"), "distinctiveness"),
    "ip": Spec("ip", N_("valid IP for the main product"), "innovation"),
    "rd": Spec("rd_input", N_("R&D input (amount or ratio)"), "innovation"),
    "staff": Spec("rd_staff_ratio", "R&D staff share", "innovation", N_("last year's share of R&D staff")),
    "institution": Spec("rd_institution", N_("R&D institution level"), "innovation"),
}


def _spec_field(profile: FirmProfile) -> Indicator:
    """§1.3 主导产品所属领域: key-chain gap-filler → 5; 六基/老字号/chain supplier → 3 (not in the profile)."""
    spec = SPEC_SPECS["field"]
    if profile.key_chain_role:
        return fixed(spec, 5, 5, "yes", N_("补短板/锻长板/填空白"))
    if profile.key_chain_role is False:
        return open_(spec, 0, 3, 5, "confirm", value="no",
                     note=MESSAGES.pair("3 points for 工业“六基”, 中华老字号 or supplying a key-chain leader"))
    return open_(spec, 0, 5, 5, "missing", missing="key_chain_role")


def _spec_quality(profile: FirmProfile) -> Indicator:
    """§1.3 质量管理: 3 points per item, capped at 5."""
    items = {"quality_award": profile.quality_award, "quality_certified": profile.quality_certified,
             "own_brand": profile.own_brand, "led_standard": profile.led_standard}
    yes = sum(1 for value in items.values() if value)
    unknown = [name for name, value in items.items() if value is None]
    floor = min(SPEC_QUALITY_CAP, SPEC_QUALITY_EACH * yes)
    ceiling = min(SPEC_QUALITY_CAP, SPEC_QUALITY_EACH * (yes + len(unknown)))
    band, band_zh = MESSAGES.pair("{count} of 4 items", count=yes)
    return open_(SPEC_SPECS["quality"], floor, ceiling, SPEC_QUALITY_CAP, "missing", value=yes, band=band,
                 band_zh=band_zh, missing=", ".join(unknown))


def _spec_rd_input(facts: Facts) -> Indicator:
    """§1.3 研发投入: the better of the amount band and the ratio band."""
    spec = SPEC_SPECS["rd"]
    spent, ratio = facts.numbers[NumericField.rd_expense], facts.numbers[NumericField.rd_ratio]
    scored = [SPEC_RD_AMOUNT.score(spent) if spent is not None else None,
              SPEC_RD_RATIO.score(ratio) if ratio is not None else None]
    known = [item for item in scored if item is not None]
    top = SPEC_RD_AMOUNT.max_points
    if not known:
        return open_(spec, 0, top, top, "missing", missing=need(facts, NumericField.rd_ratio))
    points, band = max(known)
    shown = " / ".join(text for text in (None if spent is None else amount(spent, "yuan"),
                                         None if ratio is None else amount(ratio, "share")) if text)
    if len(known) == 2 or points == top:
        return fixed(spec, points, top, shown, band)
    return open_(spec, points, top, top, "missing", value=shown, band=band,
                 missing=need(facts, NumericField.rd_ratio))


def _spec_institution(profile: FirmProfile, facts: Facts) -> Indicator:
    """§1.3 研发机构: by level, from the declared level or the institution titles held."""
    spec = SPEC_SPECS["institution"]
    candidates = []
    if profile.rd_institution_level is not None:
        candidates.append((SPEC_INSTITUTION[profile.rd_institution_level], profile.rd_institution_level))
    if Designation.national_rd_institution in facts.designations:
        candidates.append((SPEC_INSTITUTION["national"], "national"))
    if Designation.provincial_rd_institution in facts.designations:
        candidates.append((SPEC_INSTITUTION["provincial"], "provincial"))
    if candidates:
        points, level = max(candidates)
        return fixed(spec, points, 10, level, level, band_zh=MESSAGES.say("zh", INSTITUTION_LEVELS[level]))
    if profile.has_rd_institution is False:
        return fixed(spec, 0, 10, "none", "none", band_zh=MESSAGES.say("zh", INSTITUTION_LEVELS["none"]))
    floor = SPEC_INSTITUTION["other"] if profile.has_rd_institution else 0.0
    return open_(spec, floor, 10, 10, "missing", missing="rd_institution_level")


def _spec_2022_indicators(firm: Firm) -> list[Indicator]:
    """§1.3: 13 indicators in 4 classes, 100 points; the 15 local-feature points only the province scores."""
    facts, profile = firm.facts, firm.profile
    n = facts.numbers
    digital = SPEC_SPECS["digital"]
    digital_indicator = (
        banded(digital, SPEC_DIGITAL, float(profile.digital_level), "digital_level")
        if profile.digital_level is not None
        else open_(digital, 0, 5, 5, "missing", missing="digital_level",
                   note=MESSAGES.pair("level from the platform's digitalisation self-test"))
    )
    return [
        banded(SPEC_SPECS["main"], SPEC_MAIN, n[NumericField.main_business_share], "main_business_share"),
        banded(SPEC_SPECS["growth"], SPEC_GROWTH, n[NumericField.revenue_growth_avg_2y],
               "revenue_growth_avg_2y"),
        banded(SPEC_SPECS["years"], SPEC_YEARS, n[NumericField.years_in_niche], "years_in_niche"),
        _spec_field(profile),
        digital_indicator,
        _spec_quality(profile),
        banded(SPEC_SPECS["profit"], SPEC_PROFIT, n[NumericField.net_profit_margin], "net_profit_margin"),
        banded(SPEC_SPECS["debt"], SPEC_DEBT, n[NumericField.debt_ratio], "debt_ratio"),
        open_(SPEC_SPECS["local"], 0, 15, 15, "not_computable",
              note=MESSAGES.pair("1–3 indicators set and scored by each province")),
        ip_indicator(SPEC_SPECS["ip"], SPEC_IP, profile),
        _spec_rd_input(facts),
        banded(SPEC_SPECS["staff"], SPEC_RD_STAFF, n[NumericField.rd_staff_ratio],
               need(facts, NumericField.rd_staff_ratio)),
        _spec_institution(profile, facts),
    ]


def _revenue_or_equity(rung: Rung, facts: Facts, revenue: float, equity: float) -> Outcome:
    """§1.3 #3, §1.4 (2), §6.2: enough revenue, or less revenue but enough new equity in 2 years."""
    return group(f"{rung}.revenue_or_equity", "any_of", N_("revenue, or new equity financing instead"), [
        check(f"{rung}.operating_revenue", facts, NumericField.operating_revenue, "gte", revenue),
        check(f"{rung}.new_equity_financing_2y", facts, NumericField.new_equity_financing_2y, "gte", equity),
    ])


def assess_specialized_2022(firm: Firm, regime: Regime) -> RungAssessment:
    """63号 Annex 2 (§1.3): four hard conditions, the fourth being score ≥ 60 or an escape route."""
    rung: Rung = "specialized_sme"
    facts = firm.facts
    indicators = _spec_2022_indicators(firm)
    avg_rd = facts.numbers[NumericField.rd_expense_2y]
    average, average_zh = MESSAGES.pair("average R&D expense over 2 years")
    routes = [
        holds(f"{rung}.route.award", facts, (Designation.science_tech_award,),
              confirm=N_("provincial award ranked top-3 unit, or national award ranked top-5, in the last 3 years")),
        threshold(f"{rung}.route.rd_average", Quantity(
            name=average, name_zh=average_zh, field="rd_expense_2y",
            value=None if avg_rd is None else avg_rd / 2, need=need(facts, NumericField.rd_expense_2y),
            unit="yuan"), "gte", 1000 * WAN),
        check(f"{rung}.route.equity", facts, NumericField.new_equity_financing_2y, "gte", 6000 * WAN),
    ]
    qualify = group(f"{rung}.qualify", "any_of", N_("score ≥ 60 or an escape route"),
                    [score_check(f"{rung}.score", MESSAGES.pair("score"), indicators, 60), *routes])
    conditions = [
        *basics(rung, facts),
        check(f"{rung}.years_in_niche", facts, NumericField.years_in_niche, "gte", 2),
        check(f"{rung}.rd_expense", facts, NumericField.rd_expense, "gte", 100 * WAN),
        check(f"{rung}.rd_ratio", facts, NumericField.rd_ratio, "gte", 0.03),
        _revenue_or_equity(rung, facts, 1000 * WAN, 2000 * WAN),
        qualify,
    ]
    return assessment(rung, firm, regime, conditions, routes=routes, indicators=indicators, pass_mark=60,
                      scored=qualify, notes=[
                           N_("The 15 local-feature points are scored by each province; the score is a range."),
                           N_("The 创客中国 top-500 route is not modelled (no profile field)."),
                       ])


# --------------------------------------------------------------------------- §1.4 专精特新中小企业 (2026)


def assess_specialized_2026(firm: Firm, regime: Regime) -> RungAssessment:
    """2号 Annex 1 (§1.4): all hard conditions; the platform score ≥ 50 stays unknown (§1.7, §6.5)."""
    rung: Rung = "specialized_sme"
    profile, facts = firm.profile, firm.facts
    waivers = [
        holds(f"{rung}.route.award", facts, (Designation.science_tech_award,),
              confirm=N_("provincial-or-higher S&T award ranked top-3 unit in the last 3 years")),
        provincial_institution(f"{rung}.route.rd_institution", profile, facts),
    ]
    ip = group(f"{rung}.ip", "any_of", N_("≥ 1 class-I IP in use, or a waiver"),
               [check(f"{rung}.ip_class1", facts, NumericField.ip_class1, "gte", 1), *waivers])
    share = facts.numbers[NumericField.niche_market_share]
    high_share = N_("the main product's market share is relatively high")
    if share is not None:
        high_share = N_("the main product's market share is relatively high (niche share {percent:.4g}%)")
    conditions = [
        *basics(rung, facts),
        prerequisite(rung, facts),
        check(f"{rung}.years_in_niche", facts, NumericField.years_in_niche, "gte", 3),
        _revenue_or_equity(rung, facts, 1500 * WAN, 2000 * WAN),
        check(f"{rung}.main_business_share", facts, NumericField.main_business_share, "gte", 0.80),
        check(f"{rung}.debt_ratio", facts, NumericField.debt_ratio, "lte", 0.80),
        check(f"{rung}.rd_expense", facts, NumericField.rd_expense, "gte", 100 * WAN),
        check(f"{rung}.rd_expense_prev", facts, NumericField.rd_expense_prev, "gte", 100 * WAN),
        *rd_each_year(rung, facts, 0.03),
        ip,
        manual(f"{rung}.market_share", high_share, percent=None if share is None else share * 100),
        platform_score(f"{rung}.platform_score", 50),
    ]
    return assessment(rung, firm, regime, conditions, routes=waivers, pass_mark=50, notes=[
        N_("A valid title at tier 1 or higher meets the prerequisite."),
        N_("The 2022 直通 routes and local-feature points no longer exist."),
    ])
