"""One byte per dimension for firm embeddings: close enough to order firms tied on everything else."""

import numpy as np

from matching.population import CHUNK, QuantizedVectors


def test_quantized_scores_are_within_a_percent_of_exact_cosine() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(CHUNK + 500, 384)).astype(np.float32)  # more rows than one chunk
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[7] = 0.0  # a firm without text
    query = vectors[0]
    quantized = QuantizedVectors.of(vectors)
    rows = np.arange(len(vectors))
    approx = quantized.scores(rows, query)
    exact = vectors @ query
    assert np.abs(approx - exact).max() < 0.01
    assert approx[7] == 0.0
    assert quantized.codes.dtype == np.int8 and quantized.codes.nbytes == len(vectors) * 384
