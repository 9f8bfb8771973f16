"""Reverse matching for NB-RD-GRANT (Ningbo: R&D ratio ≥ 3%, at most 500 staff; 10% of R&D spend, cap 500,000).

Seven firms written by hand (tests/matching/handmade.py for the measure), each verdict and value worked out below:

| id | tenant  | where           | R&D / revenue   | staff | verdict             | value            |
|----|---------|-----------------|-----------------|-------|---------------------|------------------|
| 1  | ningbo  | Yinzhou         | 3M / 60M (5%)   | 120   | eligible            | 300,000          |
| 2  | ningbo  | Yinzhou         | 8M / 100M (8%)  | 200   | eligible            | 500,000 (capped) |
| 3  | ningbo  | Yinzhou         | unknown / 60M   | 120   | possibly eligible   | 0–500,000, expected 500,000 (prior) |
| 4  | ningbo  | Yinzhou         | 3M / 60M        | 800   | ineligible (staff)  |                  |
| 5  | park    | Haishu (Ningbo) | 2M / 40M (5%)   | 90    | eligible            | 200,000          |
| 6  | chengdu | Jinjiang        | 1M / 60M (1.7%) | 900   | ineligible (3 ways) |                  |
| 7  | ningbo  | Yinzhou         | 3M / 60M (5%)   | 120   | eligible            | 300,000          |

Firm 7 describes itself in the measure's own words, so it is more relevant than firm 1, its equal in value.
"""

from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pytest

from matching.eligibility.rules import Verdict
from matching.errors import InvalidSweep
from matching.firm.profile import FirmProfile, query_text
from matching.reverse.candidates import CandidateList, Sweep, candidates, preview
from matching.reverse.population import Population
from tests.matching.handmade import AS_OF, ENCODER, firm, snapshot, view

CODE = "NB-RD-GRANT"
FIRMS: dict[int, tuple[str, FirmProfile]] = {
    1: ("ningbo", firm(name="宁波一号医疗器械有限公司")),
    2: ("ningbo", firm(name="宁波二号医疗器械有限公司", rd_expense=8_000_000, operating_revenue=100_000_000,
                       employees=200)),
    3: ("ningbo", firm(name="宁波三号医疗器械有限公司", rd_expense=None)),
    4: ("ningbo", firm(name="宁波四号医疗器械有限公司", employees=800)),
    5: ("park", firm(name="宁波海曙五号精密机械有限公司", region="330203", rd_expense=2_000_000,
                     operating_revenue=40_000_000, employees=90)),
    6: ("chengdu", firm(name="成都六号精密机械有限公司", region="510104", rd_expense=1_000_000, employees=900)),
    7: ("ningbo", firm(name="宁波七号医疗器械有限公司", description="research and development grant for small manufacturers")),
}
ORDER = [2, 7, 1, 5, 3]  # eligible by value, then relevance (7 before 1); then the possibly eligible


@lru_cache(maxsize=1)
def _population() -> Population:
    profiles = [profile for _, profile in FIRMS.values()]
    texts = [query_text(profile) for profile in profiles]
    return Population.of(version=3, as_of=AS_OF, ids=list(FIRMS), tenants=[tenant for tenant, _ in FIRMS.values()],
                         external_refs=[f"crm-{firm_id}" for firm_id in FIRMS], profiles=profiles,
                         vectors=ENCODER.encode_documents(texts), has_text=[bool(text) for text in texts])


def _profiles(ids: list[int]) -> dict[int, FirmProfile]:
    return {firm_id: FIRMS[firm_id][1] for firm_id in ids}


def _vector() -> npt.NDArray[np.float32]:
    catalogue = snapshot()
    vector: npt.NDArray[np.float32] = catalogue.vectors.vector(catalogue.index[CODE])
    return vector


def _candidates(tenant: str | None = None, verdicts: list[Verdict] | None = None, offset: int = 0,
                limit: int | None = 10) -> CandidateList:
    return candidates(view(CODE), _vector(), _population(), _profiles, tenant=tenant, verdicts=verdicts,
                      offset=offset, limit=limit)


def test_eligible_firms_by_value_then_relevance_before_a_possibly_eligible_one_worth_more() -> None:
    found = _candidates()
    assert [item.firm_id for item in found.items] == ORDER
    assert [item.verdict for item in found.items] == [Verdict.eligible] * 4 + [Verdict.possibly_eligible]
    assert [item.estimated_benefit.amount for item in found.items] == [500_000, 300_000, 300_000, 200_000, None]
    # Firm 3's R&D spend is unknown: a range up to the cap, ranked on the small firms' median R&D (6.1 m × 10%).
    unknown = found.items[4].estimated_benefit
    assert (unknown.low, unknown.high, unknown.expected, unknown.settle) == (0, 500_000, 500_000, ["rd_expense"])
    seven, one = found.items[1], found.items[2]
    assert seven.relevance > one.relevance  # the only thing that separates them
    assert found.counts == {Verdict.eligible: 4, Verdict.possibly_eligible: 1, Verdict.ineligible: 2}
    assert found.total == 5 and found.code == CODE and found.firms_version == 3 and found.as_of == AS_OF


