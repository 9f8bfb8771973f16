"""Plain-words search over the published catalogue, for people and chatbots, in Chinese or English.

Filters narrow the catalogue first; the survivors are scored exactly with dense
and BM25 relevance and fused. The bundled model knows English only, so when the
query has no Latin letters and the model is not multilingual, BM25 alone ranks.
"""

import datetime as dt
from collections import Counter
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from matching.catalogue.columns import KINDS, LEVELS, WINDOW_CODES
from matching.catalogue.snapshot import CatalogueSnapshot
from matching.catalogue.view import MeasureView
from matching.ranking.fusion import Fusion, fuse
from matching.text.places import places_in
from matching.text.tokens import tokenize, word_spans
from policies import reference
from policies.i18n import OneLanguage
from policies.vocabulary import Designation, Level, MeasureKind

# Below this cosine a measure is not considered about the query at all (MiniLM scale).
DENSE_FLOOR = 0.3


class SearchFilters(BaseModel):
    region: str | None = None
    places_from_query: bool = True
    kinds: list[MeasureKind] | None = None
    levels: list[Level] | None = None
    designation: Designation | None = None
    open_now: bool = False
    closing_within_days: int | None = None
    min_amount: int | None = None
    as_of: dt.date


class SearchHit(OneLanguage):
    """One measure found. Titles are kept in both languages, as the catalogue holds them; the issuing body and
    the snippet are the reader's."""

    __records__: ClassVar[frozenset[str]] = frozenset({"title"})
    code: str
    title_en: str
    title_zh: str
    kind: MeasureKind
    level: Level
    authority: str
    # Defaults only so that the MCP SDK, which checks a tool's result against the validation schema, accepts
    # the one-language form a request sends (`authority`, `snippet` alone).
    authority_zh: str = ""
    jurisdiction: list[str]
    snippet: str
    snippet_zh: str = ""
    headline_amount: int | None
    window_status: str
    closes: dt.date | None
    score: float
    dense: float
    bm25: float
    source_url: str | None


class Facets(BaseModel):
    kind: dict[str, int]
    level: dict[str, int]
    region: dict[str, int]


class SearchResult(BaseModel):
    query: str
    regions: list[str] = []  # the region filter applied: given, or read from the query's place names
    catalogue_version: int
    total: int
    offset: int
    limit: int
    lexical_only: bool
    hits: list[SearchHit]
    facets: Facets


def regions_for(query: str, filters: SearchFilters) -> list[str]:
    """The explicit region, else the places the query names ("Chengdu", "温州")."""
    if filters.region is not None:
        return [filters.region]
    if not filters.places_from_query:
        return []
    named = places_in(query)
    # "成都市龙泉驿区" names a district and its city: keep the most specific of each chain.
    return [code for code in named if not any(other != code and reference.region_within(other, code)
                                              for other in named)]


def filter_mask(snapshot: CatalogueSnapshot, filters: SearchFilters, regions: list[str]) -> npt.NDArray[np.bool_]:
    """Measures that pass every filter."""
    columns = snapshot.columns
    keep = np.ones(len(snapshot.measures), dtype=bool)
    if filters.kinds:
        keep &= np.isin(columns.kind, [KINDS.index(k) for k in filters.kinds])
    if filters.levels:
        keep &= np.isin(columns.level, [LEVELS.index(level) for level in filters.levels])
    if filters.designation is not None:
        keep &= columns.requires[filters.designation]
    if filters.min_amount is not None:
        keep &= columns.headline >= filters.min_amount
    if regions:
        keep &= np.logical_or.reduce([columns.covers(region) for region in regions])
    windows = columns.window_codes(filters.as_of.toordinal(), filters.closing_within_days or 0)
    if filters.open_now:
        keep &= np.isin(windows, [WINDOW_CODES.index(s) for s in ("open", "closing_soon", "automatic")])
    if filters.closing_within_days is not None:
        keep &= windows == WINDOW_CODES.index("closing_soon")
    return keep


