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


def test_traditional_and_full_width_forms_are_the_usual_words() -> None:
    """A Hong Kong or Taiwan keyboard (專精特新 獎勵) and a full-width IME (ＣＭＭＩ, １５％) find the same
    measures as the simplified, half-width words the catalogue is written in."""
    assert tokenize("專精特新 獎勵") == tokenize("专精特新 奖励")
    assert tokenize("首臺（套）") == tokenize("首台(套)")
    assert tokenize("ＣＭＭＩ 認證") == tokenize("CMMI 认证")
