"""The retrieval benchmark's inputs and arithmetic: labels that name real measures, the held-aside rule."""

import re

from benchmarks.quality import CATALOGUE
from benchmarks.retrieval import EXAMPLES, load_queries, mean, paired, subsets
from policies.importing.loader import read_directory


def test_the_labels_name_real_measures_and_keep_their_held_aside_rule() -> None:
    queries = load_queries()
    codes = {record["code"] for record in read_directory(CATALOGUE)}
    assert len(queries) >= 56 and sum(q.lang == "zh" for q in queries) >= 40
    assert all(q.grades and set(q.grades) <= codes for q in queries)
    assert all(q.held_aside == (int(re.sub(r"\D", "", q.id)) % 4 == 0) for q in queries)  # fixed before grading
    assert {q.id for q in queries} >= set(EXAMPLES)


def test_paired_differences_and_means() -> None:
    better = {"a": (0.9, 1.0), "b": (0.5, 0.5)}
    base = {"a": (0.7, 1.0), "b": (0.5, 1.0)}
    diff, low, high = paired(better, base, ["a", "b"])
    assert abs(diff - 0.1) < 1e-12 and low <= diff <= high and low >= 0.0
    assert mean(better, ["a", "b"], 1) == 0.75
    assert set(subsets(load_queries())) == {"zh tuning", "en tuning", "zh held aside", "en held aside", "zh all"}


def test_the_default_is_chosen_among_encoders_that_can_index_the_target_catalogue() -> None:
    from benchmarks.retrieval import Results, Timing, best

    queries = [q for q in load_queries() if not q.held_aside]
    perfect = {q.id: (1.0, 1.0) for q in queries}
    good = {q.id: (0.9, 1.0) for q in queries}
    results = Results(queries=queries, methods={"bm25": good, "slow linear": perfect, "fast linear": good},
                      rankings={}, timings={"slow": Timing(20.0, 1400.0), "fast": Timing(2.0, 20.0)})
    assert best(results) == "bm25"  # the slow encoder's perfect score needs days of indexing; ties go first
