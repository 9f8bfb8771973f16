"""The scalar reference evaluator: one firm's facts against one measure's criteria.

Each criterion comes out as one of four statuses, ordered from worst to best:
`fail` < `unknown` (a fact is missing) < `confirm` (only a person can check it)
< `pass`. `all_of` takes the worst of its parts and `any_of` the best, so one
rule combines everything, nested groups included. A measure is `eligible` only
when its worst criterion is `pass`: a hand-checked condition nobody has confirmed
(`confirm`) or a missing fact (`unknown`) leaves it `possibly_eligible`, so the
verdict can be relayed without reading the reasons. Any `fail` makes it `ineligible`. The columnar evaluator must agree with
this module exactly; property tests hold it to that.
"""

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from enum import IntEnum, StrEnum
from typing import Any

from pydantic import Field

from matching.eligibility import wording
from matching.firm.facts import Facts
from matching.messages import MESSAGES
from policies import reference
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
from policies.i18n import N_, OneLanguage
from policies.vocabulary import DESIGNATION_NAMES_ZH

# Derived ratios come out of a division: 300_000 / 10_000_000 must meet "≥ 3%".
EPSILON = 1e-9


class Status(IntEnum):
    fail = 0
    unknown = 1
    confirm = 2
    passed = 3

    @property
    def label(self) -> str:
        return "pass" if self is Status.passed else self.name


class Verdict(StrEnum):
    eligible = "eligible"
    possibly_eligible = "possibly_eligible"
    ineligible = "ineligible"


class Outcome(OneLanguage):
    """How one criterion came out for this firm, and why; a request's reader gets the reason in their language."""

    path: str
    type: str
    status: str
    reason: str
    # The same in Chinese. Every rule of this module gives one; an outcome built elsewhere may not.
    reason_zh: str | None = None
    field: str | None = None
    value: float | str | None = None
    bound: float | str | None = None
    gap: float | None = None
    condition: str | None = None  # a hand-checked condition's id, for confirming it
    text_zh: str | None = None  # a hand-checked condition's Chinese wording
    parts: list["Outcome"] = Field(default_factory=list)  # a factory: a `[]` default is deep-copied per outcome


def in_effect(criterion: Criterion, as_of: dt.date) -> bool:
    start, end = criterion.effective_from, criterion.effective_to
    return (start is None or start <= as_of) and (end is None or as_of <= end)


def numeric_status(op: Op, value: float, low: float | None, high: float | None) -> bool:
    """Whether `value` satisfies the operator; inclusive bounds tolerate rounding."""
    if op is Op.gt:
        return low is not None and value > low + EPSILON * max(1.0, abs(low))
    if op is Op.lt:
        return high is not None and value < high - EPSILON * max(1.0, abs(high))
    ok = True
    if low is not None:
        ok = ok and value >= low - EPSILON * max(1.0, abs(low))
    if high is not None:
        ok = ok and value <= high + EPSILON * max(1.0, abs(high))
    return ok


def _numeric(c: NumericCriterion, facts: Facts, path: str) -> Outcome:
    value = facts.numbers[c.field]
    bound: float | str | None = c.value if c.op is not Op.between else f"{c.min}–{c.max}"
    unit = wording.unit_of(c.field)

    def words(ok: bool, gap: float | None, lang: wording.Lang) -> str:
        return wording.numeric_reason(wording.field_name(c.field, lang), unit, c.op.value, c.low, c.high, value,
                                      ok, gap=gap, need=[c.field.value], lang=lang)

    if value is None:
        return Outcome(path=path, type=c.type, status="unknown", field=c.field.value, bound=bound,
                       reason=words(False, None, "en"), reason_zh=words(False, None, "zh"))
    if numeric_status(c.op, value, c.low, c.high):
        return Outcome(path=path, type=c.type, status="pass", field=c.field.value, value=value, bound=bound,
                       reason=words(True, None, "en"), reason_zh=words(True, None, "zh"))
    target = c.low if c.low is not None and value < c.low + EPSILON else c.high
    gap = None if target is None else target - value
    return Outcome(path=path, type=c.type, status="fail", field=c.field.value, value=value, bound=bound, gap=gap,
                   reason=words(False, gap, "en"), reason_zh=words(False, gap, "zh"))


def _yes_no(answer: bool, lang: wording.Lang) -> str:
    return MESSAGES.say(lang, "yes") if answer else MESSAGES.say(lang, "no")


