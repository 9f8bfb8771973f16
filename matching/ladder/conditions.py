"""Outcome builders shared by the rungs: groups, titles, flags, SME basics, score checks, shared facts."""

from collections.abc import Sequence
from functools import reduce
from typing import Literal

from matching.eligibility.rules import STATUS_OF, Outcome
from matching.eligibility.wording import Lang, attestation_zh, size_zh
from matching.firm.facts import Facts
from matching.firm.profile import FirmProfile
from matching.ladder.models import Indicator, Rung, StatusLabel
from matching.ladder.scoring import GROUP_NAMES, at_least
from matching.ladder.thresholds import check
from matching.messages import MESSAGES
from policies.i18n import N_
from policies.vocabulary import DESIGNATION_NAMES_ZH, Attestation, Designation, NumericField, SizeClass

# A group's reason by how it came out: the English gives the status itself, the Chinese its word for it.
_GROUP_REASONS: dict[str, str] = {
    "pass": N_("{what}: pass"), "fail": N_("{what}: fail"), "unknown": N_("{what}: unknown"),
    "confirm": N_("{what}: confirm"),
}
# R&D institution levels (the profile's `rd_institution_level`), for the Chinese: the English gives the key.
INSTITUTION_LEVELS: dict[str, str] = {
    "national": N_("national level"), "provincial": N_("provincial level"), "municipal": N_("municipal level"),
    "other": N_("other level"), "none": N_("no R&D institution"),
}


def group(path: str, kind: Literal["all_of", "any_of"], what: str, parts: Sequence[Outcome]) -> Outcome:
    """All or any of `parts`; `what` is the message naming what they stand for."""
    statuses = [STATUS_OF[part.status] for part in parts]
    combined = max(statuses) if kind == "any_of" else min(statuses)
    reason = _GROUP_REASONS[combined.label]
    return Outcome(path=path, type=kind, status=combined.label, reason=MESSAGES.say("en", reason, what=what),
                   reason_zh=MESSAGES.say("zh", reason, what=MESSAGES.say("zh", what)), parts=list(parts))


def to_confirm(text: str, lang: Lang) -> str:
    """`text`, already in `lang`, as something a person must confirm."""
    return MESSAGES.say(lang, "confirm: {what}", what=text)


def _title_name(title: Designation, lang: Lang) -> str:
    """English names a title by its Chinese name and key, Chinese by its name."""
    return f"{DESIGNATION_NAMES_ZH[title]} ({title.value})" if lang == "en" else DESIGNATION_NAMES_ZH[title]


def holds(path: str, facts: Facts, titles: Sequence[Designation], *, confirm: str | None = None) -> Outcome:
    """A title-based condition or route; `confirm` is the message naming what the title alone does not prove."""
    field = "designations." + titles[0].value
    found = [title for title in titles if title in facts.designations]
    if not found:
        def wanted(lang: Lang) -> str:
            names = [_title_name(title, lang) for title in titles]
            either = reduce(lambda first, second: MESSAGES.say(lang, "{first} or {second}", first=first,
                                                               second=second), names)
            return MESSAGES.say(lang, "needs a valid {titles} title; none held", titles=either)

        return Outcome(path=path, type="designation", status="fail", field=field,
                       reason=wanted("en"), reason_zh=wanted("zh"))
    held = found[0]
    if confirm:
        def unproven(lang: Lang) -> str:
            return MESSAGES.say(lang, "confirm: {what} (holds {title})", what=MESSAGES.say(lang, confirm),
                                title=_title_name(held, lang))

        return Outcome(path=path, type="designation", status="confirm", field=field, value=held.value,
                       reason=unproven("en"), reason_zh=unproven("zh"))
    return Outcome(path=path, type="designation", status="pass", field=field, value=held.value,
                   reason=MESSAGES.say("en", "holds {title}", title=_title_name(held, "en")),
                   reason_zh=MESSAGES.say("zh", "holds {title}", title=_title_name(held, "zh")))


def flag(path: str, field: str, value: bool | None, *, what: str, yes: StatusLabel = "pass",
         no: StatusLabel = "fail") -> Outcome:
    """A yes/no fact from the profile: missing → unknown; `yes` may be `confirm` where a person judges.

    `what` is the message naming the fact.
    """
    if value is None:
        def ask(lang: Lang) -> str:
            return MESSAGES.say(lang, "provide {field} ({what})", field=field, what=MESSAGES.say(lang, what))

        return Outcome(path=path, type="flag", status="unknown", field=field, reason=ask("en"), reason_zh=ask("zh"))
    status = yes if value else no
    says = N_("{what} — profile says yes") if value else N_("{what} — profile says no")

    def told(lang: Lang) -> str:
        text = MESSAGES.say(lang, says, what=MESSAGES.say(lang, what))
        return to_confirm(text, lang) if status == "confirm" else text

    return Outcome(path=path, type="flag", status=status, field=field, value="yes" if value else "no",
                   reason=told("en"), reason_zh=told("zh"))


