"""Saved snapshots: loaded only for the very catalogue they were compiled from, and equal to a fresh compilation."""

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from matching.catalogue.view import StoredMeasures
from matching.store import embeddings as embedding_store
from matching.store import snapshots as snapshot_store
from matching.store.catalogue import CatalogueHolder, load_snapshot
from matching.text.embeddings import Encoder
from policies import curation
from policies.schemas import MeasureUpdate


def _same(left: object, right: object) -> None:
    a, b = left.parts(), right.parts()  # type: ignore[attr-defined]
    assert a.keys() == b.keys()
    assert list(a["measures"]) == list(b["measures"])
    assert a["index"] == b["index"]
    np.testing.assert_array_equal(a["vectors"], b["vectors"])
    np.testing.assert_array_equal(left.lexical.scores("专精特新 loan"), right.lexical.scores("专精特新 loan"))  # type: ignore[attr-defined]
    np.testing.assert_array_equal(left.columns.closes, right.columns.closes)  # type: ignore[attr-defined]


def test_a_saved_snapshot_loads_equal_to_a_fresh_compilation(
    sample_engine: Engine, encoder: Encoder, tmp_path: Path
) -> None:
    with Session(sample_engine) as session:
        fresh = load_snapshot(session, encoder)
        written = load_snapshot(session, encoder, saved=tmp_path)
        assert len(list(tmp_path.glob("*.snapshot"))) == 1
        loaded = load_snapshot(session, encoder, saved=tmp_path)
    assert isinstance(loaded.measures, StoredMeasures)
    assert loaded.version == fresh.version
    _same(fresh, written)
    _same(fresh, loaded)


def test_a_change_to_a_published_measure_is_never_served_from_an_old_file(
    sample_engine: Engine, encoder: Encoder, tmp_path: Path
) -> None:
    with Session(sample_engine) as session:
        before = load_snapshot(session, encoder, saved=tmp_path)
        code = before.measures[0].code
        old_key = snapshot_store.fingerprint(session, encoder.name)
        measure = curation.get_measure(session=session, code=code)
        curation.update_measure(session=session, code=code, data=MeasureUpdate(summary="A changed summary."),
                                expected_revision=measure.revision, actor="test")
        assert snapshot_store.fingerprint(session, encoder.name) != old_key
        after = load_snapshot(session, encoder, saved=tmp_path)
    assert after.measures[after.index[code]].summary == "A changed summary."
    assert len(list(tmp_path.glob("*.snapshot"))) == 2


def test_an_unreadable_file_is_compiled_again_and_replaced(
    sample_engine: Engine, encoder: Encoder, tmp_path: Path
) -> None:
    with Session(sample_engine) as session:
        key = snapshot_store.fingerprint(session, encoder.name)
        (tmp_path / f"{key}.snapshot").write_bytes(b"not a pickle")
        snapshot = load_snapshot(session, encoder, saved=tmp_path)
        assert len(snapshot.measures) > 100
        assert snapshot_store.load(tmp_path, key) is not None


def test_only_the_newest_files_are_kept(tmp_path: Path) -> None:
    for n in range(snapshot_store.KEEP + 2):
        snapshot_store.save(tmp_path, f"key{n}", {"n": n})
    assert len(list(tmp_path.glob("*.snapshot"))) == snapshot_store.KEEP
    assert snapshot_store.load(tmp_path, f"key{snapshot_store.KEEP + 1}") == {"n": snapshot_store.KEEP + 1}


def test_the_holder_saves_what_it_compiles(sample_engine: Engine, encoder: Encoder, tmp_path: Path) -> None:
    with Session(sample_engine) as session:
        CatalogueHolder(encoder, saved=tmp_path).current(session)
    assert len(list(tmp_path.glob("*.snapshot"))) == 1


def test_stored_measures_behave_as_a_sequence(sample_engine: Engine, encoder: Encoder) -> None:
    with Session(sample_engine) as session:
        measures = load_snapshot(session, encoder).measures
    views = list(measures)
    assert measures[-1] == views[-1]
    assert measures[1:3] == views[1:3]
    with pytest.raises(IndexError):
        measures[len(views)]


def test_two_workers_caching_one_text_keep_one_row(engine: Engine) -> None:
    """Workers that start together embed the same texts; the second insert must not fail the second start."""
    vector = np.ones(4, dtype=np.float32).tobytes()
    with Session(engine) as first, Session(engine) as second:
        embedding_store.add_vectors(first, "m", 4, {"h": vector})
        first.commit()
        embedding_store.add_vectors(second, "m", 4, {"h": vector, "i": vector})
        second.commit()
        assert embedding_store.cached_vectors(second, "m", ["h", "i"]).keys() == {"h", "i"}


@pytest.mark.parametrize("saved", [False, True])
def test_compiling_holds_no_transaction(sample_engine: Engine, encoder: Encoder, tmp_path: Path, saved: bool) -> None:
    """A transaction left open while compiling kept SQLite's write lock: a second worker starting cold beside the
    first timed out on it (a minute of compiling at 100,000 measures) and failed its start."""
    with Session(sample_engine) as session:
        load_snapshot(session, encoder, saved=tmp_path if saved else None)
        assert not session.in_transaction()