def _flag(c: FlagCriterion, facts: Facts, path: str) -> Outcome:
    value = facts.flags[c.field]
    wanted = "yes" if c.value else "no"

    def words(lang: wording.Lang) -> str:
        name, must = wording.field_name(c.field, lang), _yes_no(c.value, lang)
        if value is None:
            return MESSAGES.say(lang, "provide {field}: {name} must be {wanted}", field=c.field.value, name=name,
                                wanted=must)
        return MESSAGES.say(lang, "{name}: {answer}; must be {wanted}", name=name, answer=_yes_no(value, lang),
                            wanted=must)

    if value is None:
        return Outcome(path=path, type=c.type, status="unknown", field=c.field.value, bound=wanted,
                       reason=words("en"), reason_zh=words("zh"))
    status = "pass" if value == c.value else "fail"
    return Outcome(path=path, type=c.type, status=status, field=c.field.value, value=str(value).lower(),
                   bound=wanted, reason=words("en"), reason_zh=words("zh"))


def _region(c: RegionCriterion, facts: Facts, path: str) -> Outcome:
    inside, reason, reason_zh = _region_words(facts.region, tuple(c.codes))
    return Outcome(path=path, type=c.type, status="pass" if inside else "fail", field="region",
                   value=facts.region, bound=",".join(c.codes), reason=reason, reason_zh=reason_zh)


@functools.lru_cache(maxsize=4096)
def _region_words(region: str, codes: tuple[str, ...]) -> tuple[bool, str, str]:
    """Whether the region lies within the codes, in both languages: every regional measure's first rule asks,
    and naming the places is most of its cost."""
    inside = any(reference.region_within(region, code) for code in codes)
    places = [f"{code} {reference.region_name(code) or ''}".strip() for code in codes]
    own = f"{region} {reference.region_name(region) or ''}".strip()
    message = N_("region {own} is within {places}") if inside else N_("region {own} is outside {places}")
    return (inside, MESSAGES.say("en", message, own=own, places=", ".join(places)),
            MESSAGES.say("zh", message, own=own, places="、".join(places)))


def _industry(c: IndustryCriterion, facts: Facts, path: str) -> Outcome:
    bound = ",".join(c.codes)
    if not facts.industries:
        reason, reason_zh = MESSAGES.pair("provide industries (GB/T 4754 codes)")
        return Outcome(path=path, type=c.type, status="unknown", field="industries", bound=bound,
                       reason=reason, reason_zh=reason_zh)
    inside = any(reference.industry_within(own, code) for own in facts.industries for code in c.codes)
    ok = inside != c.exclude
    if not inside:
        message = N_("industries not in {codes}")
    elif c.exclude:
        message = N_("industries in {codes} (excluded)")
    else:
        message = N_("industries in {codes}")
    return Outcome(path=path, type=c.type, status="pass" if ok else "fail", field="industries",
                   value=",".join(facts.industries), bound=("not " if c.exclude else "") + bound,
                   reason=MESSAGES.say("en", message, codes=bound),
                   reason_zh=MESSAGES.say("zh", message, codes="、".join(c.codes)))


def _designation(c: DesignationCriterion, facts: Facts, path: str) -> Outcome:
    title_zh = DESIGNATION_NAMES_ZH[c.designation]
    name = f"{c.designation.value} ({title_zh})"
    field = f"designations.{c.designation.value}"
    held = c.designation in facts.designations
    start, end = c.awarded_from or "…", c.awarded_to or "…"

    def said(message: str, **values: object) -> dict[str, str]:
        """The reason in both languages: the English names the title by its key and Chinese name, the Chinese by
        its name alone."""
        return {"reason": MESSAGES.say("en", message, name=name, start=start, end=end, **values),
                "reason_zh": MESSAGES.say("zh", message, name=title_zh, start=start, end=end, **values)}

    if not c.held:
        return Outcome(path=path, type=c.type, status="fail" if held else "pass", field=field,
                       **said(N_("must not hold {name}; holds it") if held else N_("must not hold {name}; does not")))
    if not held:
        return Outcome(path=path, type=c.type, status="fail", field=field, **said(N_("needs {name}")))
    if c.awarded_from is None and c.awarded_to is None:
        return Outcome(path=path, type=c.type, status="pass", field=field, **said(N_("holds {name}")))
    awarded = facts.designations[c.designation]
    window = f"{start} to {end}"
    if awarded is None:
        return Outcome(path=path, type=c.type, status="unknown", field=field + ".awarded", bound=window,
                       **said(N_("provide the date {name} was awarded (must fall {start} to {end})")))
    ok = (c.awarded_from is None or c.awarded_from <= awarded) and (c.awarded_to is None or awarded <= c.awarded_to)
    return Outcome(path=path, type=c.type, status="pass" if ok else "fail", field=field + ".awarded",
                   value=awarded.isoformat(), bound=window,
                   **said(N_("{name} awarded {date}; must fall {start} to {end}"), date=awarded))


