"""The code's shape, enforced: import-linter's contracts (pyproject.toml), ruff, and mypy --strict.

The contracts: api → matching → policies; inside matching, use cases and storage above the
domains and the domains in order; only `matching.store` and `matching.notifications` reach
the database or the network; routes never import one another.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True,
                          check=False)


def test_contracts_hold() -> None:
    result = _run("lint-imports")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_route_module_is_in_the_independence_contract() -> None:
    """A new route module must join the contract, or it could import its neighbours unnoticed."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    listed = {module for contract in contracts if contract["type"] == "independence" for module in contract["modules"]}
    on_disk = {f"api.routes.{path.stem}" for path in (ROOT / "api" / "routes").glob("*.py") if path.stem != "__init__"}
    assert on_disk == listed


def test_lint_is_clean() -> None:
    result = _run("ruff", "check", "api", "matching", "policies", "migrations", "benchmarks", "tests", "examples")
    assert result.returncode == 0, result.stdout + result.stderr


def test_types_are_strict() -> None:
    result = _run("mypy", "api", "matching", "policies", "migrations")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
