"""BM25 by document (for a match's few candidates) agrees with bm25s's scores over the whole catalogue."""

from functools import lru_cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.catalogue.view import MeasureView
from matching.text.lexical import SUBSET_SHARE, LexicalIndex
from policies.importing.loader import read_directory
from policies.schemas import MeasureRecord
from tests.conftest import SAMPLE_DIR

WORDS = ["专精特新", "小巨人", "贷款", "温州", "robot", "loans", "guarantee", "R&D", "奖励", "equipment", "数字化",
         "interest", "成都", "talent", "innovation voucher", "zzzz-unknown"]


@lru_cache(maxsize=1)
def sample_index() -> LexicalIndex:
    views = [MeasureView.from_record(MeasureRecord.model_validate(raw)) for raw in read_directory(SAMPLE_DIR)]
    return LexicalIndex([view.lexical_text for view in views])


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=6), data=st.data())
def test_scores_of_a_subset_equal_the_full_scores_there(words: list[str], data: st.DataObject) -> None:
    index = sample_index()
    most = int(SUBSET_SHARE * index.size)
    subset = np.array(data.draw(st.lists(st.integers(0, index.size - 1), max_size=most, unique=True)),
                      dtype=np.int64)
    query = " ".join(words)
    full = index.scores(query)
    np.testing.assert_allclose(index.scores(query, subset), full[subset], rtol=1e-5, atol=1e-6)


def test_known_words_score_and_unknown_ones_do_not() -> None:
    index = sample_index()
    assert index.scores("专精特新 小巨人").max() > 0
    assert not index.scores("zzzz-unknown").any()
    assert len(index.scores("zzzz-unknown", np.array([1, 2], dtype=np.int64))) == 2


def test_an_empty_catalogue_scores_nothing() -> None:
    empty = LexicalIndex([])
    assert empty.scores("专精特新").shape == (0,)
    assert empty.scores("专精特新", np.zeros(0, dtype=np.int64)).shape == (0,)


def test_the_thesaurus_finds_what_shares_no_characters_with_the_query() -> None:
    """技改 is how people say 技术改造 and 招人 how an owner says 人才引进; 融资 finds loans, but a query for
    loans does not bring in equity funds (`finds` is one way)."""
    index = LexicalIndex(["技术改造项目补助", "高层次人才引进奖励", "银行贷款贴息", "股权投资基金"])
    assert np.flatnonzero(index.scores("技改")).tolist() == [0]
    assert np.flatnonzero(index.scores("招人")).tolist() == [1]
    assert set(np.flatnonzero(index.scores("融资")).tolist()) == {2, 3}
    assert np.flatnonzero(index.scores("贷款")).tolist() == [2]
