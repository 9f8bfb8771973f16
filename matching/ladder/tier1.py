"""Tier 1 of the ladder: 科技型中小企业 (§1.2) and 创新型中小企业 (§1.1)."""

import datetime as dt

from matching.eligibility.rules import Outcome
from matching.eligibility.wording import Lang, amount, need_list, shortfall
from matching.firm.facts import Facts
from matching.firm.profile import FirmProfile
from matching.ladder.assembly import assessment
from matching.ladder.conditions import (
    attested,
    basics,
    flag,
    group,
    group_checks,
    holds,
    manual,
    provincial_institution,
    score_check,
)
from matching.ladder.models import WAN, YI, Firm, Indicator, Regime, Rung, RungAssessment
from matching.ladder.scoring import IpPoints, Scale, Spec, at_least, banded, fixed, ip_indicator, open_
from matching.ladder.thresholds import check, need
from matching.messages import MESSAGES
from policies.i18n import N_
from policies.vocabulary import Attestation, Designation, NumericField

# --------------------------------------------------------------------------- §1.2 科技型中小企业

TECH_STAFF = Scale(((0.30, 20, "≥30%"), (0.25, 16, "25%–30%"), (0.20, 12, "20%–25%"), (0.15, 8, "15%–20%"),
                    (0.10, 4, "10%–15%")), (0, "<10%"))
TECH_RD_SALES = Scale(((0.06, 50, "≥6%"), (0.05, 40, "5%–6%"), (0.04, 30, "4%–5%"), (0.03, 20, "3%–4%"),
                       (0.02, 10, "2%–3%")), (0, "<2%"))
TECH_IP_CLASS2 = Scale(((4, 24, N_("Ⅱ类 ≥4")), (3, 18, N_("Ⅱ类 3")), (2, 12, N_("Ⅱ类 2")), (1, 6, N_("Ⅱ类 1"))),
                       (0, N_("none")))
TECH_IP_CLASS1_POINTS = 30.0
TECH_ATTESTATIONS = (
    Attestation.no_serious_violation_3y,
    Attestation.no_major_accident_3y,
    Attestation.products_not_restricted,
)
TECH_SPECS = {
    "staff": Spec("rd_staff_ratio", N_("S&T staff share of employees"), "staff"),
    "rd": Spec("rd_intensity", N_("R&D intensity"), "rd"),
    "ip": Spec("ip", N_("IP held"), "ip"),
}


def _tech_rd(facts: Facts) -> Indicator:
    """§1.2: the better of R&D/sales and R&D/total cost; the profile has no total cost.

    The cost bands are exactly 5× the sales bands, so the cost route only scores higher when
    total cost is below a fifth of sales; still, that cannot be ruled out from the profile.
    """
    spec, ratio = TECH_SPECS["rd"], facts.numbers[NumericField.rd_ratio]
    if ratio is None:
        return banded(spec, TECH_RD_SALES, None, need(facts, NumericField.rd_ratio))
    points, band = TECH_RD_SALES.score(ratio)
    sales_band, sales_band_zh = MESSAGES.pair("R&D/sales {band}", band=band)
    return open_(spec, points, TECH_RD_SALES.max_points, TECH_RD_SALES.max_points, "not_computable",
                 value=ratio, band=sales_band, band_zh=sales_band_zh,
                 note=MESSAGES.pair("R&D / total cost (≥30% → 50) may score higher; the profile has no total cost"))


def _tech_ip(profile: FirmProfile) -> Indicator:
    """§1.2: any class-I IP → 30, else by the number of class-II IP."""
    spec, c1, c2 = TECH_SPECS["ip"], profile.ip_class1, profile.ip_class2
    top = TECH_IP_CLASS1_POINTS
    if c1:
        return fixed(spec, top, top, c1, N_("Ⅰ类 ≥1"))
    if c2 is None:
        missing = "ip_class2" if c1 == 0 else "ip_class1, ip_class2"
        return open_(spec, 0, TECH_IP_CLASS2.max_points if c1 == 0 else top, top, "missing", missing=missing)
    c2_points, c2_band = TECH_IP_CLASS2.score(c2)
    if c1 == 0:
        return fixed(spec, c2_points, top, c2, c2_band)
    return open_(spec, c2_points, top, top, "missing", value=c2, band=c2_band, missing="ip_class1")


def _within_years(awarded: dt.date | None, as_of: dt.date, years: int) -> bool:
    """Awarded in the `years` before as_of; an undated title counts, as in `facts.title_valid`."""
    if awarded is None:
        return True
    try:
        end = awarded.replace(year=awarded.year + years)
    except ValueError:  # 29 February
        end = awarded.replace(year=awarded.year + years, day=28)
    return awarded <= as_of < end


def _tech_award(path: str, profile: FirmProfile, as_of: dt.date) -> Outcome:
    """§1.2: a national S&T award (top-3 unit) within 5 years, longer than a title's 3-year validity."""
    recent = any(item.designation is Designation.science_tech_award and _within_years(item.awarded, as_of, 5)
                 for item in profile.designations)
    if recent:
        return manual(path, N_("the S&T award of the last 5 years is national and the firm ranked top-3 unit"))
    reason, reason_zh = MESSAGES.pair("needs a national S&T award (top-3 unit) in the last 5 years; none held")
    return Outcome(path=path, type="designation", status="fail", field="designations.science_tech_award",
                   reason=reason, reason_zh=reason_zh)