def manual(path: str, text: str, **values: object) -> Outcome:
    """A condition only a person can judge; `text` is its message, filled with `values`."""
    return Outcome(path=path, type="manual", status="confirm",
                   reason=to_confirm(MESSAGES.say("en", text, **values), "en"),
                   reason_zh=to_confirm(MESSAGES.say("zh", text, **values), "zh"))


def platform_score(path: str, bound: float) -> Outcome:
    """§1.7/§6.5: the 专精特新发展评价 score comes from the platform's own data, so it stays unknown."""
    reason, reason_zh = MESSAGES.pair(
        "专精特新发展评价 score ≥ {bound:g} (工信厅企业〔2024〕75号) is computed by the national platform from the "
        "firm's filings; it cannot be derived from the profile", bound=bound)
    return Outcome(path=path, type="platform_score", status="unknown", bound=bound, reason=reason,
                   reason_zh=reason_zh)


def _sme(path: str, facts: Facts) -> Outcome:
    """Basic condition of every 63号/2号 annex: an SME under 工信部联企业〔2011〕300号 (§1.1, §2.1)."""
    if facts.size_class is None:
        reason, reason_zh = MESSAGES.pair(
            "provide industries, employees, operating_revenue (and total_assets) to size the firm")
        return Outcome(path=path, type="size_class", status="unknown", field="size_class", reason=reason,
                       reason_zh=reason_zh)
    size = facts.size_class.value
    large = facts.size_class is SizeClass.large
    return Outcome(path=path, type="size_class", status="fail" if large else "pass", field="size_class",
                   value=size, bound="micro,small,medium",
                   reason=MESSAGES.say("en", "size class {size}; must be an SME (not large)", size=size),
                   reason_zh=MESSAGES.say("zh", "size class {size}; must be an SME (not large)", size=size_zh(size)))


BASIC_ATTESTATIONS = (
    Attestation.independent_legal_person,
    Attestation.no_serious_violation_3y,
    Attestation.no_major_accident_3y,
    Attestation.tax_compliant,
    Attestation.products_not_restricted,
)


def attested(rung: Rung, facts: Facts, items: Sequence[Attestation]) -> list[Outcome]:
    """Declarations a bureau checks later; undeclared is unknown, as in `eligibility`."""
    outcomes = []
    for item in items:
        field = f"attestations.{item.value}"
        declared = item in facts.attestations
        reason = N_("declared {item}") if declared else N_("declare {item} if it is true")
        outcomes.append(Outcome(path=f"{rung}.{field}", type="attestation", field=field,
                                status="pass" if declared else "unknown",
                                reason=MESSAGES.say("en", reason, item=item.value),
                                reason_zh=MESSAGES.say("zh", reason, item=attestation_zh(item.value))))
    return outcomes


def basics(rung: Rung, facts: Facts) -> list[Outcome]:
    return [_sme(f"{rung}.size", facts), *attested(rung, facts, BASIC_ATTESTATIONS)]


def score_check(path: str, label: tuple[str, str], indicators: Sequence[Indicator], bound: float) -> Outcome:
    """Pass when even the lowest achievable score meets the mark, fail when the highest cannot.

    In between the status is `confirm` if only a person's confirmation is open, else `unknown`.
    `label` names the score in English and Chinese.
    """
    low, high = sum(i.floor for i in indicators), sum(i.ceiling for i in indicators)
    shown = f"{low:g}" if low == high else f"{low:g}–{high:g}"
    value: float | str = low if low == high else shown
    if at_least(low, bound):
        met = N_("{label} {shown} meets ≥ {bound:g}")
        return Outcome(path=path, type="score", status="pass", value=value, bound=bound,
                       reason=MESSAGES.say("en", met, label=label[0], shown=shown, bound=bound),
                       reason_zh=MESSAGES.say("zh", met, label=label[1], shown=shown, bound=bound))
    if not at_least(high, bound):
        short = (N_("{label} {shown} at best → needs ≥ {bound:g} ({gap:+g} points)") if low < high
                 else N_("{label} {shown} → needs ≥ {bound:g} ({gap:+g} points)"))
        return Outcome(path=path, type="score", status="fail", value=value, bound=bound, gap=bound - high,
                       reason=MESSAGES.say("en", short, label=label[0], shown=shown, bound=bound, gap=bound - high),
                       reason_zh=MESSAGES.say("zh", short, label=label[1], shown=shown, bound=bound, gap=bound - high))
    open_items = [i for i in indicators if i.points is None]
    status = "confirm" if all(i.pending == "confirm" for i in open_items) else "unknown"
    between = N_("{label} between {low:g} and {high:g} against ≥ {bound:g}; open: {names}")
    return Outcome(path=path, type="score", status=status, value=value, bound=bound,
                   reason=MESSAGES.say("en", between, label=label[0], low=low, high=high, bound=bound,
                                       names=", ".join(i.name for i in open_items)),
                   reason_zh=MESSAGES.say("zh", between, label=label[1], low=low, high=high, bound=bound,
                                          names="、".join(i.name_zh for i in open_items)))


