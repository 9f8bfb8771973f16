"""Eligibility criteria as data: a small typed vocabulary, validated on write.

A measure's `criteria` list is a conjunction: every criterion must hold. `any_of`
and `all_of` nest to express alternatives ("revenue ≥ 1000万 or equity financing
≥ 2000万"). Unknown types, fields and operators are refused, since a typo that was
silently ignored would widen eligibility. Evaluation lives in `matching`.
"""

import datetime as dt
import functools
import hashlib
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.messages import MESSAGES
from policies.reference import IndustryCode, RegionCode
from policies.vocabulary import (
    FRACTION_FIELDS,
    PER_SCHEME,
    Attestation,
    Designation,
    FlagField,
    NumericField,
    SizeClass,
)


class Op(StrEnum):
    """Comparison operators. `gte`/`lte`/`between` are inclusive, as 以上/以下 are read."""

    gte = "gte"
    gt = "gt"
    lte = "lte"
    lt = "lt"
    eq = "eq"
    between = "between"


class _Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    effective_from: dt.date | None = Field(
        default=None, description="The criterion applies to evaluations on or after this date."
    )
    effective_to: dt.date | None = Field(
        default=None, description="The criterion applies to evaluations on or before this date."
    )
    note: str | None = Field(default=None, max_length=500, description="Why the rule exists, for people.")
    note_zh: str | None = Field(default=None, max_length=500, description="`note` in Chinese.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError(MESSAGES.say("en", "effective_to is before effective_from"))
        return self


class NumericCriterion(_Criterion):
    """A bound on a numeric profile field, e.g. R&D ratio ≥ 0.03."""

    type: Literal["numeric"]
    field: NumericField
    op: Op
    value: float | None = Field(default=None, ge=-1e15, le=1e15)
    min: float | None = Field(default=None, ge=-1e15, le=1e15)
    max: float | None = Field(default=None, ge=-1e15, le=1e15)

    @model_validator(mode="after")
    def _operands_fit_operator(self) -> Self:
        if self.op is Op.between:
            if self.min is None or self.max is None or self.value is not None:
                raise ValueError(MESSAGES.say("en", "op 'between' takes min and max, not value"))
            if self.min > self.max:
                raise ValueError(MESSAGES.say("en", "inverted range: min {min} is greater than max {max}",
                                              min=self.min, max=self.max))
        elif self.value is None or self.min is not None or self.max is not None:
            raise ValueError(MESSAGES.say("en", "op {op} takes value, not min/max", op=repr(self.op.value)))
        if self.field in FRACTION_FIELDS:
            for bound in (self.value, self.min, self.max):
                if bound is not None and not -1 <= bound <= 1:
                    raise ValueError(MESSAGES.say("en", "{field} is a fraction (0.05 means 5%); got {bound}",
                                                  field=self.field.value, bound=bound))
        return self

    @property
    def low(self) -> float | None:
        if self.op is Op.between:
            return self.min
        return self.value if self.op in (Op.gte, Op.gt, Op.eq) else None

    @property
    def high(self) -> float | None:
        if self.op is Op.between:
            return self.max
        return self.value if self.op in (Op.lte, Op.lt, Op.eq) else None


class FlagCriterion(_Criterion):
    """A yes/no profile fact must have the given value, e.g. not listed."""

    type: Literal["flag"]
    field: FlagField
    value: bool


class RegionCriterion(_Criterion):
    """The firm's registered region lies within one of these regions."""

    type: Literal["region_in"]
    codes: list[RegionCode] = Field(min_length=1)


class IndustryCriterion(_Criterion):
    """One of the firm's industry codes lies within one of these GB/T 4754 prefixes."""

    type: Literal["industry_in"]
    codes: list[IndustryCode] = Field(min_length=1)
    exclude: bool = Field(default=False, description="Invert: the firm must be in none of them.")


class DesignationCriterion(_Criterion):
    """The firm holds (or does not hold) a title, optionally awarded within a date range."""

    type: Literal["designation"]
    designation: Designation
    held: bool = True
    awarded_from: dt.date | None = None
    awarded_to: dt.date | None = None

    @model_validator(mode="after")
    def _award_dates(self) -> Self:
        if self.awarded_from and self.awarded_to and self.awarded_to < self.awarded_from:
            raise ValueError(MESSAGES.say("en", "awarded_to is before awarded_from"))
        if not self.held and (self.awarded_from or self.awarded_to):
            raise ValueError(MESSAGES.say("en", "award dates only apply when held is true"))
        return self


class SizeClassCriterion(_Criterion):
    """The firm's size class (derived by MIIT 2011 No. 300) is one of these."""

    type: Literal["size_class"]
    classes: list[SizeClass] = Field(min_length=1)


class AttestationCriterion(_Criterion):
    """The firm declares a fact about itself that a bureau verifies later.

    Most declarations hold for every scheme (no serious violation). "Not previously
    funded" is about one scheme: a firm funded by last year's technical-renovation
    programme may still be new to the talent programme, so it is asked per scheme.
    """

    type: Literal["attestation"]
    attestation: Attestation
    scheme: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{1,63}$",
        description="the scheme a per-scheme declaration is about; defaults to the measure's own code",
    )

    def scheme_for(self, measure: str) -> str | None:
        """The scheme this declaration is about when it sits in `measure`; None for a general one."""
        if self.scheme is not None:
            return self.scheme
        return measure if self.attestation in PER_SCHEME else None


