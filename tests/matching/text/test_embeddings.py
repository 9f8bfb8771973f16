"""The bundled multilingual encoder: Chinese and English in one space, unit vectors, the right measure first."""

import numpy as np
import pytest

from matching.catalogue.view import MeasureView
from matching.text.embeddings import UniversalSentenceEncoder, available_encoders, named_encoder
from policies.schemas import MeasureCreate
from tests.factories import measure_data


@pytest.fixture(scope="module")
def use() -> UniversalSentenceEncoder:
    return UniversalSentenceEncoder(threads=1, batch_size=2)


def test_it_reads_chinese_and_english_in_one_space(use: UniversalSentenceEncoder) -> None:
    """What MiniLM cannot: a Chinese query finds the Chinese measure it means, and an English one too."""
    documents = use.encode_documents(["首台（套）重大技术装备保险补偿", "专精特新小巨人企业奖励", "人才引进补贴"])
    assert documents.shape == (3, 512) and documents.dtype == np.float32
    assert np.allclose(np.linalg.norm(documents, axis=1), 1.0, atol=1e-5)
    for query, right in (("首台套保险", 0), ("招人", 2), ("award for little giants", 1)):
        scores = documents @ use.encode_query(query)[0]
        assert int(np.argmax(scores)) == right, (query, scores)


def test_batches_change_nothing(use: UniversalSentenceEncoder) -> None:
    texts = ["贷款贴息", "loan interest subsidy", "技术改造补助"]
    together = use.encode_documents(texts)  # batches of two: [0, 1] and [2]
    assert np.allclose(together, np.concatenate([use.encode_documents([t]) for t in texts]), atol=1e-5)
    assert use.encode_documents([]).shape == (0, 512)


def test_a_multilingual_encoder_embeds_both_languages_of_a_measure(use: UniversalSentenceEncoder) -> None:
    view = MeasureView.from_record(MeasureCreate.model_validate(measure_data()))
    assert view.text_for(use) == view.bilingual_text and view.summary_zh in view.bilingual_text
    assert view.text_for(object()) == view.dense_text  # an English model reads English first, as before


def test_an_unknown_encoder_name_is_refused_with_the_choices() -> None:
    assert {"minilm", "use-v3"} <= set(available_encoders())
    with pytest.raises(ValueError, match="minilm"):
        named_encoder("gpt-5")
