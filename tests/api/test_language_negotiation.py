"""Accept-Language as browsers, portals and chatbots send it, and the default for callers that send none."""

import pytest

from api.language import negotiate, preferred
from policies.i18n import Language


@pytest.mark.parametrize(("header", "expected"), [
    (None, Language.zh),
    ("", Language.zh),
    ("zh-CN", Language.zh),
    ("zh", Language.zh),
    ("zh-Hans-CN", Language.zh),
    ("zh-TW,zh;q=0.9", Language.zh),  # traditional readers still read our simplified text best
    ("en", Language.en),
    ("en-GB", Language.en),
    ("en-US,en;q=0.9,zh-CN;q=0.8", Language.en),
    ("zh-CN;q=0.5,en;q=0.9", Language.en),
    ("fr-FR,de;q=0.8", Language.zh),  # nothing we speak: the default
    ("fr, en;q=0.3", Language.en),
    ("*", Language.zh),
    ("en;q=0", Language.zh),  # q=0 means "not English"
    ("en;q=banana,zh", Language.zh),  # a malformed weight counts as not wanted
    (";;;,,,", Language.zh),
])
def test_negotiation(header: str | None, expected: Language) -> None:
    assert negotiate(header, Language.zh) == expected


def test_the_default_is_a_setting() -> None:
    assert negotiate(None, Language.en) == Language.en
    assert negotiate("fr", Language.en) == Language.en
    assert negotiate("zh-CN", Language.en) == Language.zh


def test_preference_order_is_by_weight_then_position() -> None:
    assert preferred("a;q=0.5, b, c;q=0.9, d") == ["b", "d", "c", "a"]
