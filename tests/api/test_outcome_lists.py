"""`supportmatch outcomes import`: a bureau's published list, matched to the firms on file by credit code."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from api.cli import app
from api.config import get_api_settings
from matching.store import firms as firm_store
from matching.store.firms import FirmWrite
from matching.store.models import FirmOutcome
from policies.config import get_policies_settings
from policies.db import make_engine
from policies.importing.loader import import_records, read_directory
from tests.factories import example_firm

runner = CliRunner(env={"COLUMNS": "200"})
LONGTAN = example_firm("chengdu-longtan-robotics")  # uscc 91510108MAE5H3TE7R
ELSEWHERE = "91330206MA2GQ7KX17"  # a valid code no firm on file carries
AWARD = "SC-CD-LITTLE-GIANT-AWARD-2026"
HEADER = "uscc,name,measure_code,event,occurred_on,amount_yuan\n"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The sample catalogue and two portals that both keep the Longtan robot maker on file."""
    url = f"sqlite:///{tmp_path / 'lists.db'}"
    monkeypatch.setenv("POLICIES_DATABASE_URL", url)
    get_policies_settings.cache_clear()
    get_api_settings.cache_clear()
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    engine = make_engine(url)
    with Session(engine) as session:
        import_records(session=session, raw=read_directory(get_api_settings().sample_dir), actor="test",
                       dry_run=False)
        for tenant in ("chengdu", "sichuan"):
            firm_store.create(session, tenant, FirmWrite.model_validate({"profile": LONGTAN}), "test")
    yield url
    get_policies_settings.cache_clear()
    get_api_settings.cache_clear()


def _outcomes(url: str) -> list[tuple[str, str, str, str]]:
    with Session(make_engine(url)) as session:
        rows = session.exec(select(FirmOutcome).order_by(col(FirmOutcome.id))).all()
    return [(row.tenant, row.event, str(row.amount_yuan), row.source) for row in rows]


def test_a_list_is_matched_by_credit_code_for_every_portal_and_unmatched_rows_are_reported(
        database: str, tmp_path: Path) -> None:
    source = tmp_path / "awards.csv"
    source.write_text("\ufeff" + HEADER + f"91510108MAE5H3TE7R,成都龙潭机器人有限公司,{AWARD},awarded,2026-12-01,300000\n"
                      f"{ELSEWHERE},宁波某某科技有限公司,{AWARD},awarded,2026-12-01,300000\n", encoding="utf-8")
    dry = runner.invoke(app, ["outcomes", "import", str(source), "--dry-run"])
    assert dry.exit_code == 0 and _outcomes(database) == [], dry.output
    done = runner.invoke(app, ["outcomes", "import", str(source)])
    assert done.exit_code == 0, done.output
    assert _outcomes(database) == [("chengdu", "awarded", "300000.00", "bureau_list"),
                                   ("sichuan", "awarded", "300000.00", "bureau_list")]
    assert ELSEWHERE in done.output and "宁波某某科技有限公司" in done.output  # the row no firm carries, by line
    assert "1 行已记为 2 条申报结果；1 行未匹配到企业" in done.output, done.output


def test_a_list_with_any_bad_row_changes_nothing_and_names_each_fault(database: str, tmp_path: Path) -> None:
    source = tmp_path / "awards.json"
    source.write_text(json.dumps([
        {"uscc": "91510108MAE5H3TE7R", "name": "成都龙潭机器人有限公司", "measure_code": AWARD, "event": "awarded",
         "occurred_on": "2026-12-01"},
        {"uscc": "91510108MAE5H3TE79", "name": "校验位错误", "measure_code": AWARD, "event": "awarded",
         "occurred_on": "2026-12-01"},
        {"uscc": ELSEWHERE, "name": "x", "measure_code": "NO-SUCH-MEASURE", "event": "awarded",
         "occurred_on": "2026-12-01"},
        {"uscc": ELSEWHERE, "name": "x", "measure_code": AWARD, "event": "applied", "occurred_on": "2026-12-01",
         "amount_yuan": 5},
    ], ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["outcomes", "import", str(source)])
    assert result.exit_code == 1 and _outcomes(database) == []
    lines = [line for line in result.output.splitlines() if line.startswith("│")]
    assert [line.split("│")[1].strip() for line in lines] == ["2", "3", "4"], result.output
    assert "uscc" in result.output and "measure_code" in result.output and "amount_yuan" in result.output


def test_columns_a_list_cannot_have_are_refused(database: str, tmp_path: Path) -> None:
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(HEADER.strip() + ",district\n", encoding="utf-8")
    assert runner.invoke(app, ["outcomes", "import", str(unknown)]).exit_code != 0
    extra = tmp_path / "extra.csv"
    extra.write_text(HEADER + f"91510108MAE5H3TE7R,龙潭,{AWARD},awarded,2026-12-01,300000,stray\n", encoding="utf-8")
    refused = runner.invoke(app, ["outcomes", "import", str(extra)])
    assert refused.exit_code == 1 and "column 7" in refused.output and _outcomes(database) == []
