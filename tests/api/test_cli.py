"""The `supportmatch` command line."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.config import get_api_settings
from policies.config import get_policies_settings
from policies.importing.loader import read_directory, validate_records
from policies.lint import lint
from tests.factories import measure_data

runner = CliRunner()


# The assertions here are on English output; the tests that use `reader` test the default, Chinese.
pytestmark = pytest.mark.usefixtures("english_cli")


@pytest.fixture
def reader(monkeypatch: pytest.MonkeyPatch) -> Callable[[str | None], None]:
    """Set the reader's language, API_LANGUAGE (None: the settings' default)."""

    def use(language: str | None) -> None:
        if language is None:
            monkeypatch.delenv("API_LANGUAGE")
        else:
            monkeypatch.setenv("API_LANGUAGE", language)
        get_api_settings.cache_clear()

    return use


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("POLICIES_DATABASE_URL", url)
    get_policies_settings.cache_clear()
    get_api_settings.cache_clear()
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    yield url
    get_policies_settings.cache_clear()
    get_api_settings.cache_clear()


def test_keys_create_prints_a_key_once_and_lists_without_it(database: str) -> None:
    created = runner.invoke(app, ["keys", "create", "--role", "admin", "--label", "first admin"])
    assert created.exit_code == 0, created.output
    plain = created.stdout.strip().splitlines()[-1]
    assert plain.startswith("sm_")
    listed = runner.invoke(app, ["keys", "list"])
    assert "first admin" in listed.stdout
    assert plain not in listed.stdout


def test_keys_create_refuses_unknown_role(database: str) -> None:
    result = runner.invoke(app, ["keys", "create", "--role", "superuser"])
    assert result.exit_code == 2


def test_import_dry_run_then_import_then_export(database: str, tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps([measure_data(status="published")]), encoding="utf-8")
    dry = runner.invoke(app, ["import", str(source), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run" in dry.stdout
    assert runner.invoke(app, ["import", str(source)]).exit_code == 0
    out = tmp_path / "out.yaml"
    assert runner.invoke(app, ["export", str(out)]).exit_code == 0
    assert "ZJ-WZ-TEST-AWARD" in out.read_text(encoding="utf-8")


def test_bad_import_lists_problems_and_fails(database: str, tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text(json.dumps([measure_data(jurisdiction=["123456"])]), encoding="utf-8")
    result = runner.invoke(app, ["import", str(source)])
    assert result.exit_code == 1
    assert "jurisdiction[0]" in result.output
    exported = runner.invoke(app, ["export", "-"])
    assert json.loads(exported.stdout) == {"measures": []}


def test_revoking_a_missing_key_says_so_in_one_line(database: str) -> None:
    result = runner.invoke(app, ["keys", "revoke", "424242"])
    assert result.exit_code == 1
    assert "not revoked" in result.output and "Traceback" not in result.output


def test_a_key_can_be_created_with_its_own_rate_limit(database: str) -> None:
    created = runner.invoke(app, ["keys", "create", "--role", "portal", "--rate-limit", "6000"])
    assert created.exit_code == 0, created.output
    assert runner.invoke(app, ["keys", "create", "--role", "portal", "--rate-limit", "0"]).exit_code != 0


def test_migrating_a_database_that_cannot_be_opened_says_so_in_one_line(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICIES_DATABASE_URL", f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.db'}")
    get_policies_settings.cache_clear()
    try:
        result = runner.invoke(app, ["migrate"])
    finally:
        get_policies_settings.cache_clear()
    assert result.exit_code == 1
    assert "cannot open or migrate the database" in result.output and "Traceback" not in result.output


def test_lint_reads_the_sample_catalogue_by_default() -> None:
    # Whether the sample is clean is tests/policies/test_lint.py's question; here, that it is the one read.
    records, _ = validate_records(read_directory(get_api_settings().sample_dir))
    result = runner.invoke(app, ["lint"])
    assert result.exit_code == (1 if lint(records) else 0), result.output
    assert f"{len(records)} measure(s)" in result.output


def test_lint_of_a_clean_file_passes(tmp_path: Path) -> None:
    source = tmp_path / "clean.yaml"
    source.write_text(json.dumps([measure_data()]), encoding="utf-8")  # JSON is YAML
    result = runner.invoke(app, ["lint", str(source)])
    assert result.exit_code == 0, result.output
    assert "1 measure(s): no findings" in result.stdout


def test_lint_of_a_file_lists_findings_and_fails(tmp_path: Path) -> None:
    prose = {"type": "manual", "text": "Average revenue of at least 400 million yuan.", "text_zh": "平均营业收入不低于4亿元"}
    source = tmp_path / "prose.json"
    criteria = [*measure_data()["criteria"], prose]
    source.write_text(json.dumps([measure_data(industries=["C"], criteria=criteria)]), encoding="utf-8")
    result = runner.invoke(app, ["lint", str(source)])
    assert result.exit_code == 1
    assert "manual-quantity" in result.output and f"criteria[{len(criteria) - 1}]" in result.output


def test_lint_of_an_invalid_file_lists_its_problems(tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text(json.dumps([measure_data(industries=["C34"])]), encoding="utf-8")
    result = runner.invoke(app, ["lint", str(source)])
    assert result.exit_code == 1 and "industry_in" in result.output


def test_import_dry_run_shows_lint_warnings_and_passes(database: str, tmp_path: Path) -> None:
    prose = {"type": "manual", "text": "Taxable income is at most 3 million yuan.", "text_zh": "应纳税所得额不超过300万元"}
    source = tmp_path / "prose.json"
    criteria = [*measure_data()["criteria"], prose]
    source.write_text(json.dumps([measure_data(industries=["C"], criteria=criteria)]), encoding="utf-8")
    dry = runner.invoke(app, ["import", str(source), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "lint warning" in dry.output and "manual-quantity" in dry.output and "dry run" in dry.stdout


@pytest.mark.parametrize(("language", "said"), [(None, "1 项政策：未发现问题"), ("zh-CN", "1 项政策：未发现问题"),
                                                ("en", "1 measure(s): no findings")])
def test_lint_speaks_the_readers_language(reader: Callable[[str | None], None], tmp_path: Path,
                                          language: str | None, said: str) -> None:
    source = tmp_path / "clean.json"
    source.write_text(json.dumps([measure_data()]), encoding="utf-8")
    reader(language)
    result = runner.invoke(app, ["lint", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout == said + "\n"


def test_lint_findings_table_speaks_the_readers_language(reader: Callable[[str | None], None], tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text(json.dumps([measure_data(industries=["C34"])]), encoding="utf-8")
    reader(None)
    result = runner.invoke(app, ["lint", str(source)])
    assert result.exit_code == 1
    assert "1 个问题——未作任何更改" in result.stderr and "政策编号" in result.stderr and "problem" not in result.stderr


@pytest.mark.parametrize(("language", "said"), [(None, "请立即保存，之后不再显示："),
                                                ("en", "store it now, it is not shown again:")])
def test_keys_create_speaks_the_readers_language(database: str, reader: Callable[[str | None], None],
                                                 language: str | None, said: str) -> None:
    reader(language)
    created = runner.invoke(app, ["keys", "create", "--role", "portal", "--label", "portal a"])
    assert created.exit_code == 0, created.output
    assert said in created.stderr
    assert created.stdout.strip().startswith("sm_")  # the key alone, whatever the language, for scripts to capture


@pytest.mark.parametrize(("language", "said"), [(None, "数据库结构已是最新版本"), ("en", "database is at the newest schema")])
def test_migrate_speaks_the_readers_language(database: str, reader: Callable[[str | None], None],
                                             language: str | None, said: str) -> None:
    reader(language)
    result = runner.invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert result.stdout == said + "\n"


def test_a_migration_failure_speaks_the_readers_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         reader: Callable[[str | None], None]) -> None:
    monkeypatch.setenv("POLICIES_DATABASE_URL", f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.db'}")
    get_policies_settings.cache_clear()
    reader(None)
    try:
        result = runner.invoke(app, ["migrate"])
    finally:
        get_policies_settings.cache_clear()
    assert result.exit_code == 1
    assert "无法打开或迁移数据库" in result.output and "Traceback" not in result.output
