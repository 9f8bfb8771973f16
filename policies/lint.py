"""A catalogue lint: conditions written as prose that the firm's own data could decide, and other slips.

Validation refuses what cannot be evaluated; the lint flags what evaluates but
misleads. A `manual` condition that says "revenue of at least 400 million yuan"
leaves every firm "possibly eligible", the start-up with 3 million as much as the
group with 4 billion, so it ought to be a typed criterion. A recognition measure
without "does not already hold the title" recommends the title to firms that have
it. Findings never block an import: a curator may have a reason, and the dry run
shows them beside the problems that do block.

A recognition measure is one that awards a title: kind `service`, an `in_kind`
benefit (the title is the benefit), and a Chinese title naming one of the
vocabulary's titles together with 认定 / 评价 / 遴选 / 入库 / 复核. 培育 is left out on
purpose: a 小巨人培育 pool admits firms on the way to a title without awarding it, and a
cash award for a title (kind `award`) is for firms that hold it. The title it
awards is the one its Chinese title names (`awarded_title`). It is in order when a
top-level criterion, or an alternative of a top-level `any_of`, says the title is
not held, or when it requires the title itself (a re-review renews a title the
firm holds).
"""

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from policies import reference
from policies.criteria import (
    AllOfCriterion,
    AnyOfCriterion,
    Criterion,
    DesignationCriterion,
    FlagCriterion,
    ManualAbout,
    ManualCriterion,
    NumericCriterion,
    Op,
    RegionCriterion,
    SizeClassCriterion,
)
from policies.i18n import Language
from policies.messages import MESSAGES
from policies.schemas import MeasureCreate
from policies.terms import InKindBenefit
from policies.vocabulary import (
    DESIGNATION_NAMES_ZH,
    Designation,
    FlagField,
    Level,
    MeasureKind,
    NumericField,
    SizeClass,
)


@dataclass(frozen=True)
class Finding:
    code: str  # the measure's code
    path: str  # e.g. criteria[2].criteria[0]; "(record)" for the measure as a whole
    rule: str
    message: str
    message_zh: str


# ---------------------------------------------------------------- rule (a): decidable prose

# A quantity: a number with a unit of money, time, share, multiple, headcount or patents, or a
# percentage. What is not one, so passes: a date (a four-digit year before anything but a unit of
# money or share: "2026年", "in 2026", "2025-07-01", "二〇二六年", "上一年度"), and a bare count or rank without a
# unit ("26 mountain-area counties", "top 100 list", "前100名"), which names a list, not a fact the
# firm's profile holds.
_MONEY_OR_SHARE = r"%|％|percent\b|per cent\b|yuan\b|million\b|billion\b|万元|亿元|万|亿|元|倍"
_QUANTITY = re.compile(
    rf"(?<![0-9A-Za-z])(?!(?:19|20)\d\d(?!\d)(?!\s*(?:{_MONEY_OR_SHARE})))"
    rf"\d[\d,.]*\+?\s*(?:{_MONEY_OR_SHARE}|years?\b|times\b|people\b|persons\b|employees\b|staff\b"
    r"|(?:invention\s+)?patents?\b|年|个百分点|人|件)"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+years?\b"
    r"|(?<![〇零一二三四五六七八九十两百千上下])[一二三四五六七八九十两百千]+(?:万元|亿元|元|年(?!度)|倍|个百分点)"
    r"|百分之",
    re.IGNORECASE,
)