def _size(c: SizeClassCriterion, facts: Facts, path: str) -> Outcome:
    bound = ",".join(size.value for size in c.classes)
    if facts.size_class is None:
        reason, reason_zh = MESSAGES.pair(
            "provide industries, employees, operating_revenue (and total_assets) to size the firm")
        return Outcome(path=path, type=c.type, status="unknown", field="size_class", bound=bound,
                       reason=reason, reason_zh=reason_zh)
    ok = facts.size_class in c.classes
    message = N_("size class {size}; must be {classes}")
    return Outcome(path=path, type=c.type, status="pass" if ok else "fail", field="size_class",
                   value=facts.size_class.value, bound=bound,
                   reason=MESSAGES.say("en", message, size=facts.size_class.value, classes=" or ".join(bound.split(","))),
                   reason_zh=MESSAGES.say("zh", message, size=wording.size_zh(facts.size_class.value),
                                          classes="、".join(wording.size_zh(size.value) for size in c.classes)))


def attestation_field(c: AttestationCriterion, measure: str) -> str:
    """The name a missing declaration goes by: per scheme where the rule is per scheme."""
    scheme = c.scheme_for(measure)
    return f"attestations.{c.attestation.value}" + (f"@{scheme}" if scheme else "")


def _attestation(c: AttestationCriterion, facts: Facts, path: str, measure: str) -> Outcome:
    field = attestation_field(c, measure)
    scheme = c.scheme_for(measure)

    def words(message: str, lang: wording.Lang) -> str:
        """The declaration by its key in English and in words in Chinese, and the scheme it is made for."""
        what = c.attestation.value if lang == "en" else wording.attestation_zh(c.attestation.value)
        if scheme:
            what = MESSAGES.say(lang, "{declaration} for {scheme}", declaration=what, scheme=scheme)
        return MESSAGES.say(lang, message, what=what)

    if c.attestation in facts.attestations or (scheme and (c.attestation, scheme) in facts.scheme_attestations):
        declared = N_("declared {what}")
        return Outcome(path=path, type=c.type, status="pass", field=field, reason=words(declared, "en"),
                       reason_zh=words(declared, "zh"))
    declare = N_("declare {what} if it is true")
    return Outcome(path=path, type=c.type, status="unknown", field=field, reason=words(declare, "en"),
                   reason_zh=words(declare, "zh"))


def _manual(c: ManualCriterion, facts: Facts, path: str, measure: str) -> Outcome:
    """`reason` starts "confirm: " or "confirmed: " and `reason_zh` "待确认：" or "已确认：", which callers strip."""
    text_zh = c.text_zh or c.text
    if (measure, c.key) in facts.confirmed:
        confirmed = N_("confirmed: {condition}")
        return Outcome(path=path, type=c.type, status="pass", field=f"confirmations.{c.key}", condition=c.key,
                       text_zh=c.text_zh, reason=MESSAGES.say("en", confirmed, condition=c.text),
                       reason_zh=MESSAGES.say("zh", confirmed, condition=text_zh))
    confirm = N_("confirm: {condition}")
    return Outcome(path=path, type=c.type, status="confirm", field=f"confirmations.{c.key}", condition=c.key,
                   text_zh=c.text_zh, reason=MESSAGES.say("en", confirm, condition=c.text),
                   reason_zh=MESSAGES.say("zh", confirm, condition=text_zh))


def evaluate_criterion(criterion: Criterion, facts: Facts, path: str, measure: str = "") -> Outcome:
    """One criterion (and its parts, for groups) against the facts."""
    if (criterion.effective_from is not None or criterion.effective_to is not None) and not in_effect(
            criterion, facts.as_of):
        reason, reason_zh = MESSAGES.pair("not in force on this date")
        return Outcome(path=path, type=criterion.type, status="pass", reason=reason, reason_zh=reason_zh)
    # One dictionary look-up instead of a chain of isinstance checks through pydantic's metaclass: every
    # judgement of a page of results runs this for each of its conditions.
    return _RULES[type(criterion)](criterion, facts, path, measure)