def test_each_candidate_says_who_it_is_and_what_is_missing() -> None:
    items = {item.firm_id: item for item in _candidates().items}
    assert (items[5].name, items[5].region, items[5].external_ref) == ("宁波海曙五号精密机械有限公司", "330203", "crm-5")
    assert items[3].missing == ["rd_ratio"]  # R&D spend unknown: the ratio cannot be derived
    assert items[2].estimated_benefit.capped and not items[1].estimated_benefit.capped
    assert items[3].estimated_benefit.amount is None  # a range, not the cap standing in
    assert all(item.missing == [] for firm_id, item in items.items() if firm_id != 3)


def test_a_tenant_sees_only_its_own_firms_and_bureau_staff_see_all() -> None:
    ningbo = _candidates(tenant="ningbo")
    assert [item.firm_id for item in ningbo.items] == [2, 7, 1, 3]
    assert ningbo.counts == {Verdict.eligible: 3, Verdict.possibly_eligible: 1, Verdict.ineligible: 1}  # firm 4
    park = _candidates(tenant="park")
    assert [item.firm_id for item in park.items] == [5] and park.total == 1
    chengdu = _candidates(tenant="chengdu")
    assert chengdu.items == [] and chengdu.counts[Verdict.ineligible] == 1
    stranger = _candidates(tenant="nobody")
    assert stranger.items == [] and stranger.total == 0 and set(stranger.counts.values()) == {0}
    assert [item.firm_id for item in _candidates(tenant=None).items] == ORDER


def test_verdicts_choose_which_firms_are_listed() -> None:
    failing = _candidates(verdicts=[Verdict.ineligible])
    assert {item.firm_id for item in failing.items} == {4, 6} and failing.total == 2
    assert all(item.verdict is Verdict.ineligible for item in failing.items)
    possible = _candidates(verdicts=[Verdict.possibly_eligible])
    assert [item.firm_id for item in possible.items] == [3]
    everyone = _candidates(verdicts=list(Verdict))
    assert [item.firm_id for item in everyone.items] == [*ORDER, 4, 6] and everyone.total == 7  # 300,000 > 100,000


def test_pages_of_any_size_walk_one_order() -> None:
    for size in (1, 2, 3):
        pages = [_candidates(offset=offset, limit=size) for offset in range(0, 6, size)]
        assert [item.firm_id for page in pages for item in page.items] == ORDER
        assert all(page.total == 5 and page.limit == size for page in pages)
    assert [item.firm_id for item in _candidates(offset=3, limit=None).items] == ORDER[3:]


def test_a_firm_deleted_since_the_population_was_built_is_skipped() -> None:
    def without_seven(ids: list[int]) -> dict[int, FirmProfile]:
        return {firm_id: FIRMS[firm_id][1] for firm_id in ids if firm_id != 7}

    found = candidates(view(CODE), _vector(), _population(), without_seven, tenant=None, verdicts=None,
                       offset=0, limit=3)
    assert [item.firm_id for item in found.items] == [2, 1]  # the page held 2, 7, 1


def test_the_sandbox_counts_what_keeps_firms_out_and_what_it_would_pay() -> None:
    found = preview(view(CODE), _population(), None)
    assert found.firms == 7
    assert found.counts == {Verdict.eligible: 4, Verdict.possibly_eligible: 1, Verdict.ineligible: 2}
    # Staff: firms 4 and 6; the jurisdiction and the R&D ratio: firm 6 only (firm 3's ratio is unknown, not failing).
    assert found.excluded_by[0] == {"path": "criteria[1]", "type": "numeric", "fails": 2}
    assert {item["path"]: item["fails"] for item in found.excluded_by} == {
        "criteria[1]": 2, "jurisdiction": 1, "criteria[0]": 1}
    assert found.total_payout == 500_000 + 300_000 + 300_000 + 200_000  # the eligible firms only
    assert found.sweep == []


def test_a_threshold_sweep_counts_the_firms_at_each_bound() -> None:
    found = preview(view(CODE), _population(), Sweep(path=1, values=[100, 120, 1000]))
    at_100, at_120, at_1000 = found.sweep
    assert (at_100.eligible, at_100.possibly_eligible, at_100.change) == (1, 0, -4)  # only firm 5's 90 staff
    assert (at_120.eligible, at_120.possibly_eligible, at_120.change) == (3, 1, -1)  # 120 is inclusive: 1, 5, 7; 3
    assert (at_1000.eligible, at_1000.possibly_eligible, at_1000.change) == (5, 1, 1)  # firm 4's 800 staff too
    lower_ratio = preview(view(CODE), _population(), Sweep(path=0, values=[0.01]))
    assert lower_ratio.sweep[0].change == 0  # firm 6's 1.7% now passes, but it is in Chengdu with 900 staff


def test_a_sweep_must_name_a_numeric_criterion_and_a_valid_bound() -> None:
    with pytest.raises(InvalidSweep, match=r"no criteria\[2\]"):
        preview(view(CODE), _population(), Sweep(path=2, values=[1]))
    with pytest.raises(InvalidSweep, match="designation criterion, not numeric"):
        preview(view("NB-LG-AWARD"), _population(), Sweep(path=0, values=[1]))
    with pytest.raises(InvalidSweep, match="fraction"):
        preview(view(CODE), _population(), Sweep(path=0, values=[3]))  # an R&D ratio of 300%
