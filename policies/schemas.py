"""The measure as a document: what curators write, imports carry and revisions snapshot."""

import datetime as dt
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, UrlConstraints, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from policies.criteria import Criterion
from policies.i18n import OneLanguage
from policies.messages import MESSAGES
from policies.reference import IndustryCode, RegionCode
from policies.terms import Benefit, FinancingBenefit, Window
from policies.validation import industries_problem
from policies.vocabulary import FinancingInstrument, Level, MeasureKind, MeasureStatus

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{2,63}$"


def as_utc(value: dt.datetime) -> dt.datetime:
    """Timestamps are stored naive in UTC (policies.db.utcnow); they leave with their offset, as RFC 3339 requires,
    so a client in UTC+8 does not read them as local time."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(as_utc)]
# URL columns are String(2000); pydantic alone allows 2083 characters, which PostgreSQL refuses with a 500.
StoredUrl = Annotated[HttpUrl, UrlConstraints(max_length=2000)]


class MeasureFields(BaseModel):
    """Every editable field of a measure, each one optional, for partial updates."""

    model_config = ConfigDict(extra="forbid")

    title_en: str | None = Field(default=None, min_length=3, max_length=300)
    title_zh: str | None = Field(default=None, min_length=2, max_length=300)
    summary: str | None = Field(default=None, min_length=10, max_length=2000)
    summary_zh: str | None = Field(default=None, min_length=4, max_length=2000,
                                   description="the summary in Chinese, as the bureau writes it")
    body: str | None = Field(default=None, max_length=50_000)
    body_zh: str | None = Field(default=None, max_length=50_000,
                                description="the full text in Chinese: 支持对象, 支持标准, 申报条件, 申报时间, 申报材料")
    kind: MeasureKind | None = None
    authority: str | None = Field(default=None, min_length=2, max_length=300)
    authority_zh: str | None = Field(default=None, min_length=2, max_length=300,
                                     description="the issuing body's Chinese name, e.g. 温州市经济和信息化局")
    level: Level | None = None
    jurisdiction: list[RegionCode] | None = Field(default=None, min_length=1)
    industries: list[IndustryCode] | None = None
    criteria: list[Criterion] | None = None
    benefit: Benefit | None = None
    window: Window | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    legal_basis: str | None = Field(default=None, max_length=500)
    source_url: StoredUrl | None = None
    exclusivity_group: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")
    implements: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9-]{1,63}$",
        description="the scheme this measure carries out (a central facility, a national plan): measures naming "
                    "the same scheme pay the same money, so a firm's bundle counts it once")

    @model_validator(mode="after")
    def _effective_in_order(self) -> Self:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError(MESSAGES.say("en", "effective_to ({end}) is before effective_from ({start})",
                                          end=self.effective_to, start=self.effective_from))
        return self


NULLABLE_FIELDS = frozenset({"summary_zh", "body", "body_zh", "authority_zh", "effective_from", "effective_to", "legal_basis", "source_url",
                             "exclusivity_group", "implements"})


class MeasureUpdate(MeasureFields):
    """A partial edit: only the fields sent change. Null clears an optional field and nothing else."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"benefit": {"kind": "fixed", "amount": 800_000}, "exclusivity_group": "wz-first-recognition"}
    ]})

    @model_validator(mode="before")
    @classmethod
    def _no_null_for_required(cls, data: object) -> object:
        if isinstance(data, dict):
            nulled = sorted(k for k, v in data.items() if v is None and k not in NULLABLE_FIELDS)
            if nulled:
                # Null criteria would otherwise fall back to none at all: open to every firm.
                raise ValueError(MESSAGES.say("en", "cannot be null: {fields}", fields=", ".join(nulled)))
        return data


EXAMPLE_MEASURE: dict[str, Any] = {
    "code": "ZJ-WZ-LITTLE-GIANT-FIRST-AWARD-2027",
    "title_en": "Wenzhou award for firms first recognised as national little giants (2027 round)",
    "title_zh": "温州市首次认定国家级专精特新“小巨人”企业奖励",
    "summary": "A one-off award of 1 million yuan for Wenzhou firms first recognised as national little giants.",
    "summary_zh": "对首次认定为国家级专精特新“小巨人”的温州市企业，给予一次性奖励100万元。",
    "kind": "award", "authority": "Wenzhou Municipal Bureau of Economy and Information Technology",
    "authority_zh": "温州市经济和信息化局",
    "level": "municipal", "jurisdiction": ["330300"], "industries": ["C"],
    "criteria": [
        {"type": "industry_in", "codes": ["C"]},
        {"type": "designation", "designation": "little_giant", "awarded_from": "2026-01-01"},
        {"type": "any_of", "criteria": [
            {"type": "numeric", "field": "operating_revenue", "op": "gte", "value": 10_000_000},
            {"type": "numeric", "field": "new_equity_financing_2y", "op": "gte", "value": 20_000_000}]},
        {"type": "attestation", "attestation": "no_serious_violation_3y"},
    ],
    "benefit": {"kind": "fixed", "amount": 1_000_000},
    "window": {"mode": "batch", "opens": "2027-03-01", "closes": "2027-04-30"},
    "exclusivity_group": "wz-first-recognition",
    "source_url": "https://jxj.wenzhou.gov.cn/",
}


