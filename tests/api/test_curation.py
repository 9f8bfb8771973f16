"""The curator's workflow through the HTTP API."""

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from policies import curation
from policies.errors import InvalidTransition
from policies.keys import Role
from policies.vocabulary import MeasureStatus
from tests.factories import measure_data

PROBLEM = "application/problem+json"


def _create(client: TestClient, headers: dict[str, str], **overrides: object) -> str:
    response = client.post("/v1/measures", json=measure_data(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.headers["ETag"]


def test_create_edit_publish_archive_and_read_history(client: TestClient, curator: dict[str, str]) -> None:
    etag = _create(client, curator)
    assert etag == '"1"'
    assert client.get("/v1/measures/ZJ-WZ-TEST-AWARD").status_code == 404  # drafts are not public

    edit = client.patch(
        "/v1/measures/ZJ-WZ-TEST-AWARD",
        json={"benefit": {"kind": "fixed", "amount": 500_000}},
        headers=curator | {"If-Match": etag},
    )
    assert edit.status_code == 200, edit.text
    assert edit.json()["benefit"]["amount"] == 500_000
    assert edit.headers["ETag"] == '"2"'

    for status, expected_etag in (("in_review", '"3"'), ("published", '"4"')):
        moved = client.post("/v1/measures/ZJ-WZ-TEST-AWARD/status", json={"status": status}, headers=curator)
        assert moved.status_code == 200, moved.text
        assert moved.headers["ETag"] == expected_etag

    public = client.get("/v1/measures/ZJ-WZ-TEST-AWARD")
    assert public.status_code == 200
    assert public.json()["status"] == "published"
    assert public.json()["jurisdiction_names"] == [{"code": "330300", "name": "温州市"}]

    archived = client.post("/v1/measures/ZJ-WZ-TEST-AWARD/status", json={"status": "archived"}, headers=curator)
    assert archived.json()["status"] == "archived"

    revisions = client.get("/v1/measures/ZJ-WZ-TEST-AWARD/revisions", headers=curator).json()
    assert [(r["revision"], r["action"]) for r in revisions] == [
        (1, "create"), (2, "update"), (3, "in_review"), (4, "published"), (5, "archived"),
    ]
    assert all(r["actor"].startswith("test curator") for r in revisions)
    assert revisions[1]["changes"] == [{"path": "benefit/amount", "before": 1_000_000, "after": 500_000}]

    diff = client.get("/v1/measures/ZJ-WZ-TEST-AWARD/diff?from=1&to=5", headers=curator).json()
    assert {c["path"] for c in diff["changes"]} == {"benefit/amount", "status"}

    first = client.get("/v1/measures/ZJ-WZ-TEST-AWARD/revisions/1", headers=curator).json()
    assert first["snapshot"]["benefit"]["amount"] == 1_000_000


def test_update_needs_if_match(client: TestClient, curator: dict[str, str]) -> None:
    _create(client, curator)
    response = client.patch("/v1/measures/ZJ-WZ-TEST-AWARD", json={"title_en": "New title"}, headers=curator)
    assert response.status_code == 428
    assert response.headers["content-type"] == PROBLEM


def test_stale_if_match_is_refused(client: TestClient, curator: dict[str, str]) -> None:
    etag = _create(client, curator)
    ok = client.patch("/v1/measures/ZJ-WZ-TEST-AWARD", json={"title_en": "First edit"},
                      headers=curator | {"If-Match": etag})
    assert ok.status_code == 200
    stale = client.patch("/v1/measures/ZJ-WZ-TEST-AWARD", json={"title_en": "Second edit"},
                         headers=curator | {"If-Match": etag})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == PROBLEM
    assert "revision 2" in stale.json()["detail"]
    assert client.get("/v1/measures/ZJ-WZ-TEST-AWARD", headers=curator).json()["title_en"] == "First edit"


def test_two_concurrent_writers_with_the_same_etag(client: TestClient, curator: dict[str, str]) -> None:
    etag = _create(client, curator)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def write(title: str) -> None:
        barrier.wait()
        response = client.patch("/v1/measures/ZJ-WZ-TEST-AWARD", json={"title_en": title},
                                headers=curator | {"If-Match": etag})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=write, args=(f"Writer {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 412]
    revisions = client.get("/v1/measures/ZJ-WZ-TEST-AWARD/revisions", headers=curator).json()
    assert [r["revision"] for r in revisions] == [1, 2]


def test_invalid_transition_is_409(client: TestClient, curator: dict[str, str]) -> None:
    _create(client, curator)
    response = client.post("/v1/measures/ZJ-WZ-TEST-AWARD/status", json={"status": "published"}, headers=curator)
    assert response.status_code == 409
    assert "allowed: in_review, archived" in response.json()["detail"]


def test_duplicate_code_is_409(client: TestClient, curator: dict[str, str]) -> None:
    _create(client, curator)
    response = client.post("/v1/measures", json=measure_data(), headers=curator)
    assert response.status_code == 409


def test_edit_that_breaks_the_whole_measure_names_the_field(client: TestClient, curator: dict[str, str]) -> None:
    etag = _create(client, curator, effective_from="2026-01-01")
    response = client.patch("/v1/measures/ZJ-WZ-TEST-AWARD", json={"effective_to": "2025-01-01"},
                            headers=curator | {"If-Match": etag})
    assert response.status_code == 422
    assert "effective_to" in response.json()["detail"]


def test_roles(client: TestClient, auth: object) -> None:
    make = auth  # type: ignore[assignment]
    portal = make(Role.portal)  # type: ignore[operator]
    assert client.post("/v1/measures", json=measure_data()).status_code == 401
    assert client.post("/v1/measures", json=measure_data(), headers=portal).status_code == 403
    assert client.post("/v1/measures", json=measure_data(),
                       headers={"Authorization": "Bearer sm_nope_nope"}).status_code == 401
    assert client.get("/v1/measures?status=draft").status_code == 403


def test_a_status_change_without_if_match_that_lost_a_race_is_judged_again(sample_engine: Engine) -> None:
    """Without If-Match the caller asked for a move: losing a race to the same move is 409 (the move no longer
    applies), on PostgreSQL as on SQLite, never a 412 for a precondition the caller did not set."""
    code = "CN-INDUSTRIAL-DESIGN-VOUCHER"
    with Session(sample_engine, expire_on_commit=False) as late, Session(sample_engine) as early:
        assert curation.get_measure(session=late, code=code).status == "published"  # read before the other commit
        late.commit()
        curation.transition(session=early, code=code, target=MeasureStatus.archived, expected_revision=None,
                            actor="early")
        with pytest.raises(InvalidTransition):
            curation.transition(session=late, code=code, target=MeasureStatus.archived, expected_revision=None,
                                actor="late")
