"""Every command of `supportmatch` speaks Chinese by default: its own messages and the words typer prints itself.

The walk asks each command and group for its help, gives each a wrong option and each command with required
parameters none, and runs every command but `serve` for real (right and wrong) on a fresh SQLite database;
no output may hold an English sentence, nor, in a fresh process with API_LANGUAGE=en, Chinese other than
official names. Command syntax stays as typed: option names, metavars (<int range>,
[OPTIONS], COMMAND [ARGS]) and the caller's own words.
"""

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from babel.messages.extract import extract_from_dir
from typer._click import Command
from typer.core import TyperGroup
from typer.testing import CliRunner

from api.cli import app
from api.config import get_api_settings
from api.messages import MESSAGES
from policies.config import get_policies_settings
from tests.api.test_language import CHINESE, ENGLISH, OFFICIAL_CHINESE
from tests.factories import measure_data

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner(env={"COLUMNS": "200"})  # one line per sentence: rich wraps at the terminal's width
SYNTAX = re.compile(r"supportmatch(?: [a-z-]+)*|<[^>]*>|\[[A-Z]+\]|\b[A-Z]+\b|--[a-z-]+")


def _tree(command: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command]]:
    yield path, command
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            yield from _tree(sub, (*path, name))


COMMANDS = dict(_tree(typer.main.get_command(app)))


def _english(output: str) -> list[str]:
    return [match.group() for line in output.splitlines() if (match := ENGLISH.search(SYNTAX.sub(" ", line)))]


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh SQLite database, and the CLI in its default language."""
    monkeypatch.delenv("API_LANGUAGE", raising=False)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("POLICIES_DATABASE_URL", url)
    get_policies_settings.cache_clear()
    get_api_settings.cache_clear()
    yield url
    get_policies_settings.cache_clear()
    get_api_settings.cache_clear()


def test_every_message_typer_says_through_gettext_has_its_chinese() -> None:
    """Typer's own words come from the installed package: a new version's new words fail here first."""
    typer_folder = Path(typer.main.__file__).parent
    said = {message for _, _, message, _, _ in extract_from_dir(
        typer_folder, keywords={"_": None}, method_map=[("_click/**", "ignore"), ("**.py", "python")])}
    assert said, "typer says nothing through gettext any more: api/typer_words.py has nothing to do there"
    assert not [message for message in said if not MESSAGES.knows(message)]


def walk(folder: Path) -> list[tuple[str, str]]:
    """(command line, output) of every call of the walk, on the (fresh) database POLICIES_DATABASE_URL names."""
    source = folder / "one.json"
    source.write_text(json.dumps([measure_data(code="CLI-ONE")]), encoding="utf-8")
    broken = folder / "broken.json"
    broken.write_text('[{"code": "CLI-BAD"}]', encoding="utf-8")
    awards = folder / "awards.csv"
    awards.write_text("uscc,name,measure_code,event,occurred_on\n91330206MA2GQ7KX17,NB-TECH,CLI-ONE,awarded,"
                      "2026-12-01\n", encoding="utf-8")
    bad_awards = folder / "bad-awards.csv"
    bad_awards.write_text("uscc,name,measure_code,event,occurred_on\n91330206MA2GQ7KX19,x,NO-SUCH,won,2999-01-01\n",
                          encoding="utf-8")
    calls: list[list[str]] = []
    for path, command in COMMANDS.items():
        calls.append([*path, "--help"])
        calls.append([*path, "--no-such-option"])
        if any(param.required for param in command.params):
            calls.append(list(path))
    calls += [
        ["migrate"], ["keys", "create", "--role", "admin"], ["keys", "create", "--role", "nobody"], ["keys", "list"],
        ["keys", "revoke", "1"], ["keys", "revoke", "424242"], ["keys", "revoke", "one"],
        ["lint"], ["lint", str(source)], ["lint", str(broken)], ["import", str(source), "--dry-run"],
        ["import", str(source)], ["import", str(broken)], ["import", str(folder / "absent.json")],
        ["export", str(folder / "out.json")], ["export", "-", "--format", "xml"], ["export", str(folder / "out.csv")],
        ["backup", str(folder / "copy.db")], ["restore", str(folder / "copy.db"), "--yes"],
        ["restore", str(folder / "absent.db"), "--yes"], ["load-sample"],
        ["outcomes", "import", str(awards), "--dry-run"], ["outcomes", "import", str(awards)],
        ["outcomes", "import", str(bad_awards)],
    ]
    said = []
    for args in calls:
        result = runner.invoke(app, args, prog_name="supportmatch")
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
            args, result.output)
        said.append((" ".join(args), result.output))
    return said


def test_every_command_speaks_chinese(database: str, tmp_path: Path) -> None:
    said = walk(tmp_path)
    offences = [f"{call}: {english!r}" for call, output in said for english in _english(output)]
    assert len(said) > 40 and not offences, "\n".join(offences)


def test_every_command_speaks_english_when_set(tmp_path: Path) -> None:
    """In a fresh process (typer's words are fixed as the CLI loads) with API_LANGUAGE=en: no Chinese but names."""
    environment = os.environ | {"API_LANGUAGE": "en", "POLICIES_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    code = f"import json; from pathlib import Path; from tests.api.test_cli_language import walk; " \
           f"print(json.dumps(walk(Path({str(tmp_path)!r}))))"
    done = subprocess.run([sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    said = json.loads(done.stdout.splitlines()[-1])
    offences = [f"{call}: {run!r}" for call, output in said for run in CHINESE.findall(output)
                if run not in OFFICIAL_CHINESE]
    assert len(said) > 40 and not offences, "\n".join(offences)


def test_the_walk_finds_english_where_there_is_some() -> None:
    """The detector itself: typer's English error panel is caught, command syntax is not."""
    assert _english("│ Missing option '--role'. Choose from: │")
    assert not _english("用法：supportmatch keys create [OPTIONS] COMMAND [ARGS]... <int range> --rate-limit")


@pytest.mark.parametrize(("language", "expected", "foreign"), [
    ("en", "Missing option '--role'", "缺少选项"), (None, "缺少选项 '--role'", "Missing option")])
def test_a_fresh_process_speaks_its_settings_language(language: str | None, expected: str, foreign: str) -> None:
    """Typer's words are fixed as the CLI loads (like help texts): one process, one language, as in use."""
    environment = {name: value for name, value in os.environ.items() if name != "API_LANGUAGE"}
    if language:
        environment["API_LANGUAGE"] = language
    done = subprocess.run([Path(sys.executable).parent / "supportmatch", "keys", "create"], env=environment,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and expected in done.stderr and foreign not in done.stderr, done.stderr
