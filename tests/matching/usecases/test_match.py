"""`match` end to end on a catalogue written by hand (tests/matching/catalogue_by_hand.py): no database, no model."""

from matching.ranking.fusion import Weights
from matching.usecases.match import Matcher, MatchOptions, MatchResult
from policies.vocabulary import Level, MeasureKind
from tests.matching.catalogue_by_hand import AS_OF, firm, query_encoder, snapshot

WEIGHTS = Weights(relevance=0.5, value=0.15, timeliness=0.15, specificity=0.2)
LITTLE_GIANT = [{"designation": "little_giant", "awarded": "2025-07-01"}]


def _match(options: MatchOptions, **fields: object) -> MatchResult:
    return Matcher(encode=query_encoder(), weights=WEIGHTS).match(snapshot(), firm(**fields), options)


def test_a_firm_gets_what_it_qualifies_for_and_nothing_else() -> None:
    result = _match(MatchOptions(as_of=AS_OF))
    assert [item.code for item in result.items] == ["NB-RD-GRANT"]  # 5% R&D and 120 staff; no title; 8% exports
    grant = result.items[0]
    assert grant.verdict == "eligible" and grant.estimated_benefit.amount == 300_000  # 10% of 3,000,000
    assert result.counts == {"eligible": 1, "possibly_eligible": 0, "near_miss": 0}


SPECIALIZED = [{"designation": "specialized_sme", "awarded": "2025-07-01"}]


def test_near_misses_say_what_to_change_and_by_how_much() -> None:
    """16% exports against 20% is four points a firm can add in a year; 专精特新 is one rung below little giant."""
    result = _match(MatchOptions(as_of=AS_OF, near_misses=True), export_share=0.16, designations=SPECIALIZED)
    misses = {item.code: item for item in result.items if item.verdict == "near_miss"}
    assert set(misses) == {"NB-LG-AWARD", "NB-LG-TOPUP", "CN-EXPORT-LOAN"}
    loan = misses["CN-EXPORT-LOAN"].changes_needed[0]
    assert (loan.field, loan.current, loan.required) == ("export_share", 0.16, 0.2)
    assert loan.by is not None and abs(loan.by - 0.04) < 1e-9
    assert loan.note == "raise export share of revenue from 16% to 20% (by 4 percentage points)"
    assert loan.note_zh == "出口额占营业收入比重从 16% 提高到 20%（增加 4 个百分点）"
    assert result.items[0].code == "NB-RD-GRANT"  # eligible before any near miss
    assert "NB-LG-AWARD" not in result.bundle.codes  # near misses are not banked


def test_what_a_firm_cannot_close_within_a_year_is_no_near_miss() -> None:
    """8% exports is twelve points short of 20%; a firm with no title is three rungs below little giant."""
    result = _match(MatchOptions(as_of=AS_OF, near_misses=True))
    assert [item.verdict for item in result.items if item.verdict == "near_miss"] == []


def test_an_unknown_fact_makes_possibly_eligible_and_the_next_question_asks_for_it() -> None:
    result = _match(MatchOptions(as_of=AS_OF), export_share=None)
    loan = next(item for item in result.items if item.code == "CN-EXPORT-LOAN")
    assert loan.verdict == "possibly_eligible" and loan.missing == ["export_share"]
    assert [item.verdict for item in result.items][-1] == "possibly_eligible"  # after every eligible one
    assert result.next_question is not None and result.next_question.field == "export_share"
    assert result.next_question.measures == ["CN-EXPORT-LOAN"]


def test_the_bundle_keeps_the_most_valuable_of_an_exclusivity_group() -> None:
    result = _match(MatchOptions(as_of=AS_OF), designations=LITTLE_GIANT)
    codes = {item.code for item in result.items}
    assert {"NB-LG-AWARD", "NB-LG-TOPUP"} <= codes
    assert "NB-LG-AWARD" in result.bundle.codes and "NB-LG-TOPUP" not in result.bundle.codes  # 1,000,000 > 300,000
    award = next(item for item in result.items if item.code == "NB-LG-AWARD")
    assert award.conflicts_with == ["NB-LG-TOPUP"]


def test_closed_windows_are_left_out_unless_asked_for() -> None:
    assert "NB-OLD-VOUCHER" not in {item.code for item in _match(MatchOptions(as_of=AS_OF)).items}
    kept = _match(MatchOptions(as_of=AS_OF, include_closed=True)).items
    voucher = next(item for item in kept if item.code == "NB-OLD-VOUCHER")
    assert voucher.window.status == "closed"


def test_kind_and_level_filters() -> None:
    awards = _match(MatchOptions(as_of=AS_OF, kinds=[MeasureKind.award]), designations=LITTLE_GIANT)
    assert {item.code for item in awards.items} == {"NB-LG-AWARD", "NB-LG-TOPUP"}
    district = _match(MatchOptions(as_of=AS_OF, levels=[Level.district]), designations=LITTLE_GIANT)
    assert [item.code for item in district.items] == ["NB-LG-TOPUP"]


def test_paging_walks_one_order() -> None:
    everything = _match(MatchOptions(as_of=AS_OF, limit=10), designations=LITTLE_GIANT, export_share=0.3)
    codes = [item.code for item in everything.items]
    assert len(codes) == 4
    pages = [_match(MatchOptions(as_of=AS_OF, offset=offset, limit=2), designations=LITTLE_GIANT, export_share=0.3)
             for offset in (0, 2)]
    assert [item.code for page in pages for item in page.items] == codes
    assert [item.rank for item in pages[1].items] == [3, 4]


def test_what_if_overrides_change_the_answer_without_changing_the_firm() -> None:
    matcher = Matcher(encode=query_encoder(), weights=WEIGHTS)
    profile = firm()
    result = matcher.match(snapshot(), profile, MatchOptions(as_of=AS_OF), overrides={"export_share": 0.25})
    assert "CN-EXPORT-LOAN" in {item.code for item in result.items}
    assert profile.export_share == 0.08


def test_text_the_model_cannot_read_is_ranked_by_bm25_alone() -> None:
    matcher = Matcher(encode=query_encoder(), weights=WEIGHTS)
    assert matcher.query_vector("钛合金 植入物") is None  # no Latin letter: the English-only model reads nothing
    vector = matcher.query_vector("titanium implants")
    assert vector is not None and vector.shape == (1, 64)