def assess_tech_sme(firm: Firm, regime: Regime) -> RungAssessment:
    """国科发政〔2017〕115号 (§1.2): size ceiling, then a direct route or score ≥ 60 with staff points."""
    rung: Rung = "tech_sme"
    profile, facts = firm.profile, firm.facts
    ceilings = [
        check(f"{rung}.employees", facts, NumericField.employees, "lte", 500),
        check(f"{rung}.operating_revenue", facts, NumericField.operating_revenue, "lte", 2 * YI),
        check(f"{rung}.total_assets", facts, NumericField.total_assets, "lte", 2 * YI),
    ]
    attestations = attested(rung, facts, TECH_ATTESTATIONS)
    indicators = [
        banded(TECH_SPECS["staff"], TECH_STAFF, facts.numbers[NumericField.rd_staff_ratio],
               need(facts, NumericField.rd_staff_ratio)),
        _tech_rd(facts),
        _tech_ip(profile),
    ]
    staff = indicators[0]
    if staff.points is None:
        missing = staff.missing or ""
        staff_reason = (MESSAGES.say("en", "S&T staff score: provide {missing}", missing=missing),
                        MESSAGES.say("zh", "S&T staff score: provide {missing}",
                                     missing=need_list([field.strip() for field in missing.split(",")], "zh")))
    else:
        staff_reason = MESSAGES.pair("S&T staff score {points:g} must not be 0 (needs ≥ 10% of employees)",
                                     points=staff.points)
    staff_check = Outcome(
        path=f"{rung}.score.staff_nonzero", type="score", field="rd_staff_ratio",
        status="unknown" if staff.points is None else ("pass" if staff.points > 0 else "fail"),
        value=staff.points, bound="> 0", reason=staff_reason[0], reason_zh=staff_reason[1],
    )
    score = group(f"{rung}.score_path", "all_of", N_("score ≥ 60 with a non-zero S&T staff score"),
                  [score_check(f"{rung}.score", MESSAGES.pair("score"), indicators, 60), staff_check])
    routes = [
        holds(f"{rung}.route.high_tech", facts, (Designation.high_tech_enterprise,)),
        _tech_award(f"{rung}.route.award", profile, facts.as_of),
        provincial_institution(f"{rung}.route.rd_institution", profile, facts),
        flag(f"{rung}.route.standard", "led_standard", profile.led_standard, yes="confirm",
             what=N_("led a national, industry or international standard in the last 5 years")),
    ]
    qualify = group(f"{rung}.qualify", "any_of", N_("score path or a direct-confirmation route"),
                    [score, *routes])
    return assessment(rung, firm, regime, [*ceilings, *attestations, qualify], routes=routes,
                      indicators=indicators, pass_mark=60, scored=qualify, notes=[
                           N_("rd_staff_ratio (R&D staff / employees) stands in for the S&T staff share."),
                           N_("Valid titles are 3 years from the award date; the S&T-award route looks back 5."),
                       ])


# --------------------------------------------------------------------------- §1.1 创新型中小企业

INNOVATIVE_IP = IpPoints(high_value=20, self_developed=15, class1=10, class2=5)
INNOVATIVE_RD = Scale(((0.05, 20, "≥5%"), (0.03, 15, "3%–5%"), (0.02, 10, "2%–3%"), (0.01, 5, "1%–2%")),
                      (0, "<1%"))
INNOVATIVE_GROWTH = Scale(((0.15, 20, "≥15%"), (0.10, 15, "10%–15%"), (0.05, 10, "5%–10%"), (0.0, 5, "0–5%")),
                          (0, "<0"))
INNOVATIVE_DEBT = Scale(((0.55, 10, "≤55%"), (0.75, 5, "55%–75%")), (0, ">75%"), lower_is_better=True)
INNOVATIVE_MAIN = Scale(((0.70, 20, "≥70%"), (0.60, 15, "60%–70%"), (0.55, 10, "55%–60%"),
                         (0.50, 5, "50%–55%")), (0, "<50%"))
INNOVATIVE_MINIMUMS = {"innovation": 20.0, "growth": 15.0, "specialisation": 15.0}
INNOVATIVE_SPECS = {
    "ip": Spec("ip", N_("valid IP related to the main product"), "innovation"),
    "rd": Spec("rd_ratio", N_("R&D expense / operating revenue"), "innovation"),
    "growth": Spec("revenue_growth", N_("main-business revenue growth"), "growth"),
    "debt": Spec("debt_ratio", "asset-liability ratio", "growth", N_("last year's asset-liability ratio")),
    "field": Spec("strategic_emerging", N_("main product's field"), "specialisation"),
    "main": Spec("main_business_share", "main-business share of revenue", "specialisation",
                 N_("main-business revenue as a share of operating revenue")),
}
INNOVATIVE_EQUITY = 500 * WAN


