"""Outcome builders shared by the rungs: groups, titles, flags, SME basics, score checks, shared facts."""

from collections.abc import Sequence
from typing import Literal

from matching.eligibility.rules import STATUS_OF, Outcome
from matching.firm.facts import Facts
from matching.firm.profile import FirmProfile
from matching.ladder.models import Indicator, Rung, StatusLabel
from matching.ladder.scoring import GROUP_NAMES_ZH, at_least
from matching.ladder.thresholds import check
from policies.vocabulary import DESIGNATION_NAMES_ZH, Attestation, Designation, NumericField, SizeClass


def group(path: str, kind: Literal["all_of", "any_of"], what: str, parts: Sequence[Outcome]) -> Outcome:
    statuses = [STATUS_OF[part.status] for part in parts]
    combined = max(statuses) if kind == "any_of" else min(statuses)
    return Outcome(path=path, type=kind, status=combined.label, reason=f"{what}: {combined.label}",
                   parts=list(parts))


def _title_name(title: Designation) -> str:
    return f"{DESIGNATION_NAMES_ZH[title]} ({title.value})"


def holds(path: str, facts: Facts, titles: Sequence[Designation], *, confirm: str | None = None) -> Outcome:
    """A title-based condition or route; `confirm` names what the title alone does not prove."""
    field = "designations." + titles[0].value
    found = [title for title in titles if title in facts.designations]
    if not found:
        wanted = " or ".join(_title_name(title) for title in titles)
        return Outcome(path=path, type="designation", status="fail", field=field,
                       reason=f"needs a valid {wanted} title; none held")
    held = _title_name(found[0])
    if confirm:
        return Outcome(path=path, type="designation", status="confirm", field=field, value=found[0].value,
                       reason=f"confirm: {confirm} (holds {held})")
    return Outcome(path=path, type="designation", status="pass", field=field, value=found[0].value,
                   reason=f"holds {held}")


def flag(path: str, field: str, value: bool | None, *, what: str, yes: StatusLabel = "pass",
         no: StatusLabel = "fail") -> Outcome:
    """A yes/no fact from the profile: missing → unknown; `yes` may be `confirm` where a person judges."""
    if value is None:
        return Outcome(path=path, type="flag", status="unknown", field=field,
                       reason=f"provide {field} ({what})")
    status = yes if value else no
    prefix = "confirm: " if status == "confirm" else ""
    verdict = "yes" if value else "no"
    return Outcome(path=path, type="flag", status=status, field=field, value=verdict,
                   reason=f"{prefix}{what} — profile says {verdict}")


def manual(path: str, text: str) -> Outcome:
    return Outcome(path=path, type="manual", status="confirm", reason=f"confirm: {text}")


def platform_score(path: str, bound: float) -> Outcome:
    """§1.7/§6.5: the 专精特新发展评价 score comes from the platform's own data, so it stays unknown."""
    return Outcome(path=path, type="platform_score", status="unknown", bound=bound,
                   reason=f"专精特新发展评价 score ≥ {bound:g} (工信厅企业〔2024〕75号) is computed by the national "
                          "platform from the firm's filings; it cannot be derived from the profile")


def _sme(path: str, facts: Facts) -> Outcome:
    """Basic condition of every 63号/2号 annex: an SME under 工信部联企业〔2011〕300号 (§1.1, §2.1)."""
    if facts.size_class is None:
        return Outcome(path=path, type="size_class", status="unknown", field="size_class",
                       reason="provide industries, employees, operating_revenue (and total_assets) "
                              "to size the firm")
    large = facts.size_class is SizeClass.large
    return Outcome(path=path, type="size_class", status="fail" if large else "pass", field="size_class",
                   value=facts.size_class.value, bound="micro,small,medium",
                   reason=f"size class {facts.size_class.value}; must be an SME (not large)")


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
        reason = f"declared {item.value}" if declared else f"declare {item.value} if it is true"
        outcomes.append(Outcome(path=f"{rung}.{field}", type="attestation", field=field,
                                status="pass" if declared else "unknown", reason=reason))
    return outcomes


def basics(rung: Rung, facts: Facts) -> list[Outcome]:
    return [_sme(f"{rung}.size", facts), *attested(rung, facts, BASIC_ATTESTATIONS)]


def score_check(path: str, label: str, indicators: Sequence[Indicator], bound: float) -> Outcome:
    """Pass when even the lowest achievable score meets the mark, fail when the highest cannot.

    In between the status is `confirm` if only a person's confirmation is open, else `unknown`.
    """
    low, high = sum(i.floor for i in indicators), sum(i.ceiling for i in indicators)
    shown = f"{low:g}" if low == high else f"{low:g}–{high:g}"
    value: float | str = low if low == high else shown
    if at_least(low, bound):
        return Outcome(path=path, type="score", status="pass", value=value, bound=bound,
                       reason=f"{label} {shown} meets ≥ {bound:g}")
    if not at_least(high, bound):
        best = " at best" if low < high else ""
        return Outcome(path=path, type="score", status="fail", value=value, bound=bound, gap=bound - high,
                       reason=f"{label} {shown}{best} → needs ≥ {bound:g} ({bound - high:+g} points)")
    open_items = [i for i in indicators if i.points is None]
    status = "confirm" if all(i.pending == "confirm" for i in open_items) else "unknown"
    names = ", ".join(i.name for i in open_items)
    return Outcome(path=path, type="score", status=status, value=value, bound=bound,
                   reason=f"{label} between {low:g} and {high:g} against ≥ {bound:g}; open: {names}")


def group_checks(path: str, indicators: Sequence[Indicator], minimums: dict[str, float]) -> list[Outcome]:
    return [
        score_check(f"{path}.{group}", f"{GROUP_NAMES_ZH[group]} ({group}) sub-score",
                    [i for i in indicators if i.group == group], bound)
        for group, bound in minimums.items()
    ]


# --------------------------------------------------------------------------- shared fact checks


def provincial_institution(path: str, profile: FirmProfile, facts: Facts) -> Outcome:
    """A provincial-or-higher R&D institution, from the titles or the declared level (§1.1, §1.2, §1.4)."""
    titles = (Designation.national_rd_institution, Designation.provincial_rd_institution)
    level = profile.rd_institution_level
    if any(title in facts.designations for title in titles) or level in ("national", "provincial"):
        held = [title.value for title in titles if title in facts.designations]
        shown: str = level if level in ("national", "provincial") else held[0]
        return Outcome(path=path, type="rd_institution", status="pass", field="rd_institution_level",
                       value=shown, reason=f"R&D institution at provincial level or above ({shown})")
    if level is not None or profile.has_rd_institution is False:
        return Outcome(path=path, type="rd_institution", status="fail", field="rd_institution_level",
                       value=level or "none",
                       reason="needs an R&D institution recognised at provincial level or above; "
                              f"level is {level or 'none'}")
    return Outcome(path=path, type="rd_institution", status="unknown", field="rd_institution_level",
                   reason="provide rd_institution_level "
                          "(a provincial or national R&D institution would qualify)")


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