def highlight(text: str, query: str, width: int = 220) -> str:
    """A piece of `text` around the first word the query names, every such word in <mark> whole: a word
    holding a query token (人才引进 for 人才, "subsidies" for "subsidy", 獎勵 for 奖励) is marked, never a part."""
    wanted = set(tokenize(query))
    marked = [(begin, end) for begin, end, tokens in word_spans(text) if tokens & wanted] if wanted else []
    start = max(0, (marked[0][0] if marked else 0) - width // 4)
    end = start + width
    pieces, at = [], start
    for begin, stop in marked:
        if begin >= start and stop <= end:
            pieces += [text[at:begin], "<mark>", text[begin:stop], "</mark>"]
            at = stop
    pieces.append(text[at:end])
    return ("…" if start else "") + "".join(pieces) + ("…" if end < len(text) else "")


def rank(
    snapshot: CatalogueSnapshot,
    query: str,
    query_vector: npt.NDArray[np.float32] | None,
    candidates: npt.NDArray[np.int64],
    fusion: Fusion = Fusion.rrf,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Candidates about the query, best first, with fused, dense and BM25 scores.

    `fusion` applies when there is a query vector; without one BM25 ranks alone.
    """
    bm25 = snapshot.lexical.scores(query, candidates).astype(np.float64)
    if query_vector is None:
        dense = np.zeros(len(candidates))
        about = bm25 > 0
        method = Fusion.bm25
    else:
        dense = snapshot.vectors.scores(query_vector, candidates).astype(np.float64)
        about = (bm25 > 0) | (dense >= DENSE_FLOOR)
        method = fusion
    candidates, dense, bm25 = candidates[about], dense[about], bm25[about]
    fused = fuse(dense, bm25, method)
    order = np.lexsort((snapshot.columns.code_rank[candidates], -np.round(fused, 9)))
    return candidates[order], fused[order], dense[order], bm25[order]


def _facets(snapshot: CatalogueSnapshot, found: npt.NDArray[np.int64]) -> Facets:
    """Counts of the results by kind, level and province, from the columns: a broad query finds thousands."""
    columns = snapshot.columns
    kinds = Counter({KINDS[k].value: int(n) for k, n in enumerate(np.bincount(columns.kind[found],
                                                                              minlength=len(KINDS))) if n})
    levels = Counter({LEVELS[k].value: int(n) for k, n in enumerate(np.bincount(columns.level[found],
                                                                                minlength=len(LEVELS))) if n})
    inside = np.isin(columns.place_measure, found)
    places = columns.place_codes[inside]
    provinces = places // 10_000 * 10_000  # the nation (000000) stays itself
    pairs = np.unique(np.stack([columns.place_measure[inside], provinces]), axis=1)  # a measure counts once per area
    areas, counts = np.unique(pairs[1], return_counts=True)
    regions: Counter[str] = Counter()
    for area, count in zip(areas.tolist(), counts.tolist(), strict=True):
        code = f"{area:06d}"
        regions[f"{code} {reference.region_name(code) or ''}".strip()] = count
    return Facets(kind=dict(kinds.most_common()), level=dict(levels.most_common()), region=dict(regions.most_common()))


def hit(snapshot: CatalogueSnapshot, index: int, query: str, scores: tuple[float, float, float],
        as_of: dt.date, soon_days: int) -> SearchHit:
    view: MeasureView = snapshot.measures[index]
    columns = snapshot.columns
    status = WINDOW_CODES[columns.window_code(index, as_of.toordinal(), soon_days)]
    headline = columns.headline[index]
    closes = view.window.closes or view.effective_to
    return SearchHit(
        code=view.code, title_en=view.title_en, title_zh=view.title_zh, kind=view.kind, level=view.level,
        authority=view.authority, authority_zh=view.authority_zh or view.authority,
        jurisdiction=list(view.jurisdiction), snippet=highlight(f"{view.title_en}. {view.summary}", query),
        snippet_zh=highlight(f"{view.title_zh}。{view.summary_zh or view.summary}", query),
        headline_amount=None if np.isnan(headline) else int(headline), window_status=status, closes=closes,
        score=round(scores[0], 6), dense=round(scores[1], 6), bm25=round(scores[2], 6), source_url=view.source_url,
    )


def search(
    snapshot: CatalogueSnapshot,
    query: str,
    query_vector: npt.NDArray[np.float32] | None,
    filters: SearchFilters,
    *,
    offset: int = 0,
    limit: int = 10,
    soon_days: int = 30,
    fusion: Fusion = Fusion.rrf,
) -> SearchResult:
    """Measures about the query that pass the filters, with facets over everything that matched."""
    regions = regions_for(query, filters)
    candidates = np.flatnonzero(filter_mask(snapshot, filters, regions))
    found, fused, dense, bm25 = rank(snapshot, query, query_vector, candidates, fusion)
    top_bm25 = float(bm25.max()) if len(bm25) and bm25.max() > 0 else 1.0
    page = range(offset, min(offset + limit, len(found)))
    soon_days = filters.closing_within_days if filters.closing_within_days is not None else soon_days
    return SearchResult(
        query=query, regions=regions, catalogue_version=snapshot.version, total=len(found), offset=offset,
        limit=limit, lexical_only=query_vector is None,
        hits=[hit(snapshot, int(found[j]), query, (float(fused[j]), float(dense[j]), float(bm25[j]) / top_bm25),
                  filters.as_of, soon_days) for j in page],
        facets=_facets(snapshot, found),
    )


def more_like_this(snapshot: CatalogueSnapshot, code: str, filters: SearchFilters, *, limit: int = 10,
                   soon_days: int = 30) -> SearchResult:
    """Measures closest to one measure, by its own vector and words."""
    index = snapshot.index[code]
    view = snapshot.measures[index]
    regions = [filters.region] if filters.region else []
    candidates = np.flatnonzero(filter_mask(snapshot, filters, regions))
    candidates = candidates[candidates != index]
    query = f"{view.title_en} {view.title_zh} {view.summary}"
    found, fused, dense, bm25 = rank(snapshot, query, snapshot.vectors.vector(index), candidates)
    top_bm25 = float(bm25.max()) if len(bm25) and bm25.max() > 0 else 1.0
    return SearchResult(
        query=code, catalogue_version=snapshot.version, total=len(found), offset=0, limit=limit, lexical_only=False,
        hits=[hit(snapshot, int(found[j]), "", (float(fused[j]), float(dense[j]), float(bm25[j]) / top_bm25),
                  filters.as_of, soon_days) for j in range(min(limit, len(found)))],
        facets=_facets(snapshot, found),
    )
