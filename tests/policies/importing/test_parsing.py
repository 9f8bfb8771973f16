"""The bounded JSON and YAML parsers: deep nesting, aliases and duplicate keys refused, with the line."""

import json
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from policies.importing.parsing import MAX_DEPTH, Malformed, load_json, load_yaml


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("load", [load_json, load_yaml])
def test_nesting_is_bounded_before_the_parser_recurses(load: Callable[[str], Any]) -> None:
    assert load(_nested(MAX_DEPTH)) is not None  # the limit itself is read
    for depth in (MAX_DEPTH + 1, 2_000, 100_000):  # 2,000 once exhausted the stack: a 500
        with pytest.raises(Malformed, match=f"line 1: nested deeper than {MAX_DEPTH} levels"):
            load(_nested(depth))


def test_json_depth_counts_brackets_outside_strings_only() -> None:
    text = json.dumps([{"note": "[" * 500 + "{" * 500, "escaped": '\\"[[[['}])
    assert load_json(text)[0]["note"].startswith("[[[")
    with pytest.raises(Malformed, match="line 3: nested deeper"):
        load_json('{"a":\n\n' + "[" * (MAX_DEPTH + 1))  # not even well-formed: refused for depth first


def test_a_deep_block_mapping_is_refused_at_its_line() -> None:
    text = "".join(" " * level + "a:\n" for level in range(3_000)) + " " * 3_000 + "b: 1\n"
    with pytest.raises(Malformed, match=f"line {MAX_DEPTH + 1}: nested deeper"):
        load_yaml(text)


def test_billion_laughs_is_refused_at_once() -> None:
    rows = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    rows += [f"{chr(98 + n)}: &{chr(98 + n)} [" + ", ".join([f"*{chr(97 + n)}"] * 9) + "]" for n in range(8)]
    started = time.perf_counter()
    with pytest.raises(Malformed, match=r"line 1: YAML anchors \(&a\) are not read"):
        load_yaml("\n".join(rows))
    assert time.perf_counter() - started < 0.5
    with pytest.raises(Malformed, match=r"line 2: YAML aliases \(\*a\) are not read"):
        load_yaml("- code: A\n  criteria: *a\n")  # an alias without its anchor is refused the same way


def test_merge_keys_are_refused() -> None:
    with pytest.raises(Malformed, match=r"line 2: YAML merge keys \(<<\)"):
        load_yaml("- code: A\n  <<: {code: B}\n")


@pytest.mark.parametrize(("text", "message"), [
    ("- code: A\n  criteria: []\n  title_en: x\n  criteria: [{type: manual}]\n",
     "line 4: key 'criteria' appears twice in one mapping (first on line 2)"),
    ("measures:\n- code: A\nmeasures: []\n", "line 3: key 'measures' appears twice"),
    ("- {code: A, code: B}\n", "line 1: key 'code' appears twice"),
])
def test_duplicate_yaml_keys_are_refused(text: str, message: str) -> None:
    with pytest.raises(Malformed, match=re.escape(message)):
        load_yaml(text)


@pytest.mark.parametrize(("text", "message"), [
    ('[{"code": "A",\n  "criteria": [],\n  "criteria": [{"type": "manual"}]}]',
     "line 3: key 'criteria' appears twice in one object (first on line 2)"),
    ('{"measures": [{"code": "A", "criteria": [{"type": "x",\n "type": "y"}]}]}', "line 2: key 'type' appears twice"),
    ('[{"code": "A", "\\u0063ode": "B"}]', "line 1: key 'code' appears twice"),  # equal once unescaped
])
def test_duplicate_json_keys_are_refused(text: str, message: str) -> None:
    with pytest.raises(Malformed, match=re.escape(message)):
        load_json(text)


def test_equal_keys_in_different_objects_are_fine() -> None:
    assert load_json('[{"code": "A", "x": {"code": "B"}}, {"code": "C"}]')[1] == {"code": "C"}
    assert load_yaml("- code: A\n  x: {code: B}\n- code: C\n")[1] == {"code": "C"}


@pytest.mark.parametrize("text", ["- effective_from: 2026-02-30\n", "- x: " + "9" * 5_000 + "\n"])
def test_a_value_yaml_cannot_build_names_its_line(text: str) -> None:
    with pytest.raises(Malformed, match="line 1: "):
        load_yaml(text)


def test_other_faults_keep_their_parser_error() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("- !!python/object:os.system {}\n")
    with pytest.raises(ValueError):
        load_json('[{"x": ' + "9" * 5_000 + "}]")
