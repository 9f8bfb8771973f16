"""200 concurrent keep-alive clients against the real server: no 5xx, and /ready answers at once throughout.

The defect this pins: plain `def` routes kept their pooled connection while they waited for a worker
thread to serialise their answer, so about 20 clients held every connection, every thread waited for one,
and the whole server (/ready included) froze for the pool's 30 s timeout, then answered 500. Now routes
hand their connection back as they return (api/routing.py) and /ready asks the database from threads of
its own.

The load runs on asyncio in this process (one connection per client, kept alive); /ready is probed from
a separate process every 100 ms, so the probe's latencies are the server's and not those of a busy client.

Nine probes in ten must answer within 200 ms, and none may take a second. The slowest single probe is
not held to 200 ms: on two cores shared by the server, PostgreSQL, 200 clients and the probe, one probe
in eighty-odd now and then waits 200-450 ms for the scheduler and the GIL (CI saw 447 ms once), which is
noise and not the defect, a freeze of 30 s. The load generator's /ready tail is in benchmarks/RESULTS.md.
"""

import asyncio
import json
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from policies.keys import Role
from tests.conftest import Databases
from tests.e2e.live import LiveServer, make_key, running
from tests.factories import FIRMS, example_firm

CLIENTS = 200
SECONDS = 10.0
READY_BOUND = 0.2  # seconds: what a load balancer's probe may wait, nine times in ten
STALL_BOUND = 1.0  # seconds: no probe may wait this long (the defect froze every route for 30 s)
PROBE = """
import http.client, json, sys, time
host, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
found, end = [], time.monotonic() + seconds
while time.monotonic() < end:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.request("GET", "/ready")
    status = connection.getresponse().status
    found.append([status, time.perf_counter() - started])
    connection.close()
    time.sleep(0.1)
print(json.dumps(found))
"""


@pytest.fixture
def database(databases: Databases, sample_db: str) -> Iterator[str]:
    url = databases.copy(sample_db)
    yield url
    databases.drop(url)


async def _client(http: httpx.AsyncClient, key: str, codes: list[str], firms: list[dict[str, Any]], seed: int,
                  deadline: float, statuses: Counter[int], errors: list[str]) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        roll = rng.random()
        try:
            if roll < 0.3:
                response = await http.post("/v1/match", headers={"X-API-Key": key},
                                           json={"profile": rng.choice(firms), "limit": 5})
            elif roll < 0.8:
                response = await http.get(f"/v1/measures/{rng.choice(codes)}")
            elif roll < 0.95:
                response = await http.get("/v1/measures", params={"limit": 20})
            else:
                response = await http.get("/ready")
        except httpx.HTTPError as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {response.text[:200]}")


async def _load(base: str, key: str, codes: list[str], firms: list[dict[str, Any]]) -> tuple[Counter[int], list[str]]:
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    # One connection per client, kept alive (one pool, so the clients start at once).
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        deadline = time.monotonic() + SECONDS
        await asyncio.gather(*(_client(http, key, codes, firms, seed, deadline, statuses, errors)
                               for seed in range(CLIENTS)))
    return statuses, errors


@pytest.mark.e2e
def test_two_hundred_clients_get_no_5xx_and_ready_answers_within_200_ms_nine_times_in_ten(database: str, tmp_path: Path) -> None:
    key = make_key(database, Role.portal, "load", tenant="load")
    firms = [example_firm(path.stem) for path in sorted(FIRMS.glob("*.yaml"))]
    server = LiveServer.start(database, tmp_path, env={"API_RATE_LIMIT_PER_MINUTE": "0"})
    with running(server):
        page = httpx.get(f"{server.base}/v1/measures", params={"limit": 200}, timeout=60).json()
        codes = [item["code"] for item in page["items"]]
        port = server.base.rsplit(":", 1)[1]
        probe = subprocess.Popen([sys.executable, "-c", PROBE, "127.0.0.1", port, str(SECONDS)],
                                 stdout=subprocess.PIPE, text=True)
        statuses, errors = asyncio.run(_load(server.base, key, codes, firms))
        probed = json.loads(probe.communicate(timeout=120)[0])

    answered = sum(statuses.values())
    assert not errors, f"{len(errors)} failures of {answered + len(errors)}, e.g. {errors[:3]}"
    assert answered >= CLIENTS * 2, statuses  # the load really ran: every client, more than once on average
    assert all(status == 200 for status, _ in probed), probed
    assert len(probed) >= SECONDS * 5, f"only {len(probed)} probes in {SECONDS} s"
    waits = sorted(seconds for _, seconds in probed)
    ninth_decile, slowest = waits[len(waits) * 9 // 10], waits[-1]
    assert ninth_decile < READY_BOUND and slowest < STALL_BOUND, (
        f"/ready: 90th percentile {ninth_decile:.3f} s, slowest {slowest:.3f} s of {len(waits)}")
