"""The population holder: a request for another date never makes everybody's next request rebuild today's."""

import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from matching.reverse.population import Population
from matching.store import population as population_store
from matching.text.embeddings import HashingEncoder

TODAY = dt.date(2026, 11, 22)


def test_today_is_kept_while_other_dates_come_and_go(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[dt.date] = []
    original = population_store.build

    def counting(session: Session, encoder: HashingEncoder, as_of: dt.date) -> Population:
        built.append(as_of)
        return original(session, encoder, as_of)

    monkeypatch.setattr(population_store, "build", counting)
    holder = population_store.PopulationHolder(HashingEncoder(), today=lambda: TODAY)
    past, earlier = dt.date(2025, 1, 1), dt.date(2024, 1, 1)
    with Session(engine) as session:
        today = holder.current(session, TODAY)
        assert holder.current(session, past).as_of == past
        assert holder.current(session, earlier).as_of == earlier  # replaces the past date, not today
        assert holder.current(session, TODAY) is today
        assert holder.current(session, earlier).as_of == earlier
    assert built == [TODAY, past, earlier]
