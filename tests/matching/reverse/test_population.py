"""Firm embeddings at one byte per dimension, and reverse matching that scores only the firms that can reach the page.

Two implementations must agree: a page of `candidates` (which asks faiss for the
most relevant of the firms tied on value) and the same slice of the full ranking
(every qualifying firm scored and sorted).
"""

import datetime as dt
from functools import lru_cache

import numpy as np
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.catalogue.view import MeasureView
from matching.eligibility.columnar import FirmColumns
from matching.firm.facts import derive
from matching.firm.profile import FirmProfile
from matching.reverse.candidates import RELEVANCE_DECIMALS, candidates
from matching.reverse.population import Population
from matching.text.vectors import CHUNK, QuantizedVectors
from policies.importing.loader import read_directory
from policies.schemas import MeasureRecord
from tests.conftest import ROOT, SAMPLE_DIR

AS_OF = dt.date(2026, 11, 22)
MARGIN = 2 * 10.0**-RELEVANCE_DECIMALS


def unit_rows(rng: np.random.Generator, count: int) -> np.ndarray:
    vectors = rng.normal(size=(count, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_quantized_scores_are_close_to_exact_cosine_and_zero_without_text() -> None:
    rng = np.random.default_rng(3)
    vectors = unit_rows(rng, CHUNK + 500)  # more rows than one decoded chunk
    vectors[7] = 0.0
    has_text = np.ones(len(vectors), dtype=bool)
    has_text[7] = False
    quantized = QuantizedVectors(vectors, has_text)
    rows = np.arange(len(vectors))
    approx = quantized.scores(rows, vectors[0])
    assert np.abs(approx - vectors @ vectors[0]).max() < 0.005
    assert approx[7] == 0.0
    assert quantized.nbytes == len(vectors) * (384 + 1)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**16), count=st.integers(1, 400), pool=st.integers(1, 30), data=st.data())
def test_contenders_hold_every_row_of_the_exact_top_k(seed: int, count: int, pool: int, data: st.DataObject) -> None:
    """Drawn from a small pool of texts, so many firms tie exactly; some firms have no text (score 0)."""
    rng = np.random.default_rng(seed)
    base = unit_rows(rng, pool)
    vectors = base[rng.integers(0, pool, size=count)]
    has_text = rng.random(count) < data.draw(st.sampled_from([0.0, 0.5, 0.9, 1.0]))
    vectors[~has_text] = 0.0
    quantized = QuantizedVectors(vectors, has_text)
    rows = np.flatnonzero(rng.random(count) < 0.8)
    k = data.draw(st.integers(1, max(1, len(rows) + 2)))
    query = base[data.draw(st.integers(0, pool - 1))] if data.draw(st.booleans()) else unit_rows(rng, 1)[0]
    found = quantized.contenders(rows, query, k, MARGIN)
    scores = np.round(quantized.scores(rows, query), RELEVANCE_DECIMALS)
    exact_top = rows[np.lexsort((rows, -scores))][:k]
    assert set(exact_top.tolist()) <= set(found.tolist())
    assert set(found.tolist()) <= set(rows.tolist())


@lru_cache(maxsize=1)
def measures() -> dict[str, MeasureView]:
    records = [MeasureRecord.model_validate(raw) for raw in read_directory(SAMPLE_DIR)]
    return {record.code: MeasureView.from_record(record) for record in records if record.status == "published"}


@lru_cache(maxsize=1)
def population() -> tuple[Population, list[FirmProfile]]:
    """The example firms forty times over, in two tenants, their texts drawn from a few so relevance ties too."""
    examples = [FirmProfile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
                for path in sorted((ROOT / "examples" / "firms").glob("*.yaml"))]
    rng = np.random.default_rng(5)
    drawn = [examples[int(i)] for i in rng.integers(0, len(examples), size=40 * len(examples))]
    texts = unit_rows(rng, 12)
    vectors = texts[rng.integers(0, len(texts), size=len(drawn))]
    has_text = rng.random(len(drawn)) < 0.8
    vectors[~has_text] = 0.0
    held = Population(
        version=1, as_of=AS_OF, ids=np.arange(1, len(drawn) + 1, dtype=np.int64),
        tenant_of=(np.arange(len(drawn)) % 2).astype(np.int32), tenants={"a": 0, "b": 1},
        external_refs=[None] * len(drawn), columns=FirmColumns.from_facts([derive(p, AS_OF) for p in drawn]),
        vectors=QuantizedVectors(vectors, has_text),
    )
    return held, drawn


@settings(max_examples=40, deadline=None)
@given(code=st.sampled_from(sorted(measures())), offset=st.integers(0, 300), limit=st.integers(1, 60),
       tenant=st.sampled_from([None, "a"]), seed=st.integers(0, 2**16))
def test_a_page_equals_that_slice_of_the_full_ranking(
    code: str, offset: int, limit: int, tenant: str | None, seed: int
) -> None:
    held, drawn = population()
    view = measures()[code]
    vector = unit_rows(np.random.default_rng(seed), 1)[0]

    def profiles(ids: list[int]) -> dict[int, FirmProfile]:
        return {i: drawn[i - 1] for i in ids}

    def rank(offset: int, limit: int | None) -> list[tuple[int, float]]:
        found = candidates(view, vector, held, profiles, tenant=tenant, verdicts=None, offset=offset, limit=limit)
        return [(item.firm_id, item.relevance) for item in found.items]

    assert rank(offset, limit) == rank(0, None)[offset : offset + limit]
