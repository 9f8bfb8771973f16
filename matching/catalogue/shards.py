"""The catalogue's criteria compiled in shards by province, so a firm is checked only where it could qualify.

Every measure's first rule is its jurisdiction, so a firm registered in Sichuan
fails every measure governed wholly within another province. Measures are
grouped by the province their jurisdiction lies in (national and cross-province
measures form one shared shard); a firm is evaluated against the shared shard and
its own province's, and every other measure is reported `fail` without work.
The answer is the one an evaluation of the whole catalogue would give.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.catalogue.view import MeasureView
from matching.eligibility.columnar import FAIL, CompiledCriteria, FirmColumns, Int8Array
from matching.firm.facts import Facts
from policies import reference

SHARED = "*"


def shard_key(jurisdiction: Sequence[str]) -> str:
    provinces = {code[:2] for code in jurisdiction}
    if len(provinces) != 1 or reference.NATIONAL in jurisdiction:
        return SHARED
    return provinces.pop()


@dataclass(frozen=True)
class Shard:
    positions: npt.NDArray[np.int64]  # the measures' positions in the snapshot
    compiled: CompiledCriteria


@dataclass(frozen=True)
class NodeStatuses:
    """Per-shard node statuses from one evaluation, for explaining what is still unknown."""

    by_shard: dict[str, Int8Array]


class ShardedCriteria:
    def __init__(self, views: Sequence[MeasureView]) -> None:
        self.n_measures = len(views)
        members: dict[str, list[int]] = {}
        for position, view in enumerate(views):
            members.setdefault(shard_key(view.jurisdiction), []).append(position)
        self.shards = {
            key: Shard(np.array(positions, dtype=np.int64), CompiledCriteria([views[p].rules for p in positions],
                                                                       [views[p].code for p in positions]))
            for key, positions in members.items()
        }

    def keys_for(self, regions: Sequence[str]) -> list[str]:
        wanted = [SHARED, *sorted({region[:2] for region in regions})]
        return [key for key in wanted if key in self.shards]

    def evaluate(self, firms: Sequence[Facts], as_of: dt.date) -> Int8Array:
        """Worst status of every measure (rows) for every firm (columns); measures out of reach fail."""
        return self.evaluate_nodes(firms, as_of)[1]

    def evaluate_nodes(self, firms: Sequence[Facts], as_of: dt.date) -> tuple[NodeStatuses, Int8Array]:
        columns = FirmColumns.from_facts(firms)
        worst = np.full((self.n_measures, len(firms)), FAIL, dtype=np.int8)
        nodes: dict[str, Int8Array] = {}
        for key in self.keys_for([facts.region for facts in firms]):
            shard = self.shards[key]
            nodes[key], worst[shard.positions] = shard.compiled.evaluate_nodes(columns, as_of)
        return NodeStatuses(nodes), worst

    def blocking_nodes(self, statuses: NodeStatuses, positions: npt.NDArray[np.int64]
                       ) -> list[tuple[CompiledCriteria, npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
        """Each shard's open leaves for the possibly-eligible positions, with the shard's measure positions.

        The leaves are `CompiledCriteria.blocking_nodes`: numbers, for tallying thousands of them with numpy.
        """
        wanted = np.zeros(self.n_measures, dtype=bool)
        wanted[positions] = True
        found = []
        for key, nodes in statuses.by_shard.items():
            shard = self.shards[key]
            found.append((shard.compiled, shard.compiled.blocking_nodes(nodes, np.flatnonzero(wanted[shard.positions])),
                          shard.positions))
        return found
