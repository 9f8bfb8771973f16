"""Messages in both languages the service's readers read: English in the code, Chinese in gettext catalogues.

Why gettext (through Babel) and not pairs of strings in code: the Chinese text is reviewed and
corrected by people who do not read Python, in `.po` files any translation tool opens; the English
text is the message id, so `tests/test_i18n.py` extracts every message the code can say and fails
when a catalogue lacks it, or when the two sides' placeholders differ.

Each layer keeps its catalogues in `<layer>/locale/zh_CN/LC_MESSAGES/*.po` (one file per area of the
code, merged when loaded) and reads them through one `Catalogue`. They are read on first use, so there
is no compiled `.mo` file to keep in step with its source.

Models whose messages are kept in both languages (`reason` and `reason_zh`, `question_en` and
`question_zh`) derive from `OneLanguage`: inside a request, whose language the API sets in
`READER`, they leave with one field, named without the suffix, in that language; elsewhere (the
engine, its tests, benchmarks) they keep both.
"""

import re
import string
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from pydantic import BaseModel, GetJsonSchemaHandler, SerializerFunctionWrapHandler, model_serializer
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

CHINESE_LOCALE = "zh_CN"


class Language(StrEnum):
    """A reader's language as HTTP names it (Content-Language)."""

    zh = "zh-CN"
    en = "en"


_CHINESE = frozenset({"zh", "zh-CN", "zh_CN"})  # a Language is a str: Language.zh is "zh-CN"
_SHORT_VALUE = 16  # characters; see `read_back`
_WORD = re.compile(r"[A-Za-z]{2,}")
# The language of the request being answered; None outside a request, where messages keep both languages.
READER: ContextVar[Language | None] = ContextVar("reader", default=None)


def N_(message: str) -> str:
    """Marks a message kept in a table, for extraction; it is translated where it is shown."""
    return message


