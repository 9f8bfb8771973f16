"""Generated sentences name every field, flag and declaration in words, never by a lookup that fails."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies import describe
from policies.criteria import AttestationCriterion, FlagCriterion, NumericCriterion, Op
from policies.describe import ATTESTATION_TEXT, FIELD_LABELS, FLAG_TEXT, criterion_text
from policies.vocabulary import Attestation, FlagField, NumericField


def test_every_field_flag_and_declaration_has_words() -> None:
    assert set(FIELD_LABELS) == set(NumericField)
    assert set(FLAG_TEXT) == {flag.value for flag in FlagField}
    assert set(ATTESTATION_TEXT) == {item.value for item in Attestation}


def test_every_criterion_on_them_reads_as_a_clause() -> None:
    for field in NumericField:
        text = criterion_text(NumericCriterion(type="numeric", field=field, op=Op.lte, value=1))
        assert text.startswith("have ") and "_" not in text
    for flag in FlagField:
        for value in (True, False):
            assert "_" not in criterion_text(FlagCriterion(type="flag", field=flag, value=value))
    for item in Attestation:
        assert "_" not in criterion_text(AttestationCriterion(type="attestation", attestation=item))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(min_value=0, max_value=10**13),
                 st.integers(min_value=0, max_value=10**6).map(lambda n: n * 1000)))
def test_chinese_amounts_are_counted_as_babel_counts_them(amount: int) -> None:
    """`chinese_count` is Babel's compact zh_CN format without its cost: the two must agree."""
    from babel.numbers import format_compact_decimal

    assert describe.chinese_count(amount) == format_compact_decimal(amount, locale="zh_CN", fraction_digits=4)


@pytest.mark.parametrize(("amount", "said"), [(999_999_995_000, "1万亿"), (99_999_999_995, "1000亿"),
                                              (999_999_995, "10亿"), (99_999_999.5, "1亿"),
                                              (123_456_789, "1.2346亿"), (0, "0")])
def test_rounding_that_carries_into_the_next_unit_counts_in_that_unit(amount: float, said: str) -> None:
    """CI's property run found 999,999,995,000 read as 10000亿; Babel (and a bureau) write 1万亿."""
    from babel.numbers import format_compact_decimal

    assert describe.chinese_count(amount) == said == format_compact_decimal(amount, locale="zh_CN",
                                                                            fraction_digits=4)