# Words people write for the facts a profile holds, beyond the fields' own names.
_FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "operating_revenue": ("operating revenue", "营业收入"),
    "main_business_revenue": ("main-business revenue", "main business revenue", "主营业务收入"),
    "rd_expense": ("r&d expense", "r&d spending", "研发费用"),
    "rd_ratio": ("r&d intensity", "研发投入强度", "研发强度"),
    "debt_ratio": ("asset-liability ratio", "debt ratio", "资产负债率"),
    "niche_market_share": ("market share", "市场占有率"),
    "years_in_niche": ("years in the niche", "从事细分市场"),
    "development_score": ("development score", "发展评价得分"),
    "taxable_income": ("taxable income", "应纳税所得额"),
    "layoff_rate": ("layoff rate", "裁员率"),
    "insured_staff": ("insured staff", "参保职工"),
    "above_scale": ("above-scale", "above-designated-size", "规模以上", "规上"),
    "mu_efficiency_grade": ("per-mu", "亩均"),
    "digital_level": ("digitalisation level", "数字化水平"),
    "general_vat_taxpayer": ("general vat taxpayer", "一般纳税人"),
    "no_overdue_loans": ("overdue loan", "逾期贷款"),
    "no_bad_credit_record": ("bad credit", "不良信用"),
    "high_tech_revenue_share": ("high-tech products and services make up", "高新技术产品（服务）收入"),
    "manufacturing_sales_share": ("manufacturing sales", "制造业销售额"),
    "employees": ("employees", "从业人员"),
    "output_growth": ("output grew", "产值增速"),
    "total_assets": ("资产总额",),
    "rd_staff": ("r&d staff", "研发人员"),
    "invention_patents": ("发明专利",),
    "new_equity_financing_2y": ("equity financing", "股权融资"),
    "listed": ("listed company", "上市公司"),
    "has_rd_institution": ("r&d institution", "r&d centre", "研发机构"),
    "rd_super_deduction_claimed": ("super deduction", "加计扣除"),
    "own_brand": ("own brand", "自主品牌"),
    "strategic_emerging": ("strategic emerging", "战略性新兴产业"),
}
# Names of one plain word ("listed") read as ordinary English; the words above stand in for them.
_NAMED: frozenset[str] = frozenset(str(field) for field in (*NumericField, *FlagField) if "_" in field)
# A condition about one project, person, purchase or list names that thing's numbers and facts, not the firm's.
_NOT_ABOUT_THE_FIRM = frozenset({ManualAbout.project, ManualAbout.person, ManualAbout.purchase, ManualAbout.listing})


def _field_named(text: str) -> str | None:
    lowered = text.lower()
    for name in sorted(_NAMED):
        if name in lowered or name.replace("_", " ") in lowered:
            return name
    for name, words in _FIELD_WORDS.items():
        if any(word in lowered for word in words):
            return name
    return None


def _prose(code: str, path: str, criterion: ManualCriterion) -> Iterator[Finding]:
    if criterion.about in _NOT_ABOUT_THE_FIRM:
        return
    texts = [criterion.text, criterion.text_zh or ""]
    quantity = next((match.group(0) for text in texts if (match := _QUANTITY.search(text))), None)
    if quantity:
        # English quotes the quantity as Python writes it; Chinese shows it bare, inside its own brackets.
        yield Finding(code, path, "manual-quantity", *(MESSAGES.say(
            language, "manual text states a quantity ({quantity}): if a profile field holds it, write a numeric "
            "criterion; if it is about a project, person, purchase or list, say so in `about`", quantity=shown)
            for language, shown in ((Language.en, repr(quantity)), (Language.zh, quantity))))
    if criterion.about is ManualAbout.judgement:
        return
    field = next((name for text in texts if (name := _field_named(text))), None)
    if field:
        yield Finding(code, path, "manual-field", *MESSAGES.pair(
            "manual text names a profile fact ({field}): write a typed criterion on it, or say in `about` why a "
            "person must judge it", field=field))


# ---------------------------------------------------------------- rule (b): recognition without "not held"

_RECOGNISES = ("认定", "评价", "遴选", "入库", "复核")
# Most specific first: 重点小巨人 before 小巨人, 科技型 before 创新型 (科技和创新型 names the innovative tier).
_TITLE_WORDS: tuple[tuple[str, Designation], ...] = (
    ("重点“小巨人”", Designation.key_little_giant),
    ("小巨人", Designation.little_giant),
    ("单项冠军", Designation.single_champion),
    ("隐形冠军", Designation.provincial_hidden_champion),
    ("专精特新", Designation.specialized_sme),
    ("科技型中小企业", Designation.tech_sme),
    ("创新型中小企业", Designation.innovative_sme),
    ("高新技术企业", Designation.high_tech_enterprise),
    ("企业技术中心", Designation.provincial_rd_institution),
)
_PROVINCIAL_VARIANT = {
    Designation.single_champion: Designation.provincial_single_champion,
}
_NATIONAL_VARIANT = {
    Designation.provincial_rd_institution: Designation.national_rd_institution,
}


def awarded_title(measure: MeasureCreate) -> Designation | None:
    """The title a recognition measure awards; None for every other measure (see the module's docstring)."""
    if measure.kind is not MeasureKind.service or not isinstance(measure.benefit, InKindBenefit):
        return None
    # A parenthesis names who may apply, not what is awarded: 企业技术中心认定（专精特新企业降低门槛）.
    title = re.sub(r"（[^）]*）|\([^)]*\)", "", measure.title_zh)
    if not any(word in title for word in _RECOGNISES):
        return None
    for word, designation in _TITLE_WORDS:
        if word in title:
            if measure.level is not Level.national:
                return _PROVINCIAL_VARIANT.get(designation, designation)
            return _NATIONAL_VARIANT.get(designation, designation)
    return None


