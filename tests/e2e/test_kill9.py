"""kill -9 in the middle of a write: after a restart the database holds all of the change or none of it,
and the restarted server serves exactly what the database holds.

Each test proves that the kill landed mid-write, not before or after it:

- a 2,000-measure import (one transaction): on SQLite, the write-ahead log holds frames of a transaction that
  has not committed (pages spilled from a full cache); on PostgreSQL, the server's backend holds a
  transaction id, which it gets only when it first writes;
- a publish (one small transaction): a trigger the test installs on the database copy stalls the publish's
  audit-event insert, which comes after the measure's UPDATE; the kill lands while it is stalled.

Then the counts of measures, revisions, audit events and outbox events move together or not at all, and
/health, search and match agree with the database.
"""

import json
import random
import sqlite3
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from policies.keys import Role
from tests.conftest import Databases
from tests.e2e.live import (
    HISTORY_TABLES,
    LiveServer,
    catalogue_version,
    history_counts,
    is_postgres,
    make_key,
    reader,
    running,
)
from tests.factories import example_firm, measure_data

BULK = 2_000
PUBLISHED_IN_BULK = 5  # the import publishes these: search and match must find them iff it committed
WORD = "okapifund"  # in no sample measure
FIRM = "chengdu-longtan-robotics"  # Chenghua district, Chengdu (510108), industry C3491
PROBE_TIMEOUT = 120.0


@pytest.fixture
def database(databases: Databases, sample_db: str) -> Iterator[str]:
    url = databases.copy(sample_db)
    yield url
    databases.drop(url)


def _fits_the_firm(**fields: Any) -> dict[str, Any]:
    return measure_data(
        level="district", jurisdiction=["510108"], industries=["C34"],
        criteria=[{"type": "region_in", "codes": ["510108"]}, {"type": "industry_in", "codes": ["C34"]}],
        benefit={"kind": "fixed", "amount": 3_000_000}, window={"mode": "rolling"}, **fields,
    )


def _bulk_records() -> list[dict[str, Any]]:
    records = []
    for i in range(BULK):
        published = i < PUBLISHED_IN_BULK
        records.append(_fits_the_firm(
            code=f"SC-CH-BULK-{i:04d}", status="published" if published else "draft",
            title_en=f"Chenghua {WORD} robot grant no. {i}" if published else f"Chenghua bulk draft no. {i}",
            summary=f"Imported measure number {i} of a large catalogue file, for robot makers in Chenghua."))
    return records


def _delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in before}


NOTHING = dict.fromkeys((*HISTORY_TABLES, "published"), 0)


class Request(threading.Thread):
    """One HTTP request in the background: the test kills the server while it waits for the answer."""

    def __init__(self, call: Callable[[], httpx.Response]) -> None:
        super().__init__(daemon=True)
        self._call = call
        self.response: httpx.Response | None = None
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            self.response = self._call()
        except Exception as exc:  # kept for the test to assert on: a kill should end the request unanswered
            self.error = exc


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    assert database is not None
    return Path(database)


def _uncommitted_wal_frames(url: str) -> int:
    """Frames at the end of the SQLite write-ahead log that no commit frame seals: a write in progress.

    WAL format (sqlite.org/fileformat2.html#walformat): a 32-byte header with the page size and two salts,
    then frames of a 24-byte header (page number, database size after commit or 0, the salts) and a page.
    """
    wal = _sqlite_path(url).with_name(_sqlite_path(url).name + "-wal")
    try:
        with open(wal, "rb") as source:
            header = source.read(32)
            if len(header) < 32:
                return 0
            page_size, salts = struct.unpack(">I", header[8:12])[0], header[16:24]
            pending = 0
            while True:
                frame = source.read(24)
                if len(frame) < 24 or frame[8:16] != salts:
                    return pending
                pending = 0 if struct.unpack(">I", frame[4:8])[0] else pending + 1
                source.seek(page_size, 1)
    except FileNotFoundError:
        return 0


def _sqlite_write_locked(url: str) -> bool:
    """Whether another connection holds SQLite's write lock (the server's transactions take it at BEGIN)."""
    connection = sqlite3.connect(_sqlite_path(url), timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc) or "busy" in str(exc), exc
        return True
    finally:
        connection.close()


def _pg_writers(url: str, wait_event: str | None = None) -> list[dict[str, Any]]:
    """Backends of the server on this database inside a transaction that has written (it holds an xid)."""
    engine = reader(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT pid, state, wait_event, backend_xid::text AS xid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )).mappings().all()
    finally:
        engine.dispose()
    return [dict(row) for row in rows if wait_event is None or row["wait_event"] == wait_event]


