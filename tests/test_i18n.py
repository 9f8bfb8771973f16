"""Every message the code can say has its Chinese, with the same placeholders.

Messages are found the way translators' tools find them (Babel's extractor, keywords `say`, `pair`
and `N_`), so a message added in English without its translation fails here, not in front of a reader.
"""

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from api.messages import MESSAGES as API
from matching.messages import MESSAGES as MATCHING
from policies.i18n import Catalogue
from policies.messages import MESSAGES as POLICIES

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"say": (2,), "pair": None, "N_": None}
LAYERS = {"api": API, "matching": MATCHING, "policies": POLICIES}
CJK = re.compile(r"[\u4e00-\u9fff]")


def said(layer: str) -> dict[str, str]:
    """Each message id the layer's code says, with where it says it."""
    found: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            ROOT / layer, keywords=KEYWORDS, method_map=[("**/tests/**", "ignore"), ("**.py", "python")]):
        if isinstance(message, str):
            found.setdefault(message, f"{layer}/{filename}:{line}")
    return found


def placeholders(message: str) -> set[str]:
    return {field for _, field, spec, conversion in string.Formatter().parse(message) if field is not None}


@pytest.mark.parametrize("layer", LAYERS)
def test_every_message_has_its_chinese(layer: str) -> None:
    catalogue: Catalogue = LAYERS[layer]
    missing = [f"{where}: {message!r}" for message, where in said(layer).items() if not catalogue.knows(message)]
    assert not missing, f"{len(missing)} messages lack Chinese in {layer}/locale:\n" + "\n".join(missing)


@pytest.mark.parametrize("layer", LAYERS)
def test_translations_fill_the_same_placeholders_and_are_chinese(layer: str) -> None:
    catalogue: Catalogue = LAYERS[layer]
    wrong = []
    for path, source in catalogue.sources().items():
        for message in source:
            if not message.id or not message.string or message.fuzzy:
                continue
            english, chinese = str(message.id), str(message.string)
            if placeholders(english) != placeholders(chinese):
                wrong.append(f"{path.name}: {english!r} has {placeholders(english)}, its Chinese {placeholders(chinese)}")
            if not CJK.search(chinese) and CJK.sub("", english) == english and chinese == english:
                wrong.append(f"{path.name}: {english!r} is not translated")
    assert not wrong, "\n".join(wrong)


def test_an_unknown_message_is_said_in_english_and_known_to_be_missing(tmp_path: Path) -> None:
    empty = Catalogue(tmp_path)
    assert empty.say("zh", "no such message {n}", n=3) == "no such message 3"
    assert not empty.knows("no such message {n}")
