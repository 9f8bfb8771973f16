"""`match` end to end on the widened hand-made catalogue (tests/matching/handmade.py): no database, no model.

`firm()` is eligible for NB-RD-GRANT (5% R&D, 120 staff) and NB-SMART-FACTORY (a condition to confirm), possibly
eligible for YZ-IMPLANT-AWARD (invention patents unknown) and ineligible for the rest; NB-OLD-VOUCHER closed.
"""

from typing import Any

from matching.ranking.fusion import Weights
from matching.usecases.match import Matcher, MatchItem, MatchOptions, MatchResult
from policies.vocabulary import Level, MeasureKind
from tests.matching.handmade import AS_OF, NOT_FUNDED_TWICE, firm, query_encoder, snapshot

WEIGHTS = Weights(relevance=0.5, value=0.15, timeliness=0.15, specificity=0.2)
SPECIALIZED = [{"designation": "specialized_sme", "awarded": "2025-07-01"}]
LITTLE_GIANT = [{"designation": "little_giant", "awarded": "2025-07-01"}]


def _match(options: MatchOptions | None = None, **fields: Any) -> MatchResult:
    return Matcher(encode=query_encoder(), weights=WEIGHTS).match(snapshot(), firm(**fields),
                                                                  options or MatchOptions(as_of=AS_OF))


def _by_code(result: MatchResult) -> dict[str, MatchItem]:
    return {item.code: item for item in result.items}


def test_every_eligible_measure_ranks_before_a_possibly_eligible_one_that_scores_higher() -> None:
    result = _match()
    codes = [item.code for item in result.items]
    assert codes[0] == "NB-RD-GRANT" and set(codes[1:]) == {"YZ-IMPLANT-AWARD", "NB-SMART-FACTORY"}
    assert [item.verdict for item in result.items] == ["eligible", "possibly_eligible", "possibly_eligible"]
    implant = _by_code(result)["YZ-IMPLANT-AWARD"]
    # The most relevant, valuable, specific and urgent measure still waits behind the eligible one.
    assert implant.score > result.items[0].score
    assert implant.missing == ["invention_patents"] and implant.window.status == "closing_soon"
    assert [item.rank for item in result.items] == [1, 2, 3]
    assert result.total == 3 and result.counts == {"eligible": 1, "possibly_eligible": 2, "near_miss": 0}


def test_ineligible_and_closed_measures_are_absent() -> None:
    codes = set(_by_code(_match()))
    # Title missing, exports 8% < 20%, not a software firm, another city, and a closed window (no criteria at all).
    absent = {"NB-LG-AWARD", "NB-LG-TOPUP", "CN-EXPORT-LOAN", "NB-SOFTWARE-GRANT", "CD-EXPORT-AWARD", "NB-OLD-VOUCHER"}
    assert not codes & absent


def test_a_condition_only_a_person_can_check_leaves_the_measure_possibly_eligible_until_confirmed() -> None:
    factory = _by_code(_match())["NB-SMART-FACTORY"]
    assert factory.verdict == "possibly_eligible"
    assert [item.text for item in factory.to_confirm] == [NOT_FUNDED_TWICE]
    assert factory.missing == [] and factory.failing == []
    assert factory.estimated_benefit.amount == 200_000
    confirmation = {"measure": "NB-SMART-FACTORY", "condition": factory.to_confirm[0].condition,
                    "confirmed_by": "the firm's advisor", "confirmed_on": "2026-11-20"}
    confirmed = _by_code(_match(confirmations=[confirmation]))["NB-SMART-FACTORY"]
    assert confirmed.verdict == "eligible" and confirmed.to_confirm == []


def test_a_firm_is_not_told_to_shrink_but_is_told_to_grow_within_reach() -> None:
    """800 staff fail both "at most 500" measures: shedding 300 people to win a grant is no near miss.

    Four export points short of the loan's 20% is one: a year's growth can close it.
    """
    crowded = _match(MatchOptions(as_of=AS_OF, near_misses=True), employees=800)
    assert not {"NB-RD-GRANT", "NB-SMART-FACTORY"} & set(_by_code(crowded))
    result = _match(MatchOptions(as_of=AS_OF, near_misses=True), export_share=0.16)
    loan = _by_code(result)["CN-EXPORT-LOAN"]
    assert loan.verdict == "near_miss"
    assert [(outcome.field, outcome.value, outcome.bound) for outcome in loan.failing] == [("export_share", 0.16, 0.2)]
    assert [(change.field, change.current, change.required) for change in loan.changes_needed] == [
        ("export_share", 0.16, 0.2)]


def test_near_misses_come_last_and_only_where_a_change_to_the_profile_helps() -> None:
    result = _match(MatchOptions(as_of=AS_OF, near_misses=True), export_share=0.16, designations=SPECIALIZED)
    verdicts = [item.verdict for item in result.items]
    assert verdicts == sorted(verdicts, key=["eligible", "possibly_eligible", "near_miss"].index)
    misses = {item.code: item for item in result.items if item.verdict == "near_miss"}
    # No number changes an industry (NB-SOFTWARE-GRANT) or where the firm is registered (CD-EXPORT-AWARD).
    assert set(misses) == {"NB-LG-AWARD", "NB-LG-TOPUP", "CN-EXPORT-LOAN"}
    assert [change.required for change in misses["NB-LG-TOPUP"].changes_needed] == ["little_giant"]
    assert result.counts == {"eligible": 1, "possibly_eligible": 2, "near_miss": 3} and result.total == 6
    assert result.bundle == _match(export_share=0.16, designations=SPECIALIZED).bundle  # shown, not banked


