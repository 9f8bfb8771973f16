"""Reverse matching on firms and measures written by hand: which firms qualify, who may see them, the sandbox."""

import numpy as np
import numpy.typing as npt

from matching.catalogue.view import MeasureView
from matching.eligibility.rules import Verdict
from matching.firm.profile import FirmProfile, query_text
from matching.reverse.candidates import Sweep, candidates, preview
from matching.reverse.population import Population
from tests.matching.catalogue_by_hand import AS_OF, ENCODER, firm, snapshot

FIRMS = {
    1: ("ningbo", firm(name="宁波一号精密制造有限公司", export_share=0.5)),  # qualifies for the export loan
    2: ("ningbo", firm(name="宁波二号精密制造有限公司", export_share=None)),  # possibly: export share unknown
    3: ("ningbo", firm(name="宁波三号精密制造有限公司", export_share=0.05)),  # fails
    4: ("chengdu", firm(name="成都四号精密制造有限公司", region="510108", export_share=0.3)),  # qualifies, other tenant
}


def _population() -> Population:
    profiles = [profile for _, profile in FIRMS.values()]
    texts = [query_text(profile) for profile in profiles]
    return Population.of(version=1, as_of=AS_OF, ids=list(FIRMS), tenants=[tenant for tenant, _ in FIRMS.values()],
                         external_refs=[f"crm-{firm_id}" for firm_id in FIRMS], profiles=profiles,
                         vectors=ENCODER.encode_documents(texts), has_text=[bool(text) for text in texts])


def _profiles(ids: list[int]) -> dict[int, FirmProfile]:
    return {firm_id: FIRMS[firm_id][1] for firm_id in ids}


def _loan() -> tuple[MeasureView, npt.NDArray[np.float32]]:
    catalogue = snapshot()
    index = catalogue.index["CN-EXPORT-LOAN"]
    return catalogue.measures[index], catalogue.vectors.vector(index)


def test_eligible_firms_come_before_possibly_eligible_ones_and_failures_are_left_out() -> None:
    view, vector = _loan()
    found = candidates(view, vector, _population(), _profiles, tenant=None, verdicts=None, offset=0, limit=10)
    assert [(item.firm_id, item.verdict) for item in found.items][-1] == (2, Verdict.possibly_eligible)
    assert {item.firm_id for item in found.items} == {1, 2, 4}
    assert found.counts[Verdict.eligible] == 2 and found.counts[Verdict.possibly_eligible] == 1


def test_a_portal_sees_only_its_own_firms() -> None:
    view, vector = _loan()
    found = candidates(view, vector, _population(), _profiles, tenant="chengdu", verdicts=None, offset=0, limit=10)
    assert [item.firm_id for item in found.items] == [4]
    assert found.items[0].external_ref == "crm-4"


def test_paging() -> None:
    view, vector = _loan()
    population = _population()
    whole = candidates(view, vector, population, _profiles, tenant=None, verdicts=None, offset=0, limit=10)
    pages = [candidates(view, vector, population, _profiles, tenant=None, verdicts=None, offset=offset, limit=2)
             for offset in (0, 2)]
    assert [item.firm_id for page in pages for item in page.items] == [item.firm_id for item in whole.items]
    assert all(page.total == 3 for page in pages)


def test_the_sandbox_counts_and_sweeps_a_threshold() -> None:
    view, _ = _loan()
    found = preview(view, _population(), Sweep(path=0, values=[0.01, 0.4]))
    assert found.firms == 4
    assert found.counts == {Verdict.eligible: 2, Verdict.possibly_eligible: 1, Verdict.ineligible: 1}
    at_one_percent, at_forty = found.sweep
    assert at_one_percent.eligible == 3  # firm 3's 5% now passes
    assert at_forty.eligible == 1  # only firm 1's 50%
