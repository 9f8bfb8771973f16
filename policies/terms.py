"""What a measure gives (its benefit) and when one can apply (its window)."""

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from policies.messages import MESSAGES
from policies.vocabulary import BenefitBase, FinancingInstrument, TaxBase, TaxRelief, WindowMode

# Ten trillion yuan: far above any support measure, far below what floats and databases hold.
MAX_YUAN = 10**13


class _Benefit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    description: str | None = Field(default=None, max_length=500)
    description_zh: str | None = Field(default=None, max_length=500, description="`description` in Chinese")


class FixedBenefit(_Benefit):
    """A sum in CNY: exactly `amount` (一次性奖励50万元), or at most it when `up_to` (最高/不超过).

    `years` > 1 when the sum is paid over several years (e.g. 600万元 over 3 years).
    """

    kind: Literal["fixed"]
    amount: int = Field(gt=0, le=MAX_YUAN, description="CNY (yuan), over all `years`")
    up_to: bool = False
    years: int = Field(default=1, ge=1, le=10)


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
            raise ValueError(MESSAGES.say("en", "cap_per_year is larger than cap"))
        return self


class InterestSubsidyBenefit(_Benefit):
    """Interest paid back, capped per year: either as a rate on the principal (贴息1个百分点) or as a share
    of the interest paid (按实际利息的50%贴息); exactly one of `rate` and `share_of_interest`."""

    kind: Literal["interest_subsidy"]
    rate: float | None = Field(default=None, gt=0, le=0.2, description="annual fraction of the principal")
    share_of_interest: float | None = Field(default=None, gt=0, le=1, description="fraction of the interest paid")
    cap_per_year: int | None = Field(default=None, gt=0, le=MAX_YUAN, description="CNY per year")
    years: int = Field(default=1, ge=1, le=10)
    min_loan: int | None = Field(default=None, ge=0, le=MAX_YUAN, description="CNY")

    @property
    def ceiling(self) -> int | None:
        return self.cap_per_year * self.years if self.cap_per_year else None

    @model_validator(mode="after")
    def _one_measure_of_interest(self) -> Self:
        if (self.rate is None) == (self.share_of_interest is None):
            raise ValueError(MESSAGES.say("en", "give exactly one of rate (of the principal) and share_of_interest "
                                          "(of the interest paid)"))
        return self


class FinancingBenefit(_Benefit):
    """Access to money rather than money given: a loan, guarantee or equity up to a ceiling.

    Worth to the firm what it saves: a loan the interest below the market rate, a
    guarantee the fee below the market fee, over `years`; equity is an investment
    the firm pays for with shares, not income. When a record leaves `instrument`
    out, the measure's kind gives it (`schemas.MeasureCreate`).
    """

    kind: Literal["financing"]
    instrument: FinancingInstrument | None = None
    max_amount: int = Field(gt=0, le=MAX_YUAN, description="largest loan, guarantee or investment, CNY")
    rate: float | None = Field(
        default=None, ge=0, le=0.3, description="loan rate or guarantee fee, annual fraction"
    )
    years: int = Field(default=1, ge=1, le=10, description="term of the loan or guarantee")


class TaxBenefit(_Benefit):
    """Tax not paid: valued at the firm's own income-tax rate, and nothing this year for a loss-making firm.

    `rate` reads by `relief`: `extra_deduction`, the extra share of the base deducted
    (1.0 for 100% 加计扣除); `reduced_rate`, the rate paid instead of 25% (0.15 for a
    high-tech enterprise); `exemption`, the share of the base exempt; `credit`, the
    share of the base credited against tax (0.05 of creditable input VAT).
    """

    kind: Literal["tax"]
    relief: TaxRelief
    rate: float = Field(gt=0, le=5)
    base: TaxBase
    base_cap: int | None = Field(default=None, gt=0, le=MAX_YUAN, description="the part of the base covered, CNY a year")
    cap_per_year: int | None = Field(default=None, gt=0, le=MAX_YUAN, description="CNY of tax a year")
    years: int = Field(default=1, ge=1, le=10)

    @model_validator(mode="after")
    def _rate_reads(self) -> Self:
        if self.relief is TaxRelief.reduced_rate and not self.rate < 0.25:
            raise ValueError(MESSAGES.say("en", "a reduced_rate is the income-tax rate paid instead of 25%, so below "
                                          "0.25"))
        if self.relief is TaxRelief.reduced_rate and self.base is not TaxBase.taxable_income:
            raise ValueError(MESSAGES.say("en", "a reduced_rate applies to taxable_income"))
        return self


class InKindBenefit(_Benefit):
    """No money changes hands: a title, a free service, priority in other programmes."""

    kind: Literal["in_kind"]
    description: str = Field(min_length=5, max_length=500)
    estimated_value: int | None = Field(default=None, ge=0, le=MAX_YUAN, description="CNY, when a service has a market price")


Benefit = Annotated[
    FixedBenefit | PercentageBenefit | InterestSubsidyBenefit | FinancingBenefit | TaxBenefit | InKindBenefit,
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
            raise ValueError(MESSAGES.say("en", "window closes ({closes}) before it opens ({opens})",
                                          closes=self.closes, opens=self.opens))
        if self.mode is WindowMode.batch and self.closes is None:
            raise ValueError(MESSAGES.say("en", "a batch window needs a closing date"))
        return self