def test_the_bundle_keeps_the_most_valuable_of_an_exclusivity_group_and_adds_up_the_rest() -> None:
    result = _match(designations=LITTLE_GIANT)
    items = _by_code(result)
    assert items["NB-LG-AWARD"].verdict == items["NB-LG-TOPUP"].verdict == "eligible"
    # Most valuable first; NB-LG-TOPUP (300,000) loses its group to NB-LG-AWARD (1,000,000). The bundle is what
    # the firm can bank on: the possibly-eligible YZ-IMPLANT-AWARD and NB-SMART-FACTORY wait, counted apart.
    assert result.bundle.codes == ["NB-LG-AWARD", "NB-RD-GRANT"]
    assert result.bundle.total_value == 1_000_000 + 300_000
    assert [(left.code, left.instead) for left in result.bundle.left_out] == [("NB-LG-TOPUP", "NB-LG-AWARD")]
    assert (result.bundle.pending, result.bundle.pending_value) == (2, 2_000_000 + 200_000)
    assert items["NB-LG-TOPUP"].conflicts_with == ["NB-LG-AWARD"]


def test_the_bundle_is_made_of_what_the_filters_let_through() -> None:
    district = _match(MatchOptions(as_of=AS_OF, levels=[Level.district]), designations=LITTLE_GIANT)
    assert [item.code for item in district.items] == ["NB-LG-TOPUP", "YZ-IMPLANT-AWARD"]  # eligible, then possibly
    assert district.bundle.codes == ["NB-LG-TOPUP"]  # its group's winner was filtered out
    assert (district.bundle.total_value, district.bundle.pending_value) == (300_000, 2_000_000)


def test_kind_and_level_filters_combine() -> None:
    subsidies = _match(MatchOptions(as_of=AS_OF, kinds=[MeasureKind.subsidy]))
    assert set(_by_code(subsidies)) == {"NB-RD-GRANT", "NB-SMART-FACTORY"}
    municipal_awards = _match(MatchOptions(as_of=AS_OF, kinds=[MeasureKind.award], levels=[Level.municipal]),
                              designations=LITTLE_GIANT)
    assert [item.code for item in municipal_awards.items] == ["NB-LG-AWARD"]  # CD-EXPORT-AWARD is Chengdu's
    nothing = _match(MatchOptions(as_of=AS_OF, kinds=[MeasureKind.tax_incentive]))
    assert nothing.items == [] and nothing.total == 0 and nothing.bundle.total_value == 0


def test_a_closed_window_is_kept_only_on_request_and_scores_no_timeliness() -> None:
    result = _match(MatchOptions(as_of=AS_OF, include_closed=True))
    voucher = _by_code(result)["NB-OLD-VOUCHER"]
    assert voucher.verdict == "eligible"  # no criteria, and the firm is in Ningbo
    assert voucher.window.status == "closed" and voucher.window.days_left == -145  # 2026-06-30 to 2026-11-22
    assert voucher.parts.timeliness == 0.0


def test_pages_of_one_walk_the_whole_order() -> None:
    options: dict[str, Any] = {"as_of": AS_OF, "near_misses": True}
    near = {"export_share": 0.16, "designations": SPECIALIZED}
    whole = _match(MatchOptions(**options, limit=10), **near)
    assert len(whole.items) == 6
    pages = [_match(MatchOptions(**options, offset=offset, limit=1), **near) for offset in range(7)]
    assert [item.code for page in pages for item in page.items] == [item.code for item in whole.items]
    assert [item.rank for page in pages for item in page.items] == [1, 2, 3, 4, 5, 6]
    assert pages[6].items == [] and all(page.total == 6 and page.counts == whole.counts for page in pages)


def test_the_next_questions_ask_first_for_what_settles_the_most_money() -> None:
    """Three measures wait: 2,000,000 on a patent count, 200,000 on a condition nobody has confirmed,
    and a loan worth 100,000 (2% of 5M) on the export share. Each is its measure's only open point,
    so any answer settles it: the questions come in order of the money behind them."""
    both = _match(export_share=None)
    assert [(q.field, q.measures, q.expected_settled) for q in both.next_questions] == [
        ("invention_patents", ["YZ-IMPLANT-AWARD"], 2_000_000),
        (f"confirmations.{both.next_questions[1].field.split('.')[1]}", ["NB-SMART-FACTORY"], 200_000),
        ("export_share", ["CN-EXPORT-LOAN"], 100_000)]
    assert both.next_question == both.next_questions[0]
    assert both.next_questions[0].question_zh.endswith("？") and "invention patents" in both.next_questions[0].question_en
    confirm = both.next_questions[1]
    assert confirm.answer == "confirm" and NOT_FUNDED_TWICE in confirm.question_en
    patents_known = _match(export_share=None, invention_patents=6)
    assert [q.measures for q in patents_known.next_questions] == [["NB-SMART-FACTORY"], ["CN-EXPORT-LOAN"]]
    assert [q.field for q in _match(invention_patents=6).next_questions] == [confirm.field]


def test_what_if_overrides_change_the_answer_without_changing_the_firm() -> None:
    profile = firm()
    matcher = Matcher(encode=query_encoder(), weights=WEIGHTS)
    result = matcher.match(snapshot(), profile, MatchOptions(as_of=AS_OF), overrides={"invention_patents": 5})
    assert _by_code(result)["YZ-IMPLANT-AWARD"].verdict == "eligible"  # "at least 5" is inclusive
    assert profile.invention_patents is None