def _end_orphans(url: str) -> int:
    """After the kill: end the dead server's PostgreSQL backends (one may sleep in the test's trigger).

    Their transactions were never committed; PostgreSQL rolls them back. Returns how many were left.
    """
    if not is_postgres(url):
        return 0
    engine = reader(url)
    try:
        with engine.connect() as connection:
            deadline = time.monotonic() + 5
            query = text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                         "AND pid <> pg_backend_pid()")
            while connection.execute(query).first() is not None and time.monotonic() < deadline:
                time.sleep(0.1)  # a backend whose client died notices at its next read of the socket
            left = [row[0] for row in connection.execute(query)]
            for pid in left:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            while connection.execute(query).first() is not None:
                assert time.monotonic() < deadline + 10, "the dead server's backends did not end"
                time.sleep(0.1)
    finally:
        engine.dispose()
    return len(left)


def _kill_mid_write(server: LiveServer, request: Request, writing: Callable[[], bool], *, settle: float) -> bool:
    """Kill -9 the server while `request` is unanswered and `writing()` holds; True when that was so.

    Waits for the write to be under way, lets it run a random moment longer (up to `settle` seconds),
    checks again, then kills. False when the request was answered first.
    """
    deadline = time.monotonic() + PROBE_TIMEOUT
    while request.is_alive() and not writing():
        assert time.monotonic() < deadline, f"the write never started:\n{server.log_tail()}"
        assert server.process.poll() is None, server.log_tail()
        time.sleep(0.02)
    delay = random.uniform(0.0, settle)
    time.sleep(delay)
    landed = request.is_alive() and writing()
    server.kill()
    request.join(timeout=60)
    assert not request.is_alive()
    print(f"\nkill -9 {delay:.2f}s after the write was seen under way; mid-write: {landed}")
    if landed:
        assert request.response is None and isinstance(request.error, httpx.TransportError), (
            "the killed server answered the request", request.response, request.error)
    return landed


def _served(base: str, portal: str, query: str) -> tuple[set[str], set[str]]:
    """Codes a search for `query` finds and codes a match for the example firm ranks, on this server."""
    with httpx.Client(base_url=base, timeout=60) as http:
        found = http.get("/v1/search", params={"q": query, "limit": 50})
        assert found.status_code == 200, found.text
        matched = http.post("/v1/match", headers={"X-API-Key": portal},
                            json={"profile": example_firm(FIRM), "limit": 100})
        assert matched.status_code == 200, matched.text
    return {hit["code"] for hit in found.json()["hits"]}, {item["code"] for item in matched.json()["items"]}


def _assert_serves_the_database(server: LiveServer, database: str) -> dict[str, int]:
    counts = history_counts(database)
    health = server.health()
    assert (health["catalogue_version"], health["measures"], health["published"]) == (
        catalogue_version(counts), counts["measure"], counts["published"]), (health, counts)
    return counts


@pytest.mark.e2e
def test_kill_during_a_large_import(database: str, tmp_path: Path) -> None:
    curator = make_key(database, Role.curator, "bureau")
    portal = make_key(database, Role.portal, "portal", tenant="chengdu")
    records = _bulk_records()
    body = json.dumps(records).encode()
    published_codes = {record["code"] for record in records[:PUBLISHED_IN_BULK]}
    all_codes = {record["code"] for record in records}
    everything = dict.fromkeys(HISTORY_TABLES, BULK) | {"published": PUBLISHED_IN_BULK}

    def send_import(base: str) -> Request:
        return Request(lambda: httpx.post(
            f"{base}/v1/measures/import", content=body, timeout=300,
            headers={"X-API-Key": curator, "Content-Type": "application/json"}))

    if is_postgres(database):
        def writing() -> bool:
            return bool(_pg_writers(database))
    else:
        def writing() -> bool:
            return _uncommitted_wal_frames(database) > 0

    first = LiveServer.start(database, tmp_path, name="first")
    with running(first):
        before = _assert_serves_the_database(first, database)
        found, matched = _served(first.base, portal, WORD)
        assert not (found | matched) & all_codes
        importing = send_import(first.base)
        importing.start()
        landed = _kill_mid_write(first, importing, writing, settle=0.5)
    orphans = _end_orphans(database)

    after_kill = history_counts(database)
    committed = _delta(before, after_kill) == everything
    assert _delta(before, after_kill) in (NOTHING, everything), (
        f"a killed import left part of itself: {_delta(before, after_kill)}")
    assert committed == (not landed), "a kill mid-write must leave nothing; a finished import everything"
    engine = reader(database)
    with engine.connect() as connection:
        present = {row[0] for row in connection.execute(text("SELECT code FROM measure WHERE code LIKE 'SC-CH-BULK-%'"))}
    engine.dispose()
    assert present == (all_codes if committed else set())

    second = LiveServer.start(database, tmp_path, name="restarted")
    with running(second):
        _assert_serves_the_database(second, database)
        found, matched = _served(second.base, portal, WORD)
        assert found & all_codes == (published_codes if committed else set())
        assert matched & all_codes == (published_codes if committed else set())
        if not committed:  # the same import, sent again to the restarted server, now commits whole
            started = time.monotonic()
            retry = send_import(second.base)
            retry.run()
            assert retry.response is not None and retry.response.status_code == 200, (retry.error, retry.response)
            assert len(retry.response.json()["created"]) == BULK
            import_seconds = time.monotonic() - started
            assert _delta(before, history_counts(database)) == everything
            _assert_serves_the_database(second, database)
            found, matched = _served(second.base, portal, WORD)
            assert found & all_codes == published_codes and matched & all_codes == published_codes
            print(f"the import retried after the crash committed {BULK} measures in {import_seconds:.1f}s"
                  f" ({orphans} backend(s) of the dead server ended by the test)")
    assert landed, "the kill did not land mid-write (the import finished first): the test proved nothing"


