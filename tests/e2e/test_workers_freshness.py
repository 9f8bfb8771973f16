"""Several server processes on one database: a change made through one is served by the others, soon.

Each process keeps its own compiled catalogue and compares its version with the
database's on every request (matching/catalogue.py), so there is no message to
lose between processes. These tests measure how soon another process serves a
change: two separate servers (so which process answers is known), and one
`supportmatch serve --workers 2` (where the kernel picks the worker, and
/metrics tells which one answered).
"""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from policies.keys import Role
from tests.conftest import Databases
from tests.e2e.live import LiveServer, catalogue_version, history_counts, make_key, running
from tests.factories import example_firm, measure_data

FRESHNESS_BOUND = 10.0  # seconds from the publish's answer to another process serving it
CODE = "SC-CH-FRESHNESS-QUOKKABOT"
WORD = "quokkabot"  # in no other measure: a search for it finds this one or nothing
FIRM = "chengdu-longtan-robotics"  # Chenghua district, Chengdu (510108), industry C3491: the measure fits it


@pytest.fixture
def database(databases: Databases, sample_db: str) -> Iterator[str]:
    url = databases.copy(sample_db)
    yield url
    databases.drop(url)


def _new_measure() -> dict[str, Any]:
    return measure_data(
        code=CODE, title_en=f"Chengdu {WORD} grant for industrial robot makers",
        summary=f"A {WORD} grant of 5 million yuan for robot makers in Chenghua district building assembly lines.",
        level="district", jurisdiction=["510108"], industries=["C34"],
        criteria=[{"type": "region_in", "codes": ["510108"]}, {"type": "industry_in", "codes": ["C34"]}],
        benefit={"kind": "fixed", "amount": 5_000_000}, window={"mode": "rolling"},
    )


def _publish(base: str, curator: str) -> None:
    """Create, submit and publish the measure through this server: three commits, three revisions."""
    headers = {"X-API-Key": curator}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        created = http.post("/v1/measures", json=_new_measure())
        assert created.status_code == 201, created.text
        for status in ("in_review", "published"):
            moved = http.post(f"/v1/measures/{CODE}/status", json={"status": status})
            assert moved.status_code == 200, moved.text


def _serves_the_measure(http: httpx.Client, portal: str) -> tuple[bool, bool]:
    """Whether search finds the measure, and whether a match for the firm ranks it."""
    found = http.get("/v1/search", params={"q": WORD, "limit": 5})
    assert found.status_code == 200, found.text
    matched = http.post("/v1/match", headers={"X-API-Key": portal},
                        json={"profile": example_firm(FIRM), "limit": 100})
    assert matched.status_code == 200, matched.text
    return (any(hit["code"] == CODE for hit in found.json()["hits"]),
            any(item["code"] == CODE for item in matched.json()["items"]))


@pytest.mark.e2e
def test_a_change_through_one_server_is_served_by_another(database: str, tmp_path: Path) -> None:
    portal = make_key(database, Role.portal, "portal", tenant="chengdu")
    curator = make_key(database, Role.curator, "bureau")
    # One snapshot directory for both, as two processes on one host would have.
    a = LiveServer.start(database, tmp_path, name="a")
    b = LiveServer.start(database, tmp_path, name="b")
    with running(a, b), httpx.Client(base_url=b.base, timeout=30) as on_b:
        before = catalogue_version(history_counts(database))
        assert a.health()["catalogue_version"] == b.health()["catalogue_version"] == before
        assert _serves_the_measure(on_b, portal) == (False, False)  # warm: B has built what it serves

        _publish(a.base, curator)
        published_at = time.monotonic()
        after = catalogue_version(history_counts(database))
        assert after == before + 3

        polls, seen_versions = 0, []
        while True:
            polls += 1
            version = b.health()["catalogue_version"]
            seen_versions.append(version)
            if version == after and _serves_the_measure(on_b, portal) == (True, True):
                delay = time.monotonic() - published_at
                break
            assert time.monotonic() - published_at < FRESHNESS_BOUND, (
                f"server B still does not serve the change {FRESHNESS_BOUND}s after server A published it: "
                f"versions seen {seen_versions[-5:]}, wanted {after}")
            time.sleep(0.05)
        assert a.health()["catalogue_version"] == after
    print(f"\nfreshness across two processes: B served the change {delay * 1000:.0f} ms after A's answer "
          f"({polls} poll(s); versions seen on B: {sorted(set(seen_versions))})")
    assert delay < FRESHNESS_BOUND, f"B served the change after {delay:.3f}s"


