"""The vector index: FAISS full scans and gathered subsets give the same exact scores."""

import numpy as np

from matching.text.embeddings import HashingEncoder
from matching.text.vectors import VectorIndex

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