INSTRUMENT_OF_KIND = {MeasureKind.credit_guarantee: FinancingInstrument.guarantee,
                      MeasureKind.guidance_fund_equity: FinancingInstrument.equity}


def with_instrument(benefit: Benefit, kind: MeasureKind) -> Benefit:
    """A financing benefit written without its instrument (records before it had one) takes its measure kind's."""
    if isinstance(benefit, FinancingBenefit) and benefit.instrument is None:
        return benefit.model_copy(update={"instrument": INSTRUMENT_OF_KIND.get(kind, FinancingInstrument.loan)})
    return benefit


class MeasureCreate(MeasureFields):
    """A new measure; the fields a catalogue entry cannot do without are required."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_MEASURE]})

    code: str = Field(pattern=CODE_PATTERN, description="stable code, e.g. ZJ-WZ-LITTLE-GIANT-AWARD")
    title_en: str = Field(min_length=3, max_length=300)
    title_zh: str = Field(min_length=2, max_length=300)
    summary: str = Field(min_length=10, max_length=2000)
    kind: MeasureKind
    authority: str = Field(min_length=2, max_length=300)
    level: Level
    jurisdiction: list[RegionCode] = Field(min_length=1)
    industries: list[IndustryCode] = Field(default_factory=list)
    criteria: list[Criterion] = Field(default_factory=list)
    benefit: Benefit
    window: Window

    # What is written (created, imported, edited) must not list industries it does not
    # enforce; what was stored before the rule still reads (MeasurePublic turns it off).
    check_industries: ClassVar[bool] = True

    @model_validator(mode="after")
    def _instrument_from_kind(self) -> Self:
        self.benefit = with_instrument(self.benefit, self.kind)
        return self

    @model_validator(mode="after")
    def _industries_enforced(self) -> Self:
        problem = industries_problem(self.industries, self.criteria) if self.check_industries else None
        if problem:
            # Raised as the field's own error, so the answer names `industries` (body.industries,
            # an import's field column) rather than the record as a whole.
            raise ValidationError.from_exception_data(type(self).__name__, [InitErrorDetails(
                type=PydanticCustomError("industries_not_enforced", problem), loc=("industries",),
                input=self.industries)])
        return self


class MeasureRecord(MeasureCreate):
    """One record of an import file: a full measure plus the status it should have."""

    status: MeasureStatus = MeasureStatus.draft


class NamedCode(BaseModel):
    code: str
    name: str | None


class MeasurePublic(MeasureRecord, OneLanguage):
    """A measure as the API returns it, with its codes named.

    The record keeps both languages, as curators edit it; the sentences generated from it are
    the reader's (`OneLanguage`)."""

    __records__: ClassVar[frozenset[str]] = frozenset({"title", "summary", "body", "authority"})
    check_industries: ClassVar[bool] = False
    revision: int
    created_at: UtcDateTime
    updated_at: UtcDateTime
    jurisdiction_names: list[NamedCode] = Field(default_factory=list)
    industry_names: list[NamedCode] = Field(default_factory=list)
    who_qualifies: str = Field(default="", description="generated from the criteria")
    who_qualifies_zh: str = ""
    benefit_summary: str = Field(default="", description="generated from the benefit")
    benefit_summary_zh: str = ""
    window_summary: str = Field(default="", description="generated from the window")
    window_summary_zh: str = ""


class RevisionPublic(BaseModel):
    """One immutable entry of a measure's history."""

    model_config = ConfigDict(from_attributes=True)

    revision: int
    actor: str
    action: str
    created_at: UtcDateTime
    changes: list["FieldChange"]


class RevisionDetail(RevisionPublic):
    snapshot: dict[str, object]


class FieldChange(BaseModel):
    """A difference between two revisions at one JSON path, e.g. `criteria/2/value`."""

    path: str
    before: object = None
    after: object = None


class MeasureFilter(BaseModel):
    """Catalogue list filters; every one optional and combined with AND."""

    model_config = ConfigDict(extra="forbid")

    status: list[MeasureStatus] | None = None
    kind: list[MeasureKind] | None = None
    level: list[Level] | None = None
    region: RegionCode | None = Field(
        default=None, description="measures whose jurisdiction covers this region (or lies in it)"
    )
    industry: IndustryCode | None = None
    exclusivity_group: str | None = None
    q: str | None = Field(default=None, max_length=200, description="substring of code or titles")


RevisionPublic.model_rebuild()