def _metric(body: str, name: str) -> float:
    for line in body.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1])
    raise AssertionError(f"/metrics has no {name}")


def _workers(parent: int) -> dict[float, list[int]]:
    """The uvicorn workers of this server, by start time as /metrics reports it (process_start_time_seconds).

    The worker that answers is not ours to choose: this is how a test tells which one did. Two workers
    started within the same clock tick (10 ms) cannot be told apart; the test then falls back.
    """
    clock_ticks = 100  # USER_HZ: what /proc/<pid>/stat counts in, and prometheus_client assumes
    boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                if line.startswith("btime"))
    found: dict[float, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in cmdline:
            found.setdefault(round(boot + int(fields[19]) / clock_ticks, 2), []).append(int(stat.parent.name))
    return found


@pytest.mark.e2e
def test_every_worker_of_one_server_serves_a_change(database: str, tmp_path: Path) -> None:
    portal = make_key(database, Role.portal, "portal", tenant="chengdu")
    curator = make_key(database, Role.curator, "bureau")
    server = LiveServer.start(database, tmp_path, name="workers", workers=2)

    def answered_by() -> tuple[float, int]:
        body = httpx.get(f"{server.base}/metrics", timeout=30).text  # no pool: a new connection each time
        return round(_metric(body, "process_start_time_seconds"), 2), int(
            _metric(body, "supportmatch_catalogue_version"))

    with running(server), httpx.Client(base_url=server.base, timeout=30) as http:
        deadline = time.monotonic() + 180
        while server.log.read_text(errors="replace").count("Application startup complete") < 2:
            assert time.monotonic() < deadline and server.process.poll() is None, server.log_tail()
            time.sleep(0.2)
        workers = _workers(server.process.pid)
        assert sum(map(len, workers.values())) == 2, f"expected 2 worker processes, found {workers}"
        if len(workers) < 2:  # same start tick: count fresh answers instead of fresh workers
            print(f"\nthe two workers started within one clock tick ({workers}): cannot tell them apart")
        before = catalogue_version(history_counts(database))
        warmed: set[float] = set()
        for _ in range(200):  # until each worker has answered (and so built its snapshot) at least once
            start, version = answered_by()
            assert version == before
            warmed.add(start)
            if warmed >= set(workers):
                break
        assert warmed == set(workers), f"requests reached only the workers started at {warmed} of {workers}"
        assert _serves_the_measure(http, portal) == (False, False)

        _publish(server.base, curator)
        published_at = time.monotonic()
        after = before + 3
        assert catalogue_version(history_counts(database)) == after
        fresh: dict[float, float] = {}  # worker → seconds after the publish when it first served the change
        stale = 0
        fresh_answers = 0
        while (set(fresh) != set(workers) or fresh_answers < 20
               or _serves_the_measure(http, portal) != (True, True)):
            start, version = answered_by()
            if version == after:
                fresh.setdefault(start, time.monotonic() - published_at)
                fresh_answers += 1
            else:
                stale += 1
            assert time.monotonic() - published_at < FRESHNESS_BOUND, (
                f"not every worker serves the change {FRESHNESS_BOUND}s after it was published: "
                f"fresh {fresh} of workers {workers}, {stale} stale answer(s)")
        delay = time.monotonic() - published_at
        log = server.log.read_text(errors="replace")
    print(f"\nfreshness across --workers 2: both workers served the change within {delay * 1000:.0f} ms "
          f"(first fresh answer per worker: {[f'{s * 1000:.0f} ms' for s in fresh.values()]}; {stale} stale)")
    assert delay < FRESHNESS_BOUND
    assert stale == 0, "a request made after the publish was answered from an older catalogue"
    # The JSON access log is configured in each worker process, not only in the parent.
    assert '"route": "/v1/match"' in log and '"route": "/metrics"' in log
