"""The labelling kit: what an advisor labelling ranking quality reads, and nothing the engine computes.

Run from the project root:

    .venv/bin/python -m benchmarks.quality_kit [OUT]

Writes OUT/catalogue.md (every published sample measure: titles, kind, level,
jurisdiction, summary, who qualifies and the benefit in generated words, window,
details), OUT/chains.yaml (each example firm's measures: those whose jurisdiction
contains its region) and OUT/held_aside.txt (benchmarks/quality/advisors/README.md).
"""

import hashlib
import sys
from pathlib import Path

import yaml

from policies import describe, reference
from policies.importing.loader import read_directory
from policies.schemas import MeasureRecord
from policies.vocabulary import MeasureStatus

ROOT = Path(__file__).resolve().parent.parent
HELD_ASIDE = 12


def held_aside(firms: list[str], count: int = HELD_ASIDE) -> list[str]:
    """The firms no tuning may read, fixed by name alone before any label exists."""
    return sorted(firms, key=lambda firm: hashlib.sha256(f"supportmatch-holdout:{firm}".encode()).hexdigest())[:count]


def _benefit_note(record: MeasureRecord) -> str:
    note = getattr(record.benefit, "description", "")
    return f" ({note})" if note and record.benefit.kind != "in_kind" else ""


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    records = [MeasureRecord.model_validate(raw) for raw in read_directory(ROOT / "policies" / "sample" / "catalogue")]
    published = [record for record in records if record.status is MeasureStatus.published]
    lines = ["# Published sample catalogue (digest for labelling)\n"]
    for record in published:
        lines += [f"## {record.code}\n", f"- title: {record.title_zh} / {record.title_en}",
                  f"- kind: {record.kind.value}; level: {record.level.value}; jurisdiction: "
                  f"{', '.join(record.jurisdiction)}" + (f"; industries: {', '.join(record.industries)}"
                                                         if record.industries else ""),
                  f"- summary: {record.summary}", f"- who qualifies: {describe.who_qualifies(record.criteria)}",
                  f"- benefit: {describe.benefit_text(record.benefit)}" + _benefit_note(record)]
        if record.window:
            lines.append(f"- window: {describe.window_text(record.window)}")
        lines.append(f"- details: {record.body}\n")
    (out / "catalogue.md").write_text("\n".join(lines), encoding="utf-8")
    chains = {}
    for path in sorted((ROOT / "examples" / "firms").glob("*.yaml")):
        region = yaml.safe_load(path.read_text(encoding="utf-8"))["region"]
        chains[path.stem] = [record.code for record in published
                             if any(reference.region_within(region, area) for area in record.jurisdiction)]
    (out / "chains.yaml").write_text(yaml.safe_dump(chains, allow_unicode=True, sort_keys=True), encoding="utf-8")
    (out / "held_aside.txt").write_text("\n".join(held_aside(list(chains))) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("label_kit"))
