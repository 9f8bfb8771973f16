"""Twenty curators edit one measure at once over HTTP, each with If-Match, retrying on 412.

Optimistic locking must let exactly one edit through per revision: every edit the server accepted is
in the history, the history is contiguous, and the measure is its last revision. Nothing answers 5xx.
"""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from policies.keys import Role
from tests.conftest import Databases
from tests.e2e.live import LiveServer, make_key, reader, running
from tests.factories import measure_data

CURATORS = 20
EDITS_EACH = 2
DEADLINE = 120.0  # seconds for all the edits; on an idle machine they take a few
CODE = "ZJ-WZ-CONTENDED-AWARD"


@pytest.fixture
def database(databases: Databases, sample_db: str) -> Iterator[str]:
    url = databases.copy(sample_db)
    yield url
    databases.drop(url)


def _without_nulls(value: object) -> object:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


@dataclass
class Curator:
    number: int
    key: str
    accepted: list[tuple[int, str]] = field(default_factory=list)  # (revision, summary) of each 200
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def summary(self, edit: int) -> str:
        return f"Edited by curator {self.number:02d}, edit {edit}: a one-off award for first-time little giants."

    def run(self, base: str, start: threading.Barrier, deadline: float) -> None:
        try:
            with httpx.Client(base_url=base, headers={"X-API-Key": self.key}, timeout=60) as http:
                start.wait()
                for edit in range(EDITS_EACH):
                    summary = self.summary(edit)
                    while time.monotonic() < deadline:
                        read = http.get(f"/v1/measures/{CODE}")
                        self.statuses["GET", read.status_code] += 1
                        if read.status_code != 200:
                            self.errors.append(f"GET {read.status_code}: {read.text[:300]}")
                            return
                        etag = read.headers["ETag"]
                        written = http.patch(f"/v1/measures/{CODE}", json={"summary": summary},
                                             headers={"If-Match": etag})
                        self.statuses["PATCH", written.status_code] += 1
                        if written.status_code == 200:
                            revision = int(written.headers["ETag"].strip('"'))
                            assert written.json()["revision"] == revision == int(etag.strip('"')) + 1
                            self.accepted.append((revision, summary))
                            break
                        if written.status_code != 412:
                            self.errors.append(f"PATCH {written.status_code}: {written.text[:300]}")
                            return
                        assert written.headers["content-type"].startswith("application/problem+json")
                    else:
                        self.errors.append(f"edit {edit} not accepted before the deadline")
                        return
        except Exception as exc:  # reported by the test, with every other curator's outcome
            self.errors.append(f"{type(exc).__name__}: {exc}")


@pytest.mark.e2e
def test_twenty_curators_on_one_measure(database: str, tmp_path: Path) -> None:
    owner = make_key(database, Role.curator, "owner")
    curators = [Curator(number, make_key(database, Role.curator, f"curator {number:02d}"))
                for number in range(CURATORS)]
    server = LiveServer.start(database, tmp_path)
    with running(server):
        with httpx.Client(base_url=server.base, headers={"X-API-Key": owner}, timeout=60) as http:
            created = http.post("/v1/measures", json=measure_data(code=CODE))
            assert created.status_code == 201, created.text
        start = threading.Barrier(CURATORS)
        began = time.monotonic()
        threads = [threading.Thread(target=curator.run, args=(server.base, start, began + DEADLINE))
                   for curator in curators]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=DEADLINE + 30)
        elapsed = time.monotonic() - began
        assert not any(thread.is_alive() for thread in threads)

        statuses = sum((curator.statuses for curator in curators), Counter())
        errors = [f"curator {curator.number}: {error}" for curator in curators for error in curator.errors]
        assert not errors, "\n".join(errors)
        assert not [status for _, status in statuses if status >= 500], statuses
        assert set(statuses) <= {("GET", 200), ("PATCH", 200), ("PATCH", 412)}, statuses

        with httpx.Client(base_url=server.base, headers={"X-API-Key": owner}, timeout=60) as http:
            history = http.get(f"/v1/measures/{CODE}/revisions")
            assert history.status_code == 200, history.text
            revisions = history.json()
            accepted = {revision: (curator, summary) for curator in curators
                        for revision, summary in curator.accepted}
            assert len(accepted) == CURATORS * EDITS_EACH, "two accepted edits claim one revision"
            # Contiguous, no gaps, no duplicates: the create, then exactly the accepted edits.
            assert [entry["revision"] for entry in revisions] == list(range(1, 2 + CURATORS * EDITS_EACH))
            assert sorted(accepted) == list(range(2, 2 + CURATORS * EDITS_EACH))
            for entry in revisions[1:]:
                curator, summary = accepted[entry["revision"]]
                assert entry["action"] == "update"
                assert entry["actor"].startswith(f"curator {curator.number:02d} (key ")
                assert [(c["path"], c["after"]) for c in entry["changes"]] == [("summary", summary)]
                previous = revisions[entry["revision"] - 2]
                assert entry["changes"][0]["before"] == (
                    accepted[previous["revision"]][1] if previous["revision"] > 1 else measure_data()["summary"])
            last = http.get(f"/v1/measures/{CODE}/revisions/{revisions[-1]['revision']}")
            assert last.status_code == 200
            final = http.get(f"/v1/measures/{CODE}")
            assert final.headers["ETag"] == f'"{revisions[-1]["revision"]}"'
            shown = final.json()
            # The API shows every optional field (null when unset); a snapshot keeps only those set.
            assert {name: _without_nulls(shown[name]) for name in last.json()["snapshot"]} == last.json()["snapshot"]
            assert shown["summary"] == accepted[revisions[-1]["revision"]][1]

    # Each revision was written with its audit event and outbox event, in its transaction.
    engine = reader(database)
    with engine.connect() as connection:
        for table in ("audit_event", "outbox_event"):
            count = connection.execute(text(f"SELECT count(*) FROM {table} WHERE entity_ref = :code"),
                                       {"code": CODE}).scalar_one()
            assert count == len(revisions), (table, count)
    engine.dispose()
    print(f"\n{CURATORS} curators × {EDITS_EACH} edits in {elapsed:.1f}s: {statuses['PATCH', 200]} PATCHes "
          f"accepted, {statuses['PATCH', 412]} refused with 412 and retried, {statuses['GET', 200]} GETs")
