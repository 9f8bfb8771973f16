"""`supportmatch serve` from nothing: migrates, loads the sample catalogue, answers on HTTP."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = _free_port()
    env = os.environ | {"POLICIES_DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.db'}", "API_PORT": str(port)}
    log = tmp_path / "server.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen([str(BIN / "supportmatch"), "serve"], env=env, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                _get(f"{base}/health")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = log.read_text(encoding="utf-8", errors="replace")
                    raise AssertionError(f"server did not come up:\n{output}") from None
                time.sleep(0.3)
        yield base, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.e2e
def test_fresh_server_serves_the_sample_catalogue(server: tuple[str, Path]) -> None:
    base, tmp_path = server
    status, health = _get(f"{base}/health")
    assert status == 200
    assert isinstance(health["measures"], int) and health["measures"] >= 150
    _, page = _get(f"{base}/v1/measures?region=330300&kind=award&limit=200")
    assert isinstance(page["items"], list) and page["items"]
    assert all(item["status"] == "published" for item in page["items"])

    env = os.environ | {"POLICIES_DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.db'}"}
    created = subprocess.run(
        [str(BIN / "supportmatch"), "keys", "create", "--role", "curator"],
        env=env, capture_output=True, text=True, check=True,
    )
    key = created.stdout.strip().splitlines()[-1]
    _, everything = _get(f"{base}/v1/measures?limit=1", {"X-API-Key": key})
    assert isinstance(everything["total"], int) and everything["total"] >= health["measures"]