class Catalogue:
    """One layer's messages: `say` says a message in one language, `pair` in English and Chinese."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @cached_property
    def chinese(self) -> dict[str, str]:
        """Each message's Chinese, from every `.po` file of the layer. Read straight into a dict: `say` runs
        per reason on the match path, where gettext's fallback machinery costs more than the lookup itself.
        Fuzzy and empty entries are left out, as a compiled catalogue leaves them: a guess is not a translation."""
        return {message.id: message.string for catalog in self.sources().values() for message in catalog
                if isinstance(message.id, str) and message.id and isinstance(message.string, str)
                and message.string and not message.fuzzy}

    def sources(self) -> dict[Path, Catalog]:
        """Each `.po` file of this layer, read."""
        found = {}
        for path in sorted((self.directory / CHINESE_LOCALE / "LC_MESSAGES").glob("*.po")):
            with path.open("rb") as source:
                found[path] = read_po(source, locale=CHINESE_LOCALE, domain=path.stem)
        return found

    def say(self, language: Language | str, message: str, /, **values: Any) -> str:
        """`message` in `language` ("zh", "zh-CN" or a Language; anything else is English), its {names} filled."""
        said = self.chinese.get(message, message) if language in _CHINESE else message
        return said.format(**values) if values else said

    def pair(self, message: str, /, **values: Any) -> tuple[str, str]:
        """(English, Chinese), both filled with the same values."""
        chinese = self.chinese.get(message, message)
        if values:
            return message.format(**values), chinese.format(**values)
        return message, chinese

    @cached_property
    def _patterns(self) -> list[tuple[re.Pattern[str], str, bool]]:
        """Each message with placeholders as a pattern that reads its values back, most literal text first,
        and whether the message has words of its own (see `read_back`)."""
        found = []
        for message in self.chinese:
            if "{" in message:
                parts = list(string.Formatter().parse(message))
                if any(field for _, field, _, _ in parts if field is not None and not field.isidentifier()):
                    continue
                pattern = "".join(re.escape(literal) + (f"(?P<{field}>.+?)" if field else "")
                                  for literal, field, _, _ in parts)
                wordy = len(_WORD.findall(" ".join(literal for literal, _, _, _ in parts))) >= 3
                try:
                    found.append((re.compile(pattern, re.DOTALL), message, wordy))
                except re.error:  # a placeholder named twice: such a message cannot be read back
                    continue
        return sorted(found, key=lambda item: -len(re.sub(r"\{[^}]*\}", "", item[1])))

    def read_back(self, english: str) -> str | None:
        """The Chinese of a message this catalogue said in English; see `read_back`."""
        return read_back(english, (self,))

    def knows(self, message: str) -> bool:
        """Whether the Chinese catalogue has `message` (`say` answers an unknown one with itself)."""
        return message in self.chinese


def read_back(english: str, catalogues: Sequence[Catalogue]) -> str | None:
    """The Chinese of a message already said in English (an exception's text), or None if no message of
    these catalogues says it. Values read back from the English are themselves translated when they are
    messages too, of any of the catalogues ("Value error, {error}" around a validator's own message).

    A pattern made mostly of placeholders ("{shortfall}, {aside}") would match any text with a comma
    in it: a match counts only when the message has words of its own (three at least, as in "no
    database at {path}"), or when every long value it reads is itself a message (short ones are
    numbers and names: "min", "2.5").
    """
    for catalogue in catalogues:
        chinese = catalogue.chinese.get(english)
        if chinese is not None:
            return chinese
    for catalogue in catalogues:
        for pattern, message, wordy in catalogue._patterns:  # noqa: SLF001
            matched = pattern.fullmatch(english)
            if not matched:
                continue
            found = matched.groupdict()
            translated = {name: read_back(value, catalogues) for name, value in found.items()}
            if wordy or all(
                    translated[name] is not None or len(value) <= _SHORT_VALUE for name, value in found.items()):
                values = {name: translated[name] or value for name, value in found.items()}
                return catalogue.chinese[message].format(**values)
    return None


def reader_language(default: Language = Language.en) -> Language:
    """The language of the request being answered, or `default` outside one."""
    return READER.get() or default


def _pairs(names: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(shown name, English field, Chinese field) for each message kept twice in a model's fields."""
    found = []
    for name in names:
        if name.endswith("_zh"):
            base = name[:-3]
            if base in names:
                found.append((base, base, name))
            elif f"{base}_en" in names:
                found.append((base, f"{base}_en", name))
    return found


class OneLanguage(BaseModel):
    """A model whose messages leave a request in the reader's language only (see the module's docstring).

    `__records__` names twins that are stored content rather than messages (a measure's `title_en`
    and `title_zh`): they keep both languages, as the catalogue holds them.
    """

    __records__: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _in_reader_language(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]  # unannotated: the schema stays the model's
        data = handler(self)
        language = READER.get()
        if language is None or not isinstance(data, dict):
            return data
        for shown, english, chinese in _pairs(type(self).model_fields):
            if shown in self.__records__ or english not in data:
                continue
            en, zh = data.pop(english), data.pop(chinese, None)
            data[shown] = (zh if zh is not None else en) if language is Language.zh else en
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        if handler.mode != "serialization":
            return schema
        target = handler.resolve_ref_schema(schema)
        properties: dict[str, Any] = target.get("properties", {})
        required: list[str] = target.get("required", [])
        for shown, english, chinese in _pairs(cls.model_fields):
            if shown in cls.__records__ or english not in properties:
                continue
            field = properties.pop(english)
            properties.pop(chinese, None)
            field["title"] = shown.replace("_", " ").capitalize()
            field["description"] = (field.get("description", "") + " (in the reader's language: Accept-Language)").strip()
            properties[shown] = field
            was_required = english in required
            required = [name for name in required if name not in (english, chinese)] + ([shown] if was_required else [])
            target["required"] = required
        return schema