def _install_stall(database: str, code: str) -> None:
    """A trigger that stalls the audit-event insert of this measure's publish, well past the kill.

    The publish has by then updated the measure (curation._record flushes the row first); so the kill
    lands between the writes of one transaction.
    """
    condition = f"NEW.entity_ref = '{code}' AND NEW.action = 'measure.published'"
    engine = reader(database)
    with engine.begin() as connection:
        if is_postgres(database):
            connection.execute(text(
                "CREATE FUNCTION sm_test_stall() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN PERFORM pg_sleep(120); RETURN NEW; END $$"))
            connection.execute(text(
                f"CREATE TRIGGER sm_test_stall BEFORE INSERT ON audit_event FOR EACH ROW WHEN ({condition}) "
                "EXECUTE FUNCTION sm_test_stall()"))
        else:  # SQLite has no sleep: count a four-way cross join of ~200 rows (over a billion rows)
            connection.execute(text(
                f"CREATE TRIGGER sm_test_stall BEFORE INSERT ON audit_event WHEN {condition} BEGIN "
                "SELECT count(*) FROM measure_revision a, measure_revision b, measure_revision c, "
                "measure_revision d; END"))
    engine.dispose()


def _remove_stall(database: str) -> None:
    engine = reader(database)
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER sm_test_stall" + (" ON audit_event" if is_postgres(database) else "")))
        if is_postgres(database):
            connection.execute(text("DROP FUNCTION sm_test_stall()"))
    engine.dispose()


@pytest.mark.e2e
def test_kill_during_a_publish(database: str, tmp_path: Path) -> None:
    curator = make_key(database, Role.curator, "bureau")
    portal = make_key(database, Role.portal, "portal", tenant="chengdu")
    code = "SC-CH-PUBLISH-KILL"
    headers = {"X-API-Key": curator}

    def publish(base: str) -> httpx.Response:
        return httpx.post(f"{base}/v1/measures/{code}/status", json={"status": "published"}, headers=headers,
                          timeout=300)

    if is_postgres(database):
        def writing() -> bool:  # has written (holds an xid) and sleeps in the trigger
            return bool(_pg_writers(database, wait_event="PgSleep"))
    else:
        def writing() -> bool:  # holds the write lock, and has for longer than a publish takes
            return _sqlite_write_locked(database)

    first = LiveServer.start(database, tmp_path, name="first")
    with running(first):
        with httpx.Client(base_url=first.base, headers=headers, timeout=60) as http:
            created = http.post("/v1/measures", json=_fits_the_firm(
                code=code, title_en=f"Chenghua {WORD} publish test", summary="Published while the server dies."))
            assert created.status_code == 201, created.text
            assert http.post(f"/v1/measures/{code}/status", json={"status": "in_review"}).status_code == 200
        before = _assert_serves_the_database(first, database)
        _install_stall(database, code)
        publishing = Request(lambda: publish(first.base))
        publishing.start()
        time.sleep(0.3)  # an unstalled publish takes milliseconds: still writing after this, it is stalled
        landed = _kill_mid_write(first, publishing, writing, settle=0.3)
    _end_orphans(database)
    _remove_stall(database)

    after_kill = history_counts(database)
    one = {"measure": 0, "measure_revision": 1, "audit_event": 1, "outbox_event": 1, "published": 1}
    assert _delta(before, after_kill) in (NOTHING, one), f"a killed publish left part of itself: {after_kill}"
    committed = _delta(before, after_kill) == one

    second = LiveServer.start(database, tmp_path, name="restarted")
    with running(second), httpx.Client(base_url=second.base, headers=headers, timeout=60) as http:
        _assert_serves_the_database(second, database)
        shown = http.get(f"/v1/measures/{code}")
        assert shown.status_code == 200
        assert (shown.json()["status"], shown.headers["ETag"]) == (
            ("published", '"3"') if committed else ("in_review", '"2"'))
        found, matched = _served(second.base, portal, WORD)
        assert (code in found, code in matched) == (committed, committed)
        if not committed:  # publishing again on the restarted server works, and is served at once
            retried = publish(second.base)
            assert retried.status_code == 200, retried.text
            assert _delta(before, history_counts(database)) == one
            _assert_serves_the_database(second, database)
            found, matched = _served(second.base, portal, WORD)
            assert code in found and code in matched
    assert landed, "the kill did not land mid-write (the publish finished first): the test proved nothing"