def _strategic_field(profile: FirmProfile) -> Indicator:
    """§1.1 #5: strategic emerging → 10, any other field → 5."""
    spec, value = INNOVATIVE_SPECS["field"], profile.strategic_emerging
    if value is None:
        return open_(spec, 5, 10, 10, "missing", missing="strategic_emerging")
    return fixed(spec, 10 if value else 5, 10, "yes" if value else "no",
                 N_("战略性新兴产业") if value else N_("other field"))


def _innovative_indicators(firm: Firm) -> list[Indicator]:
    """§1.1: the six indicators of 63号 Annex 1 (100 points)."""
    facts, profile = firm.facts, firm.profile
    n, specs = facts.numbers, INNOVATIVE_SPECS
    return [
        ip_indicator(specs["ip"], INNOVATIVE_IP, profile),
        banded(specs["rd"], INNOVATIVE_RD, n[NumericField.rd_ratio], need(facts, NumericField.rd_ratio)),
        banded(specs["growth"], INNOVATIVE_GROWTH, n[NumericField.revenue_growth], "revenue_growth"),
        banded(specs["debt"], INNOVATIVE_DEBT, n[NumericField.debt_ratio], "debt_ratio"),
        _strategic_field(profile),
        banded(specs["main"], INNOVATIVE_MAIN, n[NumericField.main_business_share], "main_business_share"),
    ]


def _equity_3y(path: str, facts: Facts) -> Outcome:
    """§1.1 直通 #4: ≥ 500万 in 3 years; the profile holds 2 years, so a lower figure leaves year 3 open."""
    value = facts.numbers[NumericField.new_equity_financing_2y]
    if value is None:
        def ask(lang: Lang) -> str:
            return MESSAGES.say(lang, "provide {fields} (at least {wanted} in 3 years would qualify)",
                                fields=need_list(["new_equity_financing_2y"], lang),
                                wanted=amount(INNOVATIVE_EQUITY, "yuan", lang))

        return Outcome(path=path, type="numeric", status="unknown", field="new_equity_financing_2y",
                       bound=INNOVATIVE_EQUITY, reason=ask("en"), reason_zh=ask("zh"))
    if at_least(value, INNOVATIVE_EQUITY):
        def met(lang: Lang) -> str:
            return MESSAGES.say(lang, "new equity financing {shown} in 2 years meets at least {wanted} in 3 years",
                                shown=amount(value, "yuan", lang), wanted=amount(INNOVATIVE_EQUITY, "yuan", lang))

        return Outcome(path=path, type="numeric", status="pass", field="new_equity_financing_2y", value=value,
                       bound=INNOVATIVE_EQUITY, reason=met("en"), reason_zh=met("zh"))
    gap = INNOVATIVE_EQUITY - value

    def open_year(lang: Lang) -> str:
        return MESSAGES.say(lang, "new equity financing {shown} in 2 years; the rule counts 3 years (needs at least "
                                  "{wanted}, {shortfall}) and the third is not in the profile",
                            shown=amount(value, "yuan", lang), wanted=amount(INNOVATIVE_EQUITY, "yuan", lang),
                            shortfall=shortfall(gap, "yuan", lang))

    return Outcome(path=path, type="numeric", status="unknown", field="new_equity_financing_2y", value=value,
                   bound=INNOVATIVE_EQUITY, gap=gap, reason=open_year("en"), reason_zh=open_year("zh"))


def assess_innovative_sme(firm: Firm, regime: Regime) -> RungAssessment:
    """63号 Annex 1 (§1.1), kept by the 2026 measures for tier 1: score ≥ 60 with sub-minimums, or 直通."""
    rung: Rung = "innovative_sme"
    facts, profile = firm.facts, firm.profile
    indicators = _innovative_indicators(firm)
    score = group(f"{rung}.score_path", "all_of", N_("score ≥ 60 with 创新能力 ≥ 20, 成长性 ≥ 15, 专业化 ≥ 15"),
                  [score_check(f"{rung}.score", MESSAGES.pair("score"), indicators, 60),
                   *group_checks(f"{rung}.score", indicators, INNOVATIVE_MINIMUMS)])
    routes = [
        holds(f"{rung}.route.award", facts, (Designation.science_tech_award,)),
        holds(f"{rung}.route.high_tech", facts, (Designation.high_tech_enterprise,)),
        provincial_institution(f"{rung}.route.rd_institution", profile, facts),
        _equity_3y(f"{rung}.route.equity", facts),
    ]
    qualify = group(f"{rung}.qualify", "any_of", N_("score path or any 直通 route"), [score, *routes])
    return assessment(rung, firm, regime, [*basics(rung, facts), qualify], routes=routes,
                      indicators=indicators, pass_mark=60, scored=qualify, notes=[
                           N_("IP counts are taken as related to the main product."),
                           N_("revenue_growth (operating revenue) stands in for main-business revenue growth."),
                           N_("Of the honour routes only 高新技术企业 is checked; 国家级技术创新示范企业 and "
                              "知识产权优势/示范企业 are not in the vocabulary."),
                       ])
