"""Compiled catalogue snapshots saved to disk, so a restart serves in seconds instead of minutes.

Compiling 100,000 measures (tokenising both languages, building BM25, the criteria
shards and the columns) takes over a minute; loading the result takes about a
second. A saved snapshot is named by a fingerprint of everything it was built
from: the code, revision and change time of every published measure, the
encoder, and the source of the code that compiles it. Any difference gives a new
name, so a stale file is never read, only left to be pruned.

Files are pickles: only a directory the service alone can write belongs in
MATCHING_SNAPSHOT_DIR.
"""

import hashlib
import logging
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from sqlmodel import Session

from policies import repository

log = logging.getLogger(__name__)
KEEP = 3  # newest files kept: the current catalogue and the few before it, for rollbacks and other workers
_PACKAGES = ("matching", "policies")


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The compiling code and its data files: an upgrade must not read what an older release compiled."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[2]
    for package in _PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".txt", ".csv"} and "sample" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(session: Session, encoder_name: str) -> str:
    digest = hashlib.sha256(f"{_code_digest()}|{encoder_name}".encode())
    for code, revision, updated in repository.published_stamps(session):
        digest.update(f"|{code}:{revision}:{updated.isoformat()}".encode())
    return digest.hexdigest()[:32]


def load(directory: Path, key: str) -> dict[str, Any] | None:
    path = directory / f"{key}.snapshot"
    try:
        with open(path, "rb") as source:
            return cast(dict[str, Any], pickle.load(source))  # written by save() below: the parts dict
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        log.warning("ignoring unreadable snapshot %s: %s", path, exc)  # rebuilt and rewritten by the caller
        return None


def save(directory: Path, key: str, parts: dict[str, Any]) -> None:
    """Write atomically (a temporary file renamed into place), then prune the oldest files.

    A failure to write is logged, not raised: the snapshot in memory is already
    serving, and the next start merely compiles again.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".partial", delete=False) as sink:
            pickle.dump(parts, sink, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(sink.name, directory / f"{key}.snapshot")
        saved = sorted(directory.glob("*.snapshot"), key=lambda path: path.stat().st_mtime, reverse=True)
        for stale in saved[KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not save the catalogue snapshot to %s: %s", directory, exc)