def _names_title(criterion: Criterion, title: Designation, held: bool) -> bool:
    return isinstance(criterion, DesignationCriterion) and criterion.designation is title and criterion.held is held


def _recognition(measure: MeasureCreate) -> Iterator[Finding]:
    title = awarded_title(measure)
    if title is None:
        return
    for criterion in measure.criteria:
        if _names_title(criterion, title, held=False) or _names_title(criterion, title, held=True):
            return
        if isinstance(criterion, AnyOfCriterion) and any(
                _names_title(part, title, held=False) for part in criterion.criteria):
            return
    # English names the title by its code, Chinese by its name; both spell out the criterion with the code.
    yield Finding(measure.code, "criteria", "recognition-not-held", *(MESSAGES.say(
        language, "a recognition measure for {title} needs a criterion {{type: designation, designation: {code}, "
        "held: false}}, or firms holding a valid title are told to apply again", title=name, code=title.value)
        for language, name in ((Language.en, title.value), (Language.zh, DESIGNATION_NAMES_ZH[title]))))


# ---------------------------------------------------------------- rule (c): cheap slips


def _walk(criteria: Sequence[Criterion], prefix: str = "criteria") -> Iterator[tuple[str, Criterion]]:
    for index, criterion in enumerate(criteria):
        path = f"{prefix}[{index}]"
        yield path, criterion
        if isinstance(criterion, AnyOfCriterion | AllOfCriterion):
            yield from _walk(criterion.criteria, f"{path}.criteria")


def _overlap(a: Criterion, b: Criterion) -> bool:
    """Whether two criteria apply on some day together (one year's rule beside the next year's does not)."""
    start = max(a.effective_from or dt.date.min, b.effective_from or dt.date.min)
    end = min(a.effective_to or dt.date.max, b.effective_to or dt.date.max)
    return start <= end


def _empty_range(a: NumericCriterion, b: NumericCriterion) -> bool:
    return any(low is not None and high is not None and low > high for low, high in ((a.low, b.high), (b.low, a.high)))


def _contradictions(measure: MeasureCreate) -> Iterator[Finding]:
    """Top-level rules no firm can meet together: a title both held and not held, an empty numeric range."""
    top = measure.criteria
    for i, a in enumerate(top):
        for b in top[i + 1:]:
            if not _overlap(a, b):
                continue
            if (isinstance(a, DesignationCriterion) and isinstance(b, DesignationCriterion)
                    and a.designation is b.designation and a.held is not b.held):
                yield Finding(measure.code, "criteria", "contradiction", *(MESSAGES.say(
                    language, "{title} is required both held and not held: no firm qualifies", title=name)
                    for language, name in ((Language.en, a.designation.value),
                                           (Language.zh, DESIGNATION_NAMES_ZH[a.designation]))))
            if (isinstance(a, NumericCriterion) and isinstance(b, NumericCriterion) and a.field is b.field
                    and _empty_range(a, b)):
                yield Finding(measure.code, "criteria", "contradiction", *MESSAGES.pair(
                    "two bounds on {field} leave no value between them: no firm qualifies", field=a.field.value))


def _duplicates(measure: MeasureCreate) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for index, criterion in enumerate(measure.criteria):
        key = criterion.model_dump_json(exclude={"note"})
        if key in seen:
            yield Finding(measure.code, f"criteria[{index}]", "duplicate",
                          *MESSAGES.pair("the same criterion as criteria[{index}]", index=seen[key]))
        else:
            seen[key] = index


def _manual_slips(code: str, path: str, criterion: ManualCriterion) -> Iterator[Finding]:
    if not criterion.text_zh:
        yield Finding(code, path, "manual-no-chinese",
                      *MESSAGES.pair("manual condition without text_zh: the catalogue is bilingual"))
    if criterion.about is None:
        yield Finding(code, path, "manual-unclassified", *MESSAGES.pair(
            "say what the manual condition is about (project, person, purchase, list or judgement), or type it"))


def _between_unbounded(code: str, path: str, criterion: NumericCriterion) -> Iterator[Finding]:
    if criterion.op is Op.between and criterion.min == criterion.max:
        yield Finding(code, path, "between-one-value", *MESSAGES.pair("op between with min equal to max: write op eq"))


