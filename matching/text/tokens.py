"""Tokens for lexical search in Chinese and English.

jieba segments Chinese (with a domain dictionary, since out of the box it splits
小巨人 into 小 / 巨人 and 专精特新 into pieces); search mode also emits the
sub-words of long words, so 专精特新贷 matches a query for 专精特新. English words
are lower-cased and Snowball-stemmed, so "loans" matches "loan". Both sides are
normalised first: traditional characters and full-width forms match their usual ones.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba
import opencc
import Stemmer
import yaml

DOMAIN_WORDS = Path(__file__).parent / "data" / "domain_words.txt"
THESAURUS = Path(__file__).parent / "data" / "thesaurus.yaml"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_RUNS = re.compile(r"[\u4e00-\u9fff]+|[a-z][a-z0-9]*")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the their this to with within "
    "up who which can may will per each all any our we you your i me my how what where when for firm firms "
    "的 了 和 与 及 或 在 对 为 是 等 按 由 其 并 将 以 于 中 上 下 个 年 元 万元 亿元 最高 不 超过 不超过 我们 我 有 哪些 什么 "
    "可以 能 吗 呢 给 想 要 需要".split()
)


@lru_cache(maxsize=1)
def _segmenter() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with open(DOMAIN_WORDS, "rb") as words:
        tokenizer.load_userdict(words)
    for entry in _thesaurus():  # each phrase one word, so an expansion adds it and not its pieces
        for phrase in entry.words + entry.finds:
            if _CJK.search(phrase):
                tokenizer.add_word(phrase, freq=20000)
    return tokenizer


@dataclass(frozen=True)
class _Entry:
    words: tuple[str, ...]
    finds: tuple[str, ...]


@lru_cache(maxsize=1)
def _thesaurus() -> tuple[_Entry, ...]:
    entries = yaml.safe_load(THESAURUS.read_text(encoding="utf-8"))
    return tuple(_Entry(words=tuple(normalise(str(w)).lower() for w in entry["words"]),
                        finds=tuple(normalise(str(w)).lower() for w in entry.get("finds", ())))
                 for entry in entries)


def expansions(query: str) -> list[str]:
    """The search tokens the thesaurus adds to a query: equivalents of the words it holds, and the narrower
    words a broad one finds (融资 → 贷款), each as one token. Only queries are expanded, never documents."""
    text = normalise(query).lower()
    added: list[str] = []
    for entry in _thesaurus():
        if any(word in text for word in entry.words):
            added += [phrase for phrase in entry.words + entry.finds if phrase not in text and phrase not in added]
    stem = _stemmer().stemWord
    return [phrase if _CJK.search(phrase) else stem(phrase) for phrase in added]


@lru_cache(maxsize=1)
def _long_domain_words() -> tuple[str, ...]:
    """Domain terms longer than three characters: the ones search mode does not emit from inside a word."""
    lines = DOMAIN_WORDS.read_text(encoding="utf-8").splitlines()
    return tuple(word for word in (line.split()[0] for line in lines if line.strip()) if len(word) > 3)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def _chinese(run: str) -> list[str]:
    tokens: list[str] = []
    for raw in _segmenter().cut_for_search(run):
        token = raw.strip()
        if not token or token in STOPWORDS or not _CJK.search(token):
            continue
        tokens.append(token)
        # Search mode emits only the 2- and 3-character words inside a long
        # word; a domain term such as 专精特新 inside 专精特新贷 is added here.
        if len(token) > 4:  # only a longer token can hold a domain term other than itself
            tokens += [word for word in _long_domain_words() if word != token and word in token]
    return tokens


@lru_cache(maxsize=1)
def _simplifier() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """One form for every way of writing the same words: full-width letters and digits as ASCII (NFKC), and
    traditional characters as simplified (OpenCC), so 專精特新 finds 专精特新 and ＣＭＭＩ finds CMMI."""
    return str(_simplifier().convert(unicodedata.normalize("NFKC", text)))


def tokenize(text: str) -> list[str]:
    """Search tokens of a text in any mix of Chinese and English.

    Only runs of Chinese characters go through jieba; Latin words are split by a
    regular expression, which is the same segmentation at a fraction of the cost.
    """
    tokens: list[str] = []
    stem = _stemmer().stemWord
    for run in _RUNS.findall(normalise(text).lower()):
        if _CJK.match(run):
            tokens += _chinese(run)
        elif run not in STOPWORDS:
            tokens.append(stem(run))
    return tokens


_WORD_RUNS = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z\uff21-\uff3a\uff41-\uff5a][A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]*")


def word_spans(text: str) -> list[tuple[int, int, frozenset[str]]]:
    """Where each word of `text` lies, with the search tokens it holds: a highlight marks whole words.

    Chinese runs are cut into jieba's words (not search mode, whose pieces overlap), so a query for 人才
    marks 人才引进 whole; an English word is one span, so "subsidy" marks "subsidies" whole.
    """
    spans: list[tuple[int, int, frozenset[str]]] = []
    for run in _WORD_RUNS.finditer(text):
        words = [(run.start(), run.end())]
        plain = normalise(run.group(0))
        if _CJK.match(plain) and len(plain) == len(run.group(0)):  # same length: jieba's offsets hold
            words = [(run.start() + begin, run.start() + end) for _, begin, end in _segmenter().tokenize(plain)]
        spans += [(begin, end, frozenset(tokenize(text[begin:end]))) for begin, end in words]
    return spans
