"""A write answers with what it committed, even when another writer commits right after it.

Found by tests/e2e/test_concurrent_curators.py: with twenty curators on one measure, a PATCH sent with
If-Match "11" was answered 200 with ETag "13" and another curator's summary. The request's session
expired its objects at commit, so building the answer reloaded the measure in a new transaction, after
another curator's commit. A client then holds an ETag for a state it never saw. Here the other commit is
placed deterministically, from the session's after_commit event.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from policies import curation
from policies.models import SupportMeasure
from policies.schemas import MeasureUpdate
from tests.factories import measure_data

CODE = measure_data()["code"]


class AnotherCurator:
    """Once armed: right after the next commit of a session holding a measure, edits it and commits."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.armed = self.fired = False

    def after_commit(self, session: OrmSession) -> None:
        if self.armed and any(isinstance(row, SupportMeasure) for row in session.identity_map.values()):
            self.armed, self.fired = False, True
            with Session(self.engine) as other:
                current = curation.get_measure(session=other, code=CODE).revision
                curation.update_measure(session=other, code=CODE, expected_revision=current, actor="other",
                                        data=MeasureUpdate(summary="Changed by another curator just after."))


@pytest.fixture
def another_curator(engine: Engine) -> Iterator[AnotherCurator]:
    other = AnotherCurator(engine)
    event.listen(OrmSession, "after_commit", other.after_commit)
    yield other
    event.remove(OrmSession, "after_commit", other.after_commit)


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("PATCH", f"/v1/measures/{CODE}", {"summary": "Changed by this curator, now."}, None),
    ("POST", f"/v1/measures/{CODE}/status", {"status": "in_review"}, "in_review"),
])
def test_a_write_answers_with_the_revision_it_wrote(
    client: TestClient, curator: dict[str, str], another_curator: AnotherCurator,
    method: str, path: str, body: dict[str, Any], status: str | None,
) -> None:
    created = client.post("/v1/measures", json=measure_data(), headers=curator)
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    another_curator.armed = True

    written = client.request(method, path, json=body, headers=curator | {"If-Match": '"1"'})

    assert another_curator.fired, "the other commit did not come between the write and its answer"
    assert written.status_code == 200, written.text
    assert written.headers["ETag"] == '"2"'
    shown = written.json()
    assert shown["revision"] == 2
    assert shown["summary"] == body.get("summary", measure_data()["summary"])
    assert shown["status"] == (status or "draft")
    history = client.get(f"/v1/measures/{CODE}/revisions", headers=curator).json()
    assert [entry["revision"] for entry in history] == [1, 2, 3]
    assert history[2]["actor"] == "other"

