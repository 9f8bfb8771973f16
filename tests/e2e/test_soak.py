"""60 seconds of 50 concurrent clients against a real server: no errors, and memory that stays flat.

The mix is what the service sees: portals matching their firms (the example firms), people searching,
measures read and listed, and a trickle of curator edits to published measures, each of which makes
the server build a new catalogue snapshot while it serves. The only non-2xx answer allowed is 412 on
an edit that lost a race. The server's resident memory is sampled throughout; after a warm-up, the
peak of the last third of the run must stay within 10% of the peak of the first third.

The per-key rate limit is raised (API_RATE_LIMIT_PER_MINUTE, not switched off, so the limiter still
runs on every request): fifty clients share one address for anonymous reads, and the default of 600 a
minute per caller would refuse most of them.
"""

import random
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from policies.keys import Role
from tests.conftest import Databases
from tests.e2e.live import LiveServer, make_keys, running
from tests.factories import FIRMS, example_firm

DURATION = 60.0  # seconds of load
WARM_UP = 10.0  # seconds at the start whose memory is not compared (pools, caches and arenas filling)
CLIENTS = 50
CURATORS = 2  # of the clients: each edits a published measure about every 3 seconds
EDIT_EVERY = 3.0
MEMORY_GROWTH_BOUND = 1.10  # last third's peak RSS over the first third's
SEARCHES = ["robot", "温州 小巨人 奖励", "low-interest loans for robot makers in Chengdu", "研发费用 加计扣除",
            "export credit insurance", "专精特新", "training subsidy for new apprentices", "green factory",
            "首台套 保险补偿", "interest subsidy for equipment loans"]
EDITED = ["ZJ-WZ-LITTLE-GIANT-FIRST-AWARD", "SC-CH-ROBOT-BASE-EQUIPMENT"]


@pytest.fixture
def database(databases: Databases, sample_db: str) -> Iterator[str]:
    url = databases.copy(sample_db)
    yield url
    databases.drop(url)


@dataclass
class Tally:
    """What one client saw: requests and latencies by operation, and anything that went wrong."""

    done: Counter[str] = field(default_factory=Counter)
    expected_refusals: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)

    def call(self, name: str, send: Callable[..., httpx.Response], *args: Any, allowed: tuple[int, ...] = (),
             **kwargs: Any) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = send(*args, **kwargs)
        except httpx.HTTPError as exc:
            self.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            return None
        self.seconds[name].append(time.perf_counter() - started)
        if response.status_code in allowed:
            self.expected_refusals[f"{name} {response.status_code}"] += 1
        elif not response.is_success:
            self.errors.append(f"{name}: {response.status_code} {response.text[:300]}")
            return None
        self.done[name] += 1
        return response


def reader_loop(base: str, key: str, firms: list[dict[str, Any]], codes: list[str], seed: int,
                stop: threading.Event, tally: Tally) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=60) as http:
        while not stop.is_set():
            roll = rng.random()
            if roll < 0.40:
                tally.call("match", http.post, "/v1/match", headers={"X-API-Key": key}, json={
                    "profile": rng.choice(firms), "limit": rng.choice((5, 10, 20))})
            elif roll < 0.65:
                tally.call("search", http.get, "/v1/search", params={"q": rng.choice(SEARCHES)})
            elif roll < 0.88:
                tally.call("read", http.get, f"/v1/measures/{rng.choice(codes)}")
            elif roll < 0.98:
                tally.call("list", http.get, "/v1/measures", params={"limit": 20, "offset": rng.randrange(0, 160, 20)})
            else:
                tally.call("health", http.get, "/health")


def curator_loop(base: str, key: str, number: int, stop: threading.Event, tally: Tally) -> None:
    rng = random.Random(number)
    edits = 0
    with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as http:
        while not stop.wait(rng.uniform(0.5, 1.5) * EDIT_EVERY):
            code = rng.choice(EDITED)
            read = tally.call("edit: read", http.get, f"/v1/measures/{code}")
            if read is None:
                continue
            edits += 1
            summary = f"{read.json()['summary'].split(' [soak')[0]} [soak edit {number}.{edits}]"
            tally.call("edit", http.patch, f"/v1/measures/{code}", json={"summary": summary},
                       headers={"If-Match": read.headers["ETag"]}, allowed=(412,))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@pytest.mark.e2e
