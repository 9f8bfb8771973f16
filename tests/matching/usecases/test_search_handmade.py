"""`search` on the widened hand-made catalogue (tests/matching/handmade.py): both languages, filters, facets, snippets.

Searches without a query vector rank by BM25 alone, so which measures are found follows from their words. With a
hashing-encoder vector, unrelated measures can clear the dense floor through hash collisions, so those tests look at
the top hit and at the hits that share a word with the query.
"""

import datetime as dt
import re
from typing import Any

from matching.usecases.search import SearchFilters, SearchResult, search
from policies.vocabulary import Level, MeasureKind
from tests.matching.handmade import AS_OF, query_encoder, snapshot

AWARDS = {"NB-LG-AWARD", "NB-LG-TOPUP", "YZ-IMPLANT-AWARD", "CD-EXPORT-AWARD"}  # "award" in their English texts


def _search(query: str, *, dense: bool = False, limit: int = 10, **filters: Any) -> SearchResult:
    vector = query_encoder()(query) if dense else None
    return search(snapshot(), query, vector, SearchFilters.model_validate({"as_of": AS_OF} | filters), limit=limit)


def _codes(result: SearchResult) -> set[str]:
    return {hit.code for hit in result.hits}


def test_a_chinese_query_finds_the_measure_whose_title_holds_the_word_and_marks_it() -> None:
    found = _search("软件")
    assert [hit.code for hit in found.hits] == ["NB-SOFTWARE-GRANT"]  # 宁波市软件企业补助
    assert found.lexical_only and found.total == 1
    assert found.hits[0].snippet_zh.startswith("宁波市<mark>软件</mark>企业补助。")


def test_an_english_query_with_a_vector_puts_the_measure_holding_its_words_first() -> None:
    found = _search("titanium implants", dense=True)
    assert not found.lexical_only
    top = found.hits[0]
    assert top.code == "YZ-IMPLANT-AWARD" and top.bm25 == 1.0 and top.dense > 0
    assert [hit.code for hit in found.hits if hit.bm25 > 0] == ["YZ-IMPLANT-AWARD"]  # the only one with the words
    assert "<mark>titanium</mark>" in top.snippet and re.search(r"<mark>implants?</mark>", top.snippet)  # or its stem
    assert top.window_status == "closing_soon" and top.closes == dt.date(2026, 12, 10)


def test_an_english_query_without_a_vector_ranks_by_bm25_alone() -> None:
    found = _search("software companies")
    assert [hit.code for hit in found.hits] == ["NB-SOFTWARE-GRANT"]
    assert found.lexical_only and found.hits[0].dense == 0.0


def test_facets_count_every_measure_found_not_only_the_page() -> None:
    found = _search("award", places_from_query=False, limit=1)
    assert len(found.hits) == 1 and found.total == 4
    assert found.facets.kind == {"award": 4}
    assert found.facets.level == {"municipal": 2, "district": 2}  # Ningbo's and Chengdu's; Yinzhou's two
    assert found.facets.region == {"330000 浙江省": 3, "510000 四川省": 1}  # counted by province


def test_the_nation_is_a_facet_of_its_own() -> None:
    found = _search("出口")  # 出口企业信用贷款 (national) and 成都市出口制造企业奖励
    assert _codes(found) == {"CN-EXPORT-LOAN", "CD-EXPORT-AWARD"}
    assert found.facets.region == {"000000 全国": 1, "510000 四川省": 1}
    assert found.facets.kind == {"low_interest_loan": 1, "award": 1}
    assert found.facets.level == {"national": 1, "municipal": 1}


def test_kind_level_and_amount_filters_narrow_the_hits_and_the_facets() -> None:
    district = _search("award", levels=[Level.district])
    assert _codes(district) == {"NB-LG-TOPUP", "YZ-IMPLANT-AWARD"}
    assert district.facets.level == {"district": 2} and district.facets.region == {"330000 浙江省": 2}
    assert _codes(_search("award", min_amount=500_000)) == {"NB-LG-AWARD", "YZ-IMPLANT-AWARD"}  # 1M and 2M
    subsidies = _search("award", kinds=[MeasureKind.subsidy])
    assert subsidies.hits == [] and subsidies.total == 0 and subsidies.facets.kind == {}
    loans = _search("出口", kinds=[MeasureKind.low_interest_loan, MeasureKind.award], levels=[Level.national])
    assert _codes(loans) == {"CN-EXPORT-LOAN"}


def test_a_region_keeps_the_measures_that_cover_it() -> None:
    yinzhou = _search("出口", region="330212")
    assert yinzhou.regions == ["330212"] and _codes(yinzhou) == {"CN-EXPORT-LOAN"}  # national covers everywhere
    jinjiang = _search("出口", region="510104")  # a district of Chengdu: the city's measure covers it
    assert _codes(jinjiang) == {"CN-EXPORT-LOAN", "CD-EXPORT-AWARD"}
    assert _codes(_search("award", region="510104")) == {"CD-EXPORT-AWARD"}
    ningbo = _search("award", region="330200")  # a city sees its districts' measures too
    assert _codes(ningbo) == {"NB-LG-AWARD", "NB-LG-TOPUP", "YZ-IMPLANT-AWARD"}


def test_a_place_named_in_the_query_becomes_the_region() -> None:
    found = _search("成都 出口")
    assert found.regions == ["510100"]
    assert [hit.code for hit in found.hits] == ["CD-EXPORT-AWARD", "CN-EXPORT-LOAN"]  # both words, then one
    assert found.hits[0].snippet_zh.startswith("<mark>成都市</mark><mark>出口</mark>")  # jieba's words, whole
    assert _search("成都 出口", places_from_query=False).regions == []


def test_a_window_closing_soon_filter() -> None:
    found = _search("award", closing_within_days=30)
    assert [hit.code for hit in found.hits] == ["YZ-IMPLANT-AWARD"]  # closes 2026-12-10, 18 days on
    assert _search("award", closing_within_days=10).hits == []


def test_paging_keeps_total_and_facets() -> None:
    whole = _search("award", places_from_query=False)
    pages = [search(snapshot(), "award", None, SearchFilters(as_of=AS_OF, places_from_query=False),
                    offset=offset, limit=3) for offset in (0, 3)]
    assert [hit.code for page in pages for hit in page.hits] == [hit.code for hit in whole.hits]
    assert {hit.code for hit in whole.hits} == AWARDS
    assert all(page.total == 4 and page.facets == whole.facets for page in pages)


def test_a_query_word_whose_stem_is_not_a_prefix_is_still_marked() -> None:
    found = _search("subsidy")
    assert _codes(found) == {"NB-SMART-FACTORY", "NB-SOFTWARE-GRANT"}  # found: BM25 stems both sides
    assert all("<mark>subsidy</mark>" in hit.snippet for hit in found.hits)
