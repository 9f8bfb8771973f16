"""benchmarks/alternative.py at a tiny size: the LanceDB side returns what match() returns, and the report renders.

Needs the `bench` extra (lancedb); skipped without it.
"""

import tempfile

import pytest

pytest.importorskip("lancedb")

from benchmarks import alternative  # noqa: E402
from benchmarks.latency import AS_OF  # noqa: E402
from benchmarks.synthetic import example_firms, synthetic_snapshot  # noqa: E402
from matching.config import MatchingSettings  # noqa: E402
from matching.firm.facts import derive  # noqa: E402
from matching.firm.profile import query_text
from matching.ranking.fusion import Fusion, Weights  # noqa: E402
from matching.text.embeddings import HashingEncoder  # noqa: E402
from matching.text.queries import QueryEncoder
from matching.usecases.match import MatchOptions, match  # noqa: E402

SIZE = 300


def test_exhaustive_lancedb_query_equals_dense_only_match() -> None:
    """With k covering every row the prefilter keeps, (b) is match(fusion=dense): same measures, same order.

    So the SQL prefilter drops no eligible measure and the Python ranking is match()'s.
    """
    settings = MatchingSettings()
    weights = Weights(settings.weight_relevance, settings.weight_value, settings.weight_timeliness,
                      settings.weight_specificity)
    encoder = HashingEncoder()
    snapshot = synthetic_snapshot(SIZE, encoder)
    encode = QueryEncoder(encoder)
    views = list(snapshot.measures)
    options = MatchOptions(as_of=AS_OF, fusion=Fusion.dense, limit=SIZE)
    with tempfile.TemporaryDirectory() as folder:
        table, _ = alternative.build_table(views, snapshot.vectors.vectors, folder)
        lance = alternative.Alternative(table, {view.code: view for view in views}, weights, AS_OF, k=SIZE)
        compared = 0
        for firm in example_firms()[:15]:  # a third of them: explaining every result is the slow part
            passing = table.count_rows(alternative.prefilter(derive(firm, AS_OF), AS_OF))
            expected = [item.code for item in match(snapshot, encode, firm, options, weights).items]
            found = lance(firm, encode(query_text(firm)))
            assert found == expected, firm.name
            assert len(found) <= passing
            compared += bool(found)
    assert compared > 0


def test_run_and_render() -> None:
    rows = alternative.run([SIZE], 1, k=50, encoder=HashingEncoder())
    (row,) = rows
    assert row["size"] == SIZE and row["n"] == len(example_firms())
    assert 0 <= row["top1"] <= 1 and 0 <= row["overlap"] <= 1
    assert row["ours_p50"] > 0 and row["lance_p50"] > 0 and row["search_p50"] > 0
    assert row["sweep"][-1]["all"] and row["sweep"][-1]["dense_overlap"] == 1
    text = alternative.render(rows, "python -m benchmarks.alternative --sizes 300")
    assert text.startswith(alternative.SECTION)
    assert "| 300 |" in text