def test_soak_fifty_clients_for_a_minute(database: str, tmp_path: Path) -> None:
    portal_keys = make_keys(database, Role.portal, [f"portal {n}" for n in range(CLIENTS - CURATORS)],
                            tenant="soak")
    curator_keys = make_keys(database, Role.curator, [f"curator {n}" for n in range(CURATORS)])
    firms = [example_firm(path.stem) for path in sorted(FIRMS.glob("*.yaml"))]
    server = LiveServer.start(database, tmp_path, env={"API_RATE_LIMIT_PER_MINUTE": "1000000"})
    with running(server):
        page = httpx.get(f"{server.base}/v1/measures", params={"limit": 200}, timeout=60).json()
        codes = [item["code"] for item in page["items"]]
        assert len(codes) > 100 and set(EDITED) <= set(codes)

        stop = threading.Event()
        tallies = [Tally() for _ in range(CLIENTS)]
        threads = [threading.Thread(target=reader_loop, daemon=True, args=(
            server.base, portal_keys[n], firms, codes, n, stop, tallies[n])) for n in range(CLIENTS - CURATORS)]
        threads += [threading.Thread(target=curator_loop, daemon=True, args=(
            server.base, curator_keys[n], n, stop, tallies[CLIENTS - CURATORS + n])) for n in range(CURATORS)]
        samples: list[tuple[float, int]] = []  # (seconds since the start, RSS in KiB)
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while (elapsed := time.monotonic() - started) < DURATION:
            samples.append((elapsed, server.rss_kib()))
            assert server.process.poll() is None, server.log_tail()
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=90)
        wall = time.monotonic() - started
        assert not any(thread.is_alive() for thread in threads), "a client is stuck"
        after = server.health()  # still up and answering
        final_rss = server.rss_kib()

    errors = [error for tally in tallies for error in tally.errors]
    done = sum((tally.done for tally in tallies), Counter())
    refused = sum((tally.expected_refusals for tally in tallies), Counter())
    seconds: dict[str, list[float]] = defaultdict(list)
    for tally in tallies:
        for name, values in tally.seconds.items():
            seconds[name] += values
    total = sum(done.values())
    third = (DURATION - WARM_UP) / 3
    first = max(rss for at, rss in samples if WARM_UP <= at < WARM_UP + third)
    last = max(rss for at, rss in samples if at >= DURATION - third)
    latency = ", ".join(f"{name} {len(values)} × p50 {statistics.median(values) * 1000:.0f} ms "
                        f"p95 {_percentile(values, 0.95) * 1000:.0f} ms" for name, values in sorted(seconds.items()))
    print(f"\nsoak: {total} requests answered 2xx in {wall:.1f}s ({total / wall:.1f}/s) by {CLIENTS} clients; "
          f"{len(errors)} error(s); expected refusals {dict(refused)}; catalogue version at the end "
          f"{after['catalogue_version']}\n  {latency}\n  RSS: start {samples[0][1] / 1024:.0f} MiB, "
          f"first-third peak {first / 1024:.0f} MiB, last-third peak {last / 1024:.0f} MiB "
          f"({(last / first - 1) * 100:+.1f}%), max {max(rss for _, rss in samples) / 1024:.0f} MiB, "
          f"after {final_rss / 1024:.0f} MiB")
    assert not errors, f"{len(errors)} error(s), e.g.:\n" + "\n".join(errors[:20])
    assert done["match"] and done["search"] and done["read"] and done["edit"], done
    assert last <= first * MEMORY_GROWTH_BOUND, (
        f"memory grew: last third's peak {last} KiB against the first third's {first} KiB")
