"""JSON and YAML parsers that refuse what no catalogue file needs, before it costs anything.

The standard parsers trust their input, and an import file comes from outside:

- **Nesting.** `json` and PyYAML recurse once per level, so 2,000 brackets exhaust the interpreter's
  stack (a RecursionError, answered as a 500). A real measure nests about a dozen levels deep in a
  whole file (file → measures → record → criteria → any_of → …); `MAX_DEPTH` is far above that and
  far below the stack, and it is checked before the recursive parser sees the text.
- **YAML anchors and aliases.** An alias repeats a node without repeating its text, so nested aliases
  expand a few hundred bytes into megabytes (a "billion laughs": 818 bytes once stored a 7.4 MB
  criteria row). A catalogue file has no use for them, so they are refused, not bounded.
- **Duplicate keys.** Both parsers keep the last of two equal keys without a word, which silently
  drops e.g. a record's first `criteria:` list. Refused, naming the key and its line.

Everything here raises `Malformed` (a ValueError) with a message for the person who wrote the file;
`formats.read_records` turns it into `UnreadableFile`.
"""

import json
import re
from collections.abc import Hashable
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, Event, NodeEvent
from yaml.nodes import MappingNode, Node

from policies.messages import MESSAGES

MAX_DEPTH = 64
"""The deepest nesting read, counting every list and mapping from the top of the text."""

_MERGE_TAG = "tag:yaml.org,2002:merge"
# A JSON string (an unterminated one runs to the end, where the parser will report it), or a bracket.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}:]', re.DOTALL)


class Malformed(ValueError):
    """Text that cannot be read as a catalogue file; the message names the line where there is one."""


def _at(line: int | None, problem: str) -> Malformed:
    """The problem behind its line when the parser knows it: a message of its own around the problem's, so that
    the two are read back (and translated) one inside the other."""
    return Malformed(problem if line is None else MESSAGES.say("en", "line {line}: {problem}", line=line,
                                                               problem=problem))


class _DuplicateKey(Exception):
    """Raised inside json's object_pairs_hook, which cannot know where the object is: located afterwards."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def load_json(text: str) -> Any:
    """`json.loads` with nesting bounded by MAX_DEPTH and duplicate keys refused.

    Raises:
        Malformed: too deep or a duplicate key.
        ValueError: any other fault json finds (JSONDecodeError, an integer of over 4,300 digits).
    """
    _check_json_depth(text)
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs)
    except _DuplicateKey as duplicate:
        raise _locate_duplicate_json_key(text) or Malformed(
            MESSAGES.say("en", "key {key} appears twice in one object", key=repr(duplicate.key))) from None


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build the object as json would, but stop at a repeated key instead of keeping the last value."""
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise _DuplicateKey(key)
        document[key] = value
    return document


def _check_json_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH without recursing: count brackets outside strings.

    Strings and everything but brackets are cut out by regular expressions (C speed), so the loop runs
    once per bracket, and stops at the first level too many.
    """
    depth = 0
    for bracket in _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _at(_json_depth_line(text), MESSAGES.say("en", "nested deeper than {depth} levels",
                                                               depth=MAX_DEPTH))
        else:
            depth -= 1


def _json_depth_line(text: str) -> int | None:
    """The line where the nesting first goes too deep (the error path only: one step per token)."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        if token.group() in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, token.start()) + 1
        elif token.group() in ("]", "}"):
            depth -= 1
    return None


def _locate_duplicate_json_key(text: str) -> Malformed | None:
    """Find the first key repeated within one object, and say where (the error path only).

    The text has parsed, so its strings decode; a string followed by `:` is a key of the innermost
    open object.
    """
    objects: list[dict[str, int] | None] = []  # one entry per open bracket: the keys seen and their lines
    previous: re.Match[str] | None = None
    for token in _JSON_TOKEN.finditer(text):
        kind = token.group()
        if kind in ("{", "["):
            objects.append({} if kind == "{" else None)
        elif kind in ("}", "]"):
            if objects:
                objects.pop()
        elif kind == ":" and previous is not None and previous.group().startswith('"') and objects:
            keys = objects[-1]
            if keys is not None:
                key = json.loads(previous.group())
                line = text.count("\n", 0, previous.start()) + 1
                if key in keys:
                    return _at(line, MESSAGES.say("en", "key {key} appears twice in one object (first on line {first})",
                                                  key=repr(key), first=keys[key]))
                keys[key] = line
        previous = token
    return None


class CatalogueLoader(yaml.SafeLoader):
    """YAML's safe loader, minus anchors, aliases and merge keys, with nesting and duplicate keys checked.

    Composition is where nodes nest and where aliases are resolved, so both are checked there, as each
    node starts and before its children are read: nothing deep or aliased is ever built.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event: Event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, AliasEvent):
            raise _at(line, MESSAGES.say("en", "YAML aliases (*{anchor}) are not read: write the value out in full",
                                         anchor=event.anchor))
        if isinstance(event, NodeEvent) and event.anchor is not None:
            raise _at(line, MESSAGES.say("en", "YAML anchors (&{anchor}) are not read: write each value out in full",
                                         anchor=event.anchor))
        nests = isinstance(event, CollectionStartEvent)  # count levels as JSON's brackets do, scalars aside
        self._depth += nests
        try:
            if self._depth > MAX_DEPTH:
                raise _at(line, MESSAGES.say("en", "nested deeper than {depth} levels", depth=MAX_DEPTH))
            node: Node | None = super().compose_node(parent, index)
            return node
        finally:
            self._depth -= nests

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """A value's constructor fails without saying where (`2026-02-30`, an integer of 5,000 digits): add the line."""
        try:
            return super().construct_object(node, deep=deep)
        except Malformed:
            raise
        except (ValueError, TypeError) as exc:
            raise _at(node.start_mark.line + 1, str(exc)) from exc

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        """SafeConstructor's mapping, refusing a repeated key (and `<<`, whose whole point is repeating keys)."""
        if not isinstance(node, MappingNode):
            return super().construct_mapping(node, deep=deep)
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                raise _at(key_node.start_mark.line + 1, MESSAGES.say(
                    "en", "YAML merge keys (<<) are not read: write each field out in full"))
        self.flatten_mapping(node)  # still resolves the rare `=` value key, as the safe loader does
        mapping: dict[Hashable, Any] = {}
        lines: dict[Hashable, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, Hashable):
                raise _at(line, MESSAGES.say("en", "a mapping key must be a plain value, not a list or mapping"))
            if key in mapping:
                raise _at(line, MESSAGES.say("en", "key {key} appears twice in one mapping (first on line {first})",
                                             key=repr(key), first=lines[key]))
            lines[key] = line
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def load_yaml(text: str) -> Any:
    """One YAML document, read by CatalogueLoader.

    Raises:
        Malformed: an anchor, alias, merge key, duplicate or unhashable key, nesting deeper than
            MAX_DEPTH, or a value that cannot be built (2026-02-30, an integer of over 4,300 digits).
        yaml.YAMLError: any other fault (syntax, an unknown tag such as !!python/object).
    """
    loader = CatalogueLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
