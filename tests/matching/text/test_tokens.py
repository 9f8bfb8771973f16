"""Tokens for Chinese and English: domain terms stay whole, English is stemmed."""

from matching.text.tokens import tokenize


def test_domain_terms_are_single_words() -> None:
    for term in ("小巨人", "专精特新", "单项冠军", "贴息", "担保", "首台套", "免申即享"):
        assert term in tokenize(f"关于{term}的支持"), term


def test_long_words_also_yield_the_domain_term_inside() -> None:
    assert "专精特新" in tokenize("专精特新贷")


def test_english_is_stemmed_and_stopwords_dropped() -> None:
    assert tokenize("Loans for the robot makers") == ["loan", "robot", "maker"]


def test_mixed_text() -> None:
    tokens = tokenize("Chengdu 成华区 industrial robots 工业机器人")
    assert {"chengdu", "robot", "工业机器人", "成华区"} <= set(tokens)