def _group(criterion: AnyOfCriterion | AllOfCriterion, facts: Facts, path: str, measure: str) -> Outcome:
    parts = [evaluate_criterion(part, facts, f"{path}.criteria[{i}]", measure)
             for i, part in enumerate(criterion.criteria)]
    statuses = [STATUS_OF[part.status] for part in parts]
    combined = max(statuses) if criterion.type == "any_of" else min(statuses)
    if criterion.type == "any_of":
        message = N_("at least one of {count} conditions: {status}")
    else:
        message = N_("all of {count} conditions: {status}")
    return Outcome(path=path, type=criterion.type, status=combined.label, parts=parts,
                   reason=MESSAGES.say("en", message, count=len(parts), status=combined.label),
                   reason_zh=MESSAGES.say("zh", message, count=len(parts),
                                          status=MESSAGES.say("zh", wording.STATUSES[combined.label])))


# Each criterion class and its rule; a new class without one fails at its first evaluation, and the
# test that walks every criterion type (tests/matching/eligibility) finds that first.
_RULES: dict[type, Callable[[Any, Facts, str, str], Outcome]] = {
    NumericCriterion: lambda c, facts, path, _: _numeric(c, facts, path),
    FlagCriterion: lambda c, facts, path, _: _flag(c, facts, path),
    RegionCriterion: lambda c, facts, path, _: _region(c, facts, path),
    IndustryCriterion: lambda c, facts, path, _: _industry(c, facts, path),
    DesignationCriterion: lambda c, facts, path, _: _designation(c, facts, path),
    SizeClassCriterion: lambda c, facts, path, _: _size(c, facts, path),
    AttestationCriterion: _attestation,
    ManualCriterion: _manual,
    AnyOfCriterion: _group,
    AllOfCriterion: _group,
}


STATUS_OF: dict[str, Status] = {status.label: status for status in Status}


def jurisdiction_rule(jurisdiction: Sequence[str]) -> list[Criterion]:
    """A measure applies only where its issuer governs: its jurisdiction is an implicit first criterion.

    National measures need no such rule. Kept as a criterion so the scalar and the
    columnar evaluators apply it the same way.
    """
    return list(_jurisdiction_rule(tuple(jurisdiction)))


@functools.lru_cache(maxsize=4096)
def _jurisdiction_rule(jurisdiction: tuple[str, ...]) -> tuple[Criterion, ...]:
    """Built once per jurisdiction: every judgement of a regional measure asks for it."""
    if not jurisdiction or reference.NATIONAL in jurisdiction:
        return ()
    return (RegionCriterion(type="region_in", codes=list(jurisdiction), note="the measure's jurisdiction"),)


def evaluate(
    criteria: list[Criterion], facts: Facts, jurisdiction: Sequence[str] = (), measure: str = ""
) -> tuple[Verdict, list[Outcome]]:
    """A measure's verdict for this firm and the outcome of each of its criteria.

    With a jurisdiction, its implicit rule comes first, with the path `jurisdiction`.
    `measure` is the measure's code: confirmations and per-scheme declarations name it.
    """
    outcomes = [evaluate_criterion(rule, facts, "jurisdiction") for rule in _jurisdiction_rule(tuple(jurisdiction))]
    outcomes += [evaluate_criterion(criterion, facts, f"criteria[{i}]", measure)
                 for i, criterion in enumerate(criteria)]
    worst = min((STATUS_OF[outcome.status] for outcome in outcomes), default=Status.passed)
    return verdict_of(worst), outcomes


def verdict_of(worst: Status) -> Verdict:
    if worst is Status.fail:
        return Verdict.ineligible
    if worst is Status.passed:
        return Verdict.eligible
    return Verdict.possibly_eligible


def decisive(outcomes: list[Outcome], status: str) -> list[Outcome]:
    """Leaves with this status that decide the verdict: reached only through groups of the same status.

    A failing branch of an `any_of` that another branch passes changes nothing and is
    not reported; every branch of a failing `any_of` is, since any one would do.
    """
    found: list[Outcome] = []
    for outcome in outcomes:
        if outcome.status == status:
            found += decisive(outcome.parts, status) if outcome.parts else [outcome]
    return found
