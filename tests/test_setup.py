"""What a newcomer runs first: `make serve` honours the settings, and the logs stay JSON."""

import logging
import re
from pathlib import Path

import matching.text.lexical  # noqa: F401  (sets the bm25s logger's level)

ROOT = Path(__file__).resolve().parent.parent


def test_make_serve_leaves_the_port_to_api_port() -> None:
    recipe = re.search(r"^serve:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert recipe is not None
    assert "--port" not in recipe.group(1) and "--host" not in recipe.group(1)


def test_bm25s_does_not_log_its_index_builds() -> None:
    assert logging.getLogger("bm25s").getEffectiveLevel() >= logging.WARNING
