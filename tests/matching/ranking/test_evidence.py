"""The outcome book: who counts, and that no figure is shown for fewer firms than the minimum group."""

from decimal import Decimal

from matching.ranking.evidence import OutcomeBook, PeerGroup

SMALL: PeerGroup = ("small", 2, "C")
MEDIUM: PeerGroup = ("medium", 3, "C")


def _book(rows: list[tuple[str, int, str, Decimal | None]], groups: dict[int, PeerGroup]) -> OutcomeBook:
    return OutcomeBook.of(rows, groups, min_group=5)


def test_nothing_is_shown_for_fewer_firms_than_the_minimum_group() -> None:
    rows = [("M", firm, "awarded", Decimal(100_000 * firm)) for firm in range(1, 5)]
    assert _book(rows, dict.fromkeys(range(1, 5), SMALL)).evidence("M", SMALL) is None
    five = _book([*rows, ("M", 5, "awarded", Decimal(500_000))], dict.fromkeys(range(1, 6), SMALL))
    evidence = five.evidence("M", SMALL)
    assert evidence is not None and evidence.overall.firms == 5 and evidence.overall.success_rate == 1.0
    assert (evidence.overall.awarded_median_yuan, evidence.overall.awarded_low_yuan,
            evidence.overall.awarded_high_yuan) == (Decimal("300000.00"), Decimal(100_000), Decimal(500_000))
    assert evidence.similar == evidence.overall and evidence.peers.ladder_tier == 2


def test_a_firm_counts_once_by_its_furthest_outcome_and_not_pursued_is_no_application() -> None:
    rows = [("M", firm, "applied", None) for firm in range(1, 8)]
    rows += [("M", 1, "awarded", Decimal(1)), ("M", 2, "rejected", None), ("M", 3, "withdrawn", None),
             ("M", 8, "not_pursued", None)]
    evidence = _book(rows, dict.fromkeys(range(1, 9), SMALL)).evidence("M", SMALL)
    assert evidence is not None
    assert (evidence.overall.firms, evidence.overall.decided, evidence.overall.awarded) == (7, 2, 1)
    # Two decided is below the group: no rate; one amount is below it too: no amounts.
    assert evidence.overall.success_rate is None and evidence.overall.awarded_median_yuan is None


def test_similar_firms_are_shown_only_when_they_are_enough_themselves() -> None:
    groups = dict.fromkeys(range(1, 7), SMALL) | dict.fromkeys(range(7, 10), MEDIUM)
    rows = [("M", firm, "rejected" if firm % 2 else "awarded", None) for firm in range(1, 10)]
    book = _book(rows, groups)
    small, medium = book.evidence("M", SMALL), book.evidence("M", MEDIUM)
    assert small is not None and small.similar is not None and small.similar.firms == 6
    assert small.similar.success_rate == 0.5 and small.overall.firms == 9
    assert medium is not None and medium.similar is None  # three medium firms: too few to show
    assert book.evidence("OTHER", SMALL) is None


def test_firms_without_a_group_are_left_out() -> None:
    """A row whose firm the book has no group for (a firm gone from the table) is not counted."""
    rows = [("M", firm, "awarded", None) for firm in range(1, 6)]
    assert _book(rows, dict.fromkeys(range(1, 5), SMALL)).evidence("M", SMALL) is None
