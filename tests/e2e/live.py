"""Real servers in subprocesses, on a copy of a test database (SQLite or PostgreSQL, as the run says).

Shared by the production-readiness e2e tests: start `supportmatch serve` with its
own port, log and snapshot directory; wait until it is ready; stop or kill -9 it;
read its memory; and count what the database holds, from outside the server.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from policies import keys
from policies.db import make_engine
from policies.keys import Role

BIN = Path(sys.executable).parent
START_TIMEOUT = 180.0  # seconds: a cold start imports torch and loads the model; CI machines are shared
HISTORY_TABLES = ("measure", "measure_revision", "audit_event", "outbox_event")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    @classmethod
    def start(cls, database_url: str, folder: Path, *, name: str = "server", workers: int | None = None,
              env: dict[str, str] | None = None) -> "LiveServer":
        """Start `supportmatch serve` without waiting for it (start several, then wait for each)."""
        port = free_port()
        folder.mkdir(parents=True, exist_ok=True)
        environment = os.environ | {
            "POLICIES_DATABASE_URL": database_url, "API_HOST": "127.0.0.1", "API_PORT": str(port),
            "API_LOAD_SAMPLE": "false", "API_WEBHOOK_INTERVAL": "0",
            "MATCHING_SNAPSHOT_DIR": str(folder / "snapshots"),
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        } | (env or {})
        command = [str(BIN / "supportmatch"), "serve"] + (["--workers", str(workers)] if workers else [])
        log = folder / f"{name}.log"
        with open(log, "ab") as sink:
            process = subprocess.Popen(command, env=environment, stdout=sink, stderr=subprocess.STDOUT)
        return cls(process=process, base=f"http://127.0.0.1:{port}", log=log)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Until /ready answers 200: the database answers and a catalogue snapshot is loaded."""
        deadline = time.monotonic() + timeout
        while True:
            with suppress(httpx.TransportError):  # not accepting yet: ask again
                if httpx.get(f"{self.base}/ready", timeout=5).status_code == 200:
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not come up (exit {self.process.poll()}):\n{self.log_tail()}")
            time.sleep(0.2)

    def log_tail(self, chars: int = 6000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]

    def kill(self) -> None:
        """kill -9: no shutdown, no rollback, no flush; whatever the process was doing stops there."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def rss_kib(self) -> int:
        """Resident memory of the serving process (this one, not its children), from /proc."""
        return rss_kib(self.process.pid)

    def health(self) -> dict[str, Any]:
        response = httpx.get(f"{self.base}/health", timeout=30)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for process {pid}")


@contextmanager
def running(*servers: LiveServer) -> Iterator[None]:
    """Wait for every server to be ready; stop them all at the end, whatever happens."""
    try:
        for server in servers:
            server.wait_ready()
        yield
    finally:
        for server in servers:
            server.stop()


def make_key(database_url: str, role: Role, label: str, tenant: str | None = None) -> str:
    """A fresh API key, written straight to the database (as `supportmatch keys create` does)."""
    return make_keys(database_url, role, [label], tenant=tenant)[0]


def make_keys(database_url: str, role: Role, labels: list[str], tenant: str | None = None) -> list[str]:
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return [keys.create_key(session=session, role=role, label=label, actor="test", tenant=tenant)[1]
                    for label in labels]
    finally:
        engine.dispose()


def reader(database_url: str) -> Any:
    """An engine for looking at the database from outside the server.

    Plain SQLAlchemy, without the application's BEGIN IMMEDIATE on SQLite: a reader
    must never queue behind (or block) the server's writers.
    """
    return create_engine(database_url, isolation_level="AUTOCOMMIT") if is_postgres(database_url) \
        else create_engine(database_url)


def is_postgres(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


def history_counts(database_url: str) -> dict[str, int]:
    """Rows in every table a change writes to, plus what the served catalogue is derived from."""
    engine = reader(database_url)
    try:
        with engine.connect() as connection:
            counts = {table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                      for table in HISTORY_TABLES}
            counts["published"] = int(connection.execute(
                text("SELECT count(*) FROM measure WHERE status = 'published'")).scalar_one())
    finally:
        engine.dispose()
    return counts


def catalogue_version(counts: dict[str, int]) -> int:
    """What /health must name as the version: the number of revisions (policies.repository)."""
    return counts["measure_revision"]