def _passes_everyone(measure: MeasureCreate, criterion: Criterion) -> bool:
    """Whether every firm the measure reaches meets the criterion, whatever its profile says.

    The measure's jurisdiction is its implicit first rule, so a region rule covering all of it
    admits everyone who gets this far. A criterion with effective dates may be absent on some
    days and is left alone.
    """
    if criterion.effective_from or criterion.effective_to:
        return False
    if isinstance(criterion, SizeClassCriterion):
        return set(criterion.classes) == set(SizeClass)
    if isinstance(criterion, RegionCriterion):
        return all(any(reference.region_within(place, area) for area in criterion.codes)
                   for place in measure.jurisdiction)
    if isinstance(criterion, AllOfCriterion):
        return all(_passes_everyone(measure, part) for part in criterion.criteria)
    if isinstance(criterion, AnyOfCriterion):
        return any(_passes_everyone(measure, part) for part in criterion.criteria) or _both_ways(criterion)
    return False


def _both_ways(criterion: AnyOfCriterion) -> bool:
    """Alternatives asking a yes/no fact one way and the other: a flag true or false, a title held or not."""
    sides: dict[tuple[str, str], set[bool]] = {}
    for part in criterion.criteria:
        if part.effective_from or part.effective_to:
            continue
        if isinstance(part, FlagCriterion):
            sides.setdefault(("flag", part.field), set()).add(part.value)
        elif isinstance(part, DesignationCriterion) and not (part.awarded_from or part.awarded_to):
            sides.setdefault(("designation", part.designation), set()).add(part.held)
    return any(len(values) == 2 for values in sides.values())


def _open_alternatives(measure: MeasureCreate, path: str, criterion: AnyOfCriterion) -> Iterator[Finding]:
    """An any_of one of whose branches every firm meets decides nothing: a slip, or a rule lost."""
    # Its own effective dates do not matter: in force it restricts nothing, out of force it is absent.
    if any(_passes_everyone(measure, part) for part in criterion.criteria) or _both_ways(criterion):
        yield Finding(measure.code, path, "any-of-always-passes", *MESSAGES.pair(
            "every firm the measure reaches meets one of these alternatives (a branch that always passes, or a fact "
            "asked both ways), so the any_of restricts nothing"))


def _chinese_text(measure: MeasureCreate) -> Iterator[Finding]:
    """Every caller reads Chinese: a measure whose summary or body is English only is half written."""
    if not measure.summary_zh:
        yield Finding(measure.code, "summary_zh", "no-chinese-summary",
                      *MESSAGES.pair("the measure has no Chinese summary"))
    if measure.body and not measure.body_zh:
        yield Finding(measure.code, "body_zh", "no-chinese-body",
                      *MESSAGES.pair("the measure has a body but no Chinese body"))


def lint_measure(measure: MeasureCreate) -> list[Finding]:
    """Every finding for one measure, in criteria order, then the record's own."""
    findings: list[Finding] = []
    for path, criterion in _walk(measure.criteria):
        if isinstance(criterion, ManualCriterion):
            findings += _prose(measure.code, path, criterion)
            findings += _manual_slips(measure.code, path, criterion)
        elif isinstance(criterion, NumericCriterion):
            findings += _between_unbounded(measure.code, path, criterion)
        elif isinstance(criterion, AnyOfCriterion):
            findings += _open_alternatives(measure, path, criterion)
    findings += _recognition(measure)
    findings += _contradictions(measure)
    findings += _duplicates(measure)
    findings += _chinese_text(measure)
    return findings


def lint(measures: Sequence[MeasureCreate]) -> list[Finding]:
    """Every finding for every measure; an empty list is a clean catalogue."""
    return [finding for measure in measures for finding in lint_measure(measure)]


RULES: dict[str, str] = {
    "manual-quantity": "manual text with a number and a unit or a percentage",
    "manual-field": "manual text naming a profile fact",
    "manual-no-chinese": "manual condition without text_zh",
    "manual-unclassified": "manual condition without `about`",
    "recognition-not-held": "recognition measure without `held: false` for the title it awards",
    "contradiction": "top-level rules no firm can meet together",
    "duplicate": "the same top-level criterion twice",
    "between-one-value": "between with min equal to max",
    "any-of-always-passes": "any_of with an alternative every firm meets",
    "no-chinese-summary": "measure without summary_zh",
    "no-chinese-body": "measure with a body but no body_zh",
}
