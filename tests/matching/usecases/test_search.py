"""`search` on the catalogue written by hand: words in both languages, filters, facets, highlights."""

from matching.ranking.fusion import Fusion
from matching.usecases.search import SearchFilters, highlight, search
from policies.vocabulary import Level, MeasureKind
from tests.matching.catalogue_by_hand import AS_OF, query_encoder, snapshot


def _filters(**fields: object) -> SearchFilters:
    return SearchFilters.model_validate({"as_of": AS_OF} | fields)


def test_english_words_find_the_measure_that_holds_them() -> None:
    query = "export credit loans"
    found = search(snapshot(), query, query_encoder()(query), _filters())
    assert found.hits[0].code == "CN-EXPORT-LOAN"
    assert not found.lexical_only
    assert "<mark>" in found.hits[0].snippet


def test_chinese_words_find_the_measure_by_bm25_alone() -> None:
    found = search(snapshot(), "小巨人 奖励", None, _filters())
    assert {hit.code for hit in found.hits[:2]} == {"NB-LG-AWARD", "NB-LG-TOPUP"}
    assert found.lexical_only


def test_filters_narrow_and_facets_count_what_was_found() -> None:
    everything = search(snapshot(), "award", None, _filters(places_from_query=False), limit=10)
    awards = search(snapshot(), "award", None, _filters(kinds=[MeasureKind.award]), limit=10)
    assert {hit.kind for hit in awards.hits} == {MeasureKind.award}
    assert awards.total <= everything.total
    assert awards.facets.kind == {"award": awards.total}
    district = search(snapshot(), "award", None, _filters(levels=[Level.district]), limit=10)
    assert [hit.code for hit in district.hits] == ["NB-LG-TOPUP"]


def test_a_place_in_the_query_filters_by_region() -> None:
    found = search(snapshot(), "宁波 研发", None, _filters(), limit=10)
    assert found.regions and all(hit.code.startswith("NB-") for hit in found.hits)


def test_the_fusion_chosen_is_the_fusion_used() -> None:
    """A deployment's MATCHING_SEARCH_FUSION reaches the ranking: dense alone scores each hit by its cosine,
    BM25 alone by its share of the best BM25 score, whatever the other part says."""
    query = "export credit loans"
    vector = query_encoder()(query)
    dense = search(snapshot(), query, vector, _filters(), fusion=Fusion.dense)
    bm25 = search(snapshot(), query, vector, _filters(), fusion=Fusion.bm25)
    assert all(hit.score == round(max(hit.dense, 0.0), 6) for hit in dense.hits)
    assert all(hit.score == hit.bm25 for hit in bm25.hits)
    assert [hit.score for hit in dense.hits] == sorted((hit.score for hit in dense.hits), reverse=True)
    rrf = search(snapshot(), query, vector, _filters())  # ranks, not scores: neither of the above
    assert [hit.score for hit in rrf.hits] != [hit.score for hit in dense.hits]
    assert [hit.score for hit in rrf.hits] != [hit.bm25 for hit in rrf.hits]


def test_highlights_mark_whole_words_never_parts() -> None:
    """A query word inside a longer word marks that word whole, in either language and either script."""
    assert highlight("对小巨人企业奖励。", "巨人") == "对<mark>小巨人</mark>企业奖励。"  # not 小<mark>巨人</mark>
    assert highlight("Subsidies for little giants", "subsidy little") == \
        "<mark>Subsidies</mark> for <mark>little</mark> giants"
    assert highlight("专精特新企业奖励", "專精特新 獎勵") == "<mark>专精特新</mark>企业<mark>奖励</mark>"
    assert highlight("no match here", "人才") == "no match here"
