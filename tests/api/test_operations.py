"""Operations: request ids, body and rate limits, readiness and metrics."""

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api.config import ApiSettings
from api.main import create_app
from api.ratelimit import TokenBuckets
from matching.text.embeddings import Encoder
from policies import keys
from policies.keys import KEY_PREFIX, Role


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    assert len(client.get("/v1/measures").headers["X-Request-ID"]) == 32
    assert client.get("/v1/measures", headers={"X-Request-ID": "trace-42"}).headers["X-Request-ID"] == "trace-42"


def test_large_bodies_get_413(client: TestClient, curator: dict[str, str]) -> None:
    response = client.post("/v1/measures", content=b"x" * 2_000_001,
                           headers=curator | {"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_large_bodies_sent_in_chunks_get_413(client: TestClient, curator: dict[str, str]) -> None:
    """No Content-Length to refuse up front: the body is counted as it arrives."""

    def chunks() -> Iterator[bytes]:
        for _ in range(30):
            yield b"x" * 100_000

    response = client.post("/v1/match", content=chunks(), headers=curator | {"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "2000000 bytes" in response.json()["detail"]


@pytest.fixture
def strict_client(engine: Engine, encoder: Encoder) -> Iterator[TestClient]:
    settings = ApiSettings(load_sample=False, webhook_interval=0, rate_limit_per_minute=3)
    with TestClient(create_app(engine=engine, settings=settings, encoder=encoder)) as client:
        yield client


def test_rate_limit_answers_429_with_retry_after(strict_client: TestClient) -> None:
    statuses = [strict_client.get("/v1/measures").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = strict_client.get("/v1/measures")
    assert int(refused.headers["Retry-After"]) >= 1
    assert strict_client.get("/health").status_code == 200  # probes are never limited


def test_token_buckets_refill() -> None:
    now = [0.0]
    buckets = TokenBuckets(60, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(60)] == [0.0] * 60
    assert buckets.take("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0.0  # callers are counted apart
    now[0] += 1.0
    assert buckets.take("a") == 0.0


def test_ready_and_metrics(client: TestClient) -> None:
    ready = client.get("/ready")
    assert ready.status_code == 200 and ready.json()["ready"] is True
    client.get("/v1/measures")
    text = client.get("/metrics").text
    assert 'supportmatch_request_seconds_count{method="GET",route="/v1/measures",status="200"}' in text
    assert "supportmatch_catalogue_version" in text and "supportmatch_firms" in text


def test_forged_keys_with_a_victims_prefix_do_not_spend_its_budget(engine: Engine, strict_client: TestClient,
                                                                    auth: Callable[[Role], dict[str, str]]) -> None:
    """The limiter counts a key as itself only once verified: forgeries count against their sender's address."""
    victim = auth(Role.portal)
    prefix = victim["Authorization"].split("_")[1]
    assert strict_client.get("/v1/measures", headers=victim).status_code == 200  # verified from now on
    forged = {"Authorization": f"Bearer {KEY_PREFIX}{prefix}_{'x' * 43}"}
    assert [strict_client.get("/v1/measures", headers=forged).status_code for _ in range(4)] == [401, 401, 429, 429]
    assert strict_client.get("/v1/measures", headers=victim).status_code == 200


def test_a_key_has_its_own_rate_limit(engine: Engine, strict_client: TestClient) -> None:
    with Session(engine) as session:
        _, plain = keys.create_key(session=session, role=Role.portal, label="busy portal", actor="test",
                                   rate_limit_per_minute=20)
    headers = {"X-API-Key": plain}
    statuses = [strict_client.get("/v1/measures", headers=headers).status_code for _ in range(12)]
    assert statuses == [200] * 12  # the deployment's 3 a minute would have refused the fourth


def test_token_buckets_forget_the_least_recent_caller_beyond_their_size() -> None:
    buckets = TokenBuckets(60, size=100)
    for caller in range(1000):
        buckets.take(f"ip:{caller}")
    assert len(buckets) == 100
