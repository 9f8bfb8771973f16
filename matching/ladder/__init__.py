"""The 专精特新 ladder: for each rung, would the firm qualify now, under which rules, and what is missing.

Rungs, lowest first: 科技型中小企业 (tech SME) and 创新型中小企业 (innovative SME) form tier 1,
then 专精特新中小企业, 专精特新"小巨人", and 制造业单项冠军. Section numbers (§) refer to
shared/domain/criteria.md (beside this repository), the project's digest of the official texts.

Each rung comes out with the statuses of `matching.eligibility.rules` (fail < unknown < confirm < pass;
all-of takes the worst, any-of the best): a missing fact, or a score only the national platform or
a province computes, is `unknown`, never `fail`; something only a person can judge is `confirm`.
Scored standards report the range of points still achievable, so "55 known + 15 the province
awards" is `unknown` against a pass mark of 60 rather than a guess. Boundaries are inclusive and
a value on a band edge takes the better band (§6.1).
"""

from matching.ladder.models import (
    LADDER,
    REGIME_2026_FROM,
    TIER,
    Indicator,
    Pending,
    Purpose,
    Regime,
    Rung,
    RungAssessment,
    StatusLabel,
)
from matching.ladder.rules import ASSESSORS, assess_ladder, assess_rung, next_rung, regime_for

__all__ = [
    "ASSESSORS",
    "LADDER",
    "REGIME_2026_FROM",
    "TIER",
    "Indicator",
    "Pending",
    "Purpose",
    "Regime",
    "Rung",
    "RungAssessment",
    "StatusLabel",
    "assess_ladder",
    "assess_rung",
    "next_rung",
    "regime_for",
]