def group_checks(path: str, indicators: Sequence[Indicator], minimums: dict[str, float]) -> list[Outcome]:
    checks = []
    for group, bound in minimums.items():
        name = MESSAGES.say("zh", GROUP_NAMES[group])
        label = (MESSAGES.say("en", "{group} sub-score", group=f"{name} ({group})"),
                 MESSAGES.say("zh", "{group} sub-score", group=name))
        checks.append(score_check(f"{path}.{group}", label, [i for i in indicators if i.group == group], bound))
    return checks


# --------------------------------------------------------------------------- shared fact checks


def provincial_institution(path: str, profile: FirmProfile, facts: Facts) -> Outcome:
    """A provincial-or-higher R&D institution, from the titles or the declared level (§1.1, §1.2, §1.4)."""
    titles = (Designation.national_rd_institution, Designation.provincial_rd_institution)
    level = profile.rd_institution_level
    if any(title in facts.designations for title in titles) or level in ("national", "provincial"):
        held = [title for title in titles if title in facts.designations]
        shown: str = level if level in ("national", "provincial") else held[0].value
        shown_zh = (MESSAGES.say("zh", INSTITUTION_LEVELS[shown]) if level in ("national", "provincial")
                    else DESIGNATION_NAMES_ZH[held[0]])
        above = N_("R&D institution at provincial level or above ({level})")
        return Outcome(path=path, type="rd_institution", status="pass", field="rd_institution_level",
                       value=shown, reason=MESSAGES.say("en", above, level=shown),
                       reason_zh=MESSAGES.say("zh", above, level=shown_zh))
    if level is not None or profile.has_rd_institution is False:
        below = N_("needs an R&D institution recognised at provincial level or above; level is {level}")
        stated = level or "none"
        return Outcome(path=path, type="rd_institution", status="fail", field="rd_institution_level",
                       value=stated, reason=MESSAGES.say("en", below, level=stated),
                       reason_zh=MESSAGES.say("zh", below, level=MESSAGES.say("zh", INSTITUTION_LEVELS[stated])))
    reason, reason_zh = MESSAGES.pair(
        "provide rd_institution_level (a provincial or national R&D institution would qualify)")
    return Outcome(path=path, type="rd_institution", status="unknown", field="rd_institution_level",
                   reason=reason, reason_zh=reason_zh)


def rd_each_year(rung: Rung, facts: Facts, bound: float) -> list[Outcome]:
    """R&D / revenue ≥ bound in each of the last 2 years (§1.4, §1.5, §1.6, §6.3)."""
    return [
        check(f"{rung}.rd_ratio", facts, NumericField.rd_ratio, "gte", bound),
        check(f"{rung}.rd_ratio_prev", facts, NumericField.rd_ratio_prev, "gte", bound),
    ]


def prerequisite(rung: Rung, facts: Facts) -> Outcome:
    """§1.4, §1.6, §6.4: under 2026 each tier needs the tier below.

    A valid title at the rung's own or a higher tier also counts: each tier is recognised from
    the one below, so holding it shows the lower standing.
    """
    titles = PREREQUISITES_2026[rung]
    return holds(f"{rung}.prerequisite", facts, titles)


PREREQUISITES_2026: dict[Rung, tuple[Designation, ...]] = {
    "specialized_sme": (Designation.tech_sme, Designation.innovative_sme, Designation.specialized_sme,
                        Designation.little_giant),
    "little_giant": (Designation.specialized_sme, Designation.little_giant),
}
