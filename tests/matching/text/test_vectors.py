"""The vector index: FAISS full scans and gathered subsets give the same exact scores."""

import faiss
import numpy as np

from matching.text.embeddings import HashingEncoder
from matching.text.vectors import MIN_RANGE, QuantizedVectors, VectorIndex

TEXTS = ["loan interest subsidy for robot makers", "award for little giants", "industrial design voucher",
         "guarantee for technology SMEs", "rent subsidy in an industrial park", "R&D expense deduction"]


def test_full_scan_and_subset_agree_with_brute_force() -> None:
    encoder = HashingEncoder(32)
    vectors = encoder.encode_documents(TEXTS)
    index = VectorIndex(vectors)
    query = encoder.encode_query("subsidy for robot loans")
    brute = vectors @ query.reshape(-1)
    assert np.allclose(index.scores(query), brute, atol=1e-6)
    for subset in (np.array([4, 0]), np.array([0, 1, 2, 3, 5])):  # small: gathered; large: FAISS
        assert np.allclose(index.scores(query, subset), brute[subset], atol=1e-6)
    top, values = index.search(query, 2)
    assert list(top) == list(np.argsort(-brute)[:2]) and np.allclose(values, np.sort(brute)[::-1][:2], atol=1e-6)
    restricted, _ = index.search(query, 2, subset=np.array([1, 2, 3]))
    assert set(restricted) <= {1, 2, 3}


def test_quantized_vectors_keep_every_range_open_when_the_training_vectors_agree() -> None:
    """Identical firm texts give zero-width ranges; faiss then casts NaN to a byte (seen as -7e37 on one CPU)."""
    encoder = HashingEncoder(32)
    vectors = encoder.encode_documents(["precision machining of titanium parts"] * 4)
    quantized = QuantizedVectors(vectors, np.ones(4, dtype=np.bool_))
    trained = faiss.vector_to_array(quantized._faiss.sq.trained)
    assert trained[quantized.dimension:].min() >= MIN_RANGE
    query = encoder.encode_query("titanium machining")
    assert np.allclose(quantized.scores(np.arange(4), query), vectors @ query.reshape(-1), atol=1e-3)


def test_a_measures_vector_outlives_its_index() -> None:
    """`vectors` views faiss's memory; `vector` is a copy a caller may keep after the index is gone."""
    import gc

    given = np.eye(4, dtype=np.float32)
    index = VectorIndex(given)
    kept = index.vector(2)
    del index
    gc.collect()
    np.zeros((64, 1024), dtype=np.float32)  # reuse freed memory, as the failing run did
    assert np.array_equal(kept, given[2])
