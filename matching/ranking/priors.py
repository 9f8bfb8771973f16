"""What a firm that has not said probably has: the bases an estimate needs, by size class.

When a firm leaves out its R&D spend, planned investment, loan need or taxable
income, an estimate gives a range (what would settle it is named), and ranking
needs one expected figure from somewhere. It comes from here, never from the
measure's cap: the median of the example firms (`examples/firms`) that state the
fact, by size class. Micro and large firms are too few there (one or two each),
so micro firms take the small firms' figure and large firms the medium firms'.
`tests/matching/ranking/test_priors.py` recomputes the table from the example
firms, so it cannot drift from them unnoticed.
"""

from policies.i18n import N_
from policies.vocabulary import NumericField, SizeClass

# Taxable income is approximated as operating revenue × net profit margin.
TAXABLE_INCOME = "taxable_income"
PriorField = NumericField | str

# Medians of the 45 example firms on 2026-12-05, in yuan (small: 21 to 22 firms, medium: 14 to 18).
_SMALL = {NumericField.rd_expense: 6_100_000, NumericField.planned_investment: 42_000_000,
          NumericField.loan_need: 20_000_000, TAXABLE_INCOME: 3_800_000}
_MEDIUM = {NumericField.rd_expense: 14_000_000, NumericField.planned_investment: 135_000_000,
           NumericField.loan_need: 65_000_000, TAXABLE_INCOME: 17_750_000}
_ANY = {NumericField.rd_expense: 11_750_000, NumericField.planned_investment: 120_000_000,
        NumericField.loan_need: 50_000_000, TAXABLE_INCOME: 7_130_000}

BY_SIZE: dict[SizeClass | None, dict[PriorField, int]] = {
    SizeClass.micro: _SMALL, SizeClass.small: _SMALL, SizeClass.medium: _MEDIUM, SizeClass.large: _MEDIUM,
    None: _ANY,
}
# The firms each figure is the median of, as an estimate names them: messages, said in the reader's language.
SOURCE = {SizeClass.micro: N_("small firms"), SizeClass.small: N_("small firms"), SizeClass.medium: N_("medium firms"),
          SizeClass.large: N_("medium firms"), None: N_("all example firms")}


def prior(field: PriorField, size: SizeClass | None) -> int:
    """The expected value of a base the firm did not give: the median of firms of its size that did."""
    return BY_SIZE[size][field]
