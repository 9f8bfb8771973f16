"""`supportmatch serve` from nothing: migrates, loads the sample catalogue, answers on HTTP."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.test_language import CHINESE, ENGLISH, OFFICIAL_CHINESE, _strings
from tests.e2e.live import free_port

BIN = Path(sys.executable).parent


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One real server for the module: started from an empty database, so its first start is tested."""
    tmp_path = tmp_path_factory.mktemp("e2e")
    port = free_port()
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
    log = (tmp_path / "server.log").read_text(encoding="utf-8", errors="replace")
    assert "将新建一个并载入示例政策目录" in " ".join(log.split())  # a new database is said aloud, in Chinese by default
    assert "use --force" not in log and "Building index" not in log  # no noise from a first start
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


@pytest.mark.e2e
def test_mcp_tools_over_streamable_http(server: tuple[str, Path]) -> None:
    """The SDK's own client lists and calls every tool on the running server."""
    import anyio
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    base, tmp_path = server
    env = os.environ | {"POLICIES_DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.db'}"}
    created = subprocess.run([str(BIN / "supportmatch"), "keys", "create", "--role", "portal"],
                             env=env, capture_output=True, text=True, check=True)
    key = created.stdout.strip().splitlines()[-1]
    profile = {"name": "成都龙潭机器人有限公司", "region": "510108", "industries": ["C3491"], "employees": 180,
               "operating_revenue": 150_000_000, "rd_expense": 9_000_000, "planned_investment": 60_000_000,
               "description": "Industrial robots; building a production base in Longtan industrial park"}

    stored = httpx.post(f"{base}/v1/firms", json={"profile": profile}, headers={"X-API-Key": key}, timeout=30)
    assert stored.status_code == 201, stored.text
    firm_id = stored.json()["id"]

    async def session(language: str = "en") -> dict[str, object]:
        results: dict[str, object] = {}
        async with httpx2.AsyncClient(headers={"X-API-Key": key, "Accept-Language": language}) as http:
            async with Client(streamable_http_client(f"{base}/mcp/", http_client=http)) as client:
                tools = await client.list_tools()
                results["tools"] = sorted(tool.name for tool in tools.tools)
                calls = {
                    "search_measures": {"query": "温州 小巨人 奖励", "limit": 3},
                    "get_measure": {"code": "SC-CH-ROBOT-BASE-EQUIPMENT"},
                    "match_firm": {"profile": profile, "limit": 3},
                    "check_eligibility": {"profile": profile, "codes": ["SC-CH-ROBOT-BASE-EQUIPMENT"]},
                    "assess_ladder": {"profile": profile},
                    "record_not_interested": {"firm_id": firm_id, "measure_code": "SC-CH-ROBOT-BASE-EQUIPMENT"},
                }
                for name, arguments in calls.items():
                    result = await client.call_tool(name, arguments)
                    assert not result.is_error, (name, result.content)
                    results[name] = result.structured_content
        return results

    results = anyio.run(session)
    assert results["tools"] == ["assess_ladder", "check_eligibility", "get_measure", "match_firm",
                                "record_not_interested", "search_measures"]
    assert "ZJ-WZ-LITTLE-GIANT-FIRST-AWARD" in json.dumps(results["search_measures"])
    assert "who_qualifies" in json.dumps(results["get_measure"])
    assert "SC-CH-ROBOT-BASE-EQUIPMENT" in json.dumps(results["check_eligibility"])
    assert "single_champion" in json.dumps(results["assess_ladder"])
    assert '"event": "not_pursued"' in json.dumps(results["record_not_interested"])

    # Every tool answers in the caller's language (tests/api/test_language.py walks the routes the same way).
    chinese = anyio.run(session, "zh-CN")
    untranslated = [(tool, key, text) for tool in calls_made(chinese) for key, text in _strings(chinese[tool])
                    if ENGLISH.search(text)]
    assert not untranslated, untranslated[:20]
    assert all(CHINESE.search(line["title"]) for line in chinese["match_firm"]["result"])  # type: ignore[index]
    foreign = [(tool, key, text) for tool in calls_made(results) for key, text in _strings(results[tool])
               if any(run not in OFFICIAL_CHINESE for run in CHINESE.findall(text))]
    assert not foreign, foreign[:20]


def calls_made(results: dict[str, object]) -> list[str]:
    return [name for name in results if name != "tools"]


@pytest.mark.e2e
def test_mcp_needs_a_key(server: tuple[str, Path]) -> None:
    base, _ = server
    request = urllib.request.Request(f"{base}/mcp/", data=b"{}", headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(request, timeout=5)
        raise AssertionError("the MCP endpoint answered without a key")
    except urllib.error.HTTPError as error:
        assert error.code == 401
