"""kill -9 between a change and its delivery loses no event: the outbox was committed with the change."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx
import pytest

from matching.notifications import dispatcher
from matching.notifications.delivery import DeliveryPolicy
from matching.store.catalogue import CatalogueHolder
from matching.text.embeddings import Encoder
from policies.db import make_engine
from tests.e2e.live import free_port
from tests.factories import measure_data
from tests.webhook_receiver import receiver

BIN = Path(sys.executable).parent


def _call(base: str, method: str, path: str, key: str, body: object) -> dict[str, object]:
    request = urllib.request.Request(f"{base}{path}", method=method, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "X-API-Key": key})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")  # type: ignore[no-any-return]


def _key(env: dict[str, str], role: str, tenant: str) -> str:
    created = subprocess.run([str(BIN / "supportmatch"), "keys", "create", "--role", role, "--tenant", tenant],
                             env=env, capture_output=True, text=True, check=True)
    return created.stdout.strip().splitlines()[-1]


@pytest.mark.e2e
def test_no_event_is_lost_when_the_server_is_killed(
    sqlite_sample_db: Path, tmp_path: Path, encoder: Encoder
) -> None:
    database = tmp_path / "crash.db"
    shutil.copy(sqlite_sample_db, database)
    port = free_port()
    env = os.environ | {"POLICIES_DATABASE_URL": f"sqlite:///{database}", "API_PORT": str(port),
                        "API_WEBHOOK_INTERVAL": "0", "API_WEBHOOK_ALLOW_PRIVATE": "true"}  # no dispatcher: the crash comes before any delivery
    portal, curator = _key(env, "portal", "chengdu"), _key(env, "curator", "bureau")
    log = tmp_path / "server.log"
    with open(log, "wb") as sink:
        server = subprocess.Popen([str(BIN / "supportmatch"), "serve"], env=env, stdout=sink,
                                  stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    with receiver() as hook:
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    urllib.request.urlopen(f"{base}/health", timeout=5)
                    break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
                    time.sleep(0.3)
            profile = {"name": "成都龙潭机器人有限公司", "region": "510108", "industries": ["C3491"]}
            _call(base, "POST", "/v1/firms", portal, {"profile": profile})
            _call(base, "POST", "/v1/webhooks", portal, {"url": hook.url})
            code = "SC-CH-CRASH-TEST"
            _call(base, "POST", "/v1/measures", curator, measure_data(
                code=code, jurisdiction=["510108"], criteria=[{"type": "industry_in", "codes": ["C34"]}],
                window={"mode": "rolling"}))
            _call(base, "POST", f"/v1/measures/{code}/status", curator, {"status": "in_review"})
            _call(base, "POST", f"/v1/measures/{code}/status", curator, {"status": "published"})
        finally:
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=20)
        assert hook.received == []
        engine = make_engine(f"sqlite:///{database}")
        with httpx.Client(timeout=5) as http:
            dispatcher.run_once(engine, CatalogueHolder(encoder), http, policy=DeliveryPolicy(allow_private=True))
        engine.dispose()
        events = [json.loads(item.body) for item in hook.received]
        assert [(e["event"], e["code"]) for e in events] == [("measure.published", code)]
