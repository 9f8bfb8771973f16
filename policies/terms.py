"""What a measure gives (its benefit) and when one can apply (its window)."""

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.vocabulary import BenefitBase, WindowMode

# Ten trillion yuan: far above any support measure, far below what floats and databases hold.
MAX_YUAN = 10**13


class _Benefit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    description: str | None = Field(default=None, max_length=500)


class FixedBenefit(_Benefit):
    """A lump sum in CNY; `up_to` when the text says 最高/不超过."""

    kind: Literal["fixed"]
    amount: int = Field(gt=0, le=MAX_YUAN, description="CNY (yuan)")
    up_to: bool = True


class PercentageBenefit(_Benefit):
    """A share of a base the firm spends (R&D, investment, premium...), capped."""

    kind: Literal["percentage"]
    rate: float = Field(gt=0, le=5, description="fraction of the base, 0.2 means 20%")
    base: BenefitBase
    cap: int | None = Field(default=None, gt=0, le=MAX_YUAN, description="CNY over the whole measure")
    cap_per_year: int | None = Field(default=None, gt=0, le=MAX_YUAN, description="CNY per year")
    years: int = Field(default=1, ge=1, le=10)
    min_base: int | None = Field(default=None, ge=0, le=MAX_YUAN, description="smallest qualifying base, CNY")

    @property
    def ceiling(self) -> int | None:
        """The most the measure can pay over its life, when the text sets a limit."""
        return self.cap or (self.cap_per_year * self.years if self.cap_per_year else None)

    @model_validator(mode="after")
    def _caps_consistent(self) -> Self:
        if self.cap and self.cap_per_year and self.cap_per_year > self.cap:
            raise ValueError("cap_per_year is larger than cap")
        return self


class InterestSubsidyBenefit(_Benefit):
    """Interest paid back as a rate on the loan principal (e.g. 1%/yr), capped per year."""

    kind: Literal["interest_subsidy"]
    rate: float = Field(gt=0, le=0.2, description="annual fraction of the principal")
    cap_per_year: int | None = Field(default=None, gt=0, le=MAX_YUAN, description="CNY per year")
    years: int = Field(default=1, ge=1, le=10)
    min_loan: int | None = Field(default=None, ge=0, le=MAX_YUAN, description="CNY")

    @property
    def ceiling(self) -> int | None:
        return self.cap_per_year * self.years if self.cap_per_year else None


class FinancingBenefit(_Benefit):
    """Access to money rather than money given: a loan, guarantee or equity up to a ceiling."""

    kind: Literal["financing"]
    max_amount: int = Field(gt=0, le=MAX_YUAN, description="largest loan, guarantee or investment, CNY")
    rate: float | None = Field(
        default=None, ge=0, le=0.3, description="loan rate or guarantee fee, annual fraction"
    )


class InKindBenefit(_Benefit):
    """No money changes hands: a title, a free service, priority in other programmes."""

    kind: Literal["in_kind"]
    description: str = Field(min_length=5, max_length=500)
    estimated_value: int | None = Field(default=None, ge=0, le=MAX_YUAN, description="CNY, when a service has a market price")


Benefit = Annotated[
    FixedBenefit | PercentageBenefit | InterestSubsidyBenefit | FinancingBenefit | InKindBenefit,
    Field(discriminator="kind"),
]


class Window(BaseModel):
    """When applications are taken. `automatic` measures (免申即享) need none."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: WindowMode
    opens: dt.date | None = None
    closes: dt.date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.opens and self.closes and self.closes < self.opens:
            raise ValueError(f"window closes ({self.closes}) before it opens ({self.opens})")
        if self.mode is WindowMode.batch and self.closes is None:
            raise ValueError("a batch window needs a closing date")
        return self