class ManualAbout(StrEnum):
    """What a hand-checked condition is about, and so why no profile field can decide it.

    A firm's profile holds facts about the firm; a condition about one project, one
    nominee, one purchase or one list the authority keeps is not among them, and a
    judgement ("relatively high market share") is a person's. The catalogue lint
    (`policies.lint`) reads it: numbers and field names in a condition about a
    project or a person are about that project or person, not the firm.
    """

    project = "project"  # the funded project, loan or contract: its field, status, dates
    person = "person"  # the nominee or team of a talent programme
    purchase = "purchase"  # the service, equipment or space bought, and from whom
    listing = "list"  # membership of a list or catalogue the authority keeps
    judgement = "judgement"  # a person's assessment of the firm that no fact settles


class ManualCriterion(_Criterion):
    """A condition only a person can check: unconfirmed, it leaves the verdict `possibly_eligible`."""

    type: Literal["manual"]
    text: str = Field(min_length=3, max_length=1000)
    text_zh: str | None = Field(default=None, max_length=1000)
    about: ManualAbout | None = Field(
        default=None, description="what the condition is about: project, person, purchase, list or judgement")

    @property
    def key(self) -> str:
        """A stable id for confirmations; it changes when the wording does, so an old confirmation lapses."""
        return _condition_key(self.text)


@functools.lru_cache(maxsize=65536)
def _condition_key(text: str) -> str:
    """Hashed once per wording: every judgement of a measure with hand-checked conditions asks for it."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class AnyOfCriterion(_Criterion):
    """At least one of the nested criteria holds."""

    type: Literal["any_of"]
    criteria: list["Criterion"] = Field(min_length=2)


class AllOfCriterion(_Criterion):
    """Every nested criterion holds; used inside `any_of` for compound alternatives."""

    type: Literal["all_of"]
    criteria: list["Criterion"] = Field(min_length=2)


Criterion = Annotated[
    NumericCriterion
    | FlagCriterion
    | RegionCriterion
    | IndustryCriterion
    | DesignationCriterion
    | SizeClassCriterion
    | AttestationCriterion
    | ManualCriterion
    | AnyOfCriterion
    | AllOfCriterion,
    Field(discriminator="type"),
]

AnyOfCriterion.model_rebuild()
AllOfCriterion.model_rebuild()

CRITERION_TYPES: tuple[str, ...] = (
    "numeric",
    "flag",
    "region_in",
    "industry_in",
    "designation",
    "size_class",
    "attestation",
    "manual",
    "any_of",
    "all_of",
)

__all__ = [
    "CRITERION_TYPES",
    "AllOfCriterion",
    "AnyOfCriterion",
    "AttestationCriterion",
    "Criterion",
    "DesignationCriterion",
    "FlagCriterion",
    "IndustryCriterion",
    "ManualAbout",
    "ManualCriterion",
    "NumericCriterion",
    "Op",
    "RegionCriterion",
    "SizeClassCriterion",
]
