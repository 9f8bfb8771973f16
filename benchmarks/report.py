"""Shared by the benchmarks: a description of the machine, and the RESULTS.md section writer."""

import contextlib
import os
import platform
import re
from pathlib import Path

# The recorded results; BENCH_RESULTS sends a quick or local run elsewhere (`--quick` does so by itself).
RESULTS = Path(os.environ.get("BENCH_RESULTS") or Path(__file__).resolve().parent / "RESULTS.md").resolve()


def machine() -> str:
    model = "unknown CPU"
    ram = "?"
    with contextlib.suppress(OSError):  # not Linux: the machine is described less precisely
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        found = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        if found:
            ram = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB"
    # The CPUs this process may run on; `nproc` would answer OMP_NUM_THREADS, which an encoder may have set.
    cpus = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    return f"{cpus} CPUs ({model}), {ram} RAM, Python {platform.python_version()}"


def replace_section(section: str, text: str, path: Path = RESULTS) -> None:
    """Write or replace one `## ...` section of RESULTS.md, leaving the rest of the file alone."""
    if path.exists():
        content = path.read_text(encoding="utf-8")
    else:
        content = ("# Benchmark results\n\nMeasured results of the benchmarks in `benchmarks/`; "
                   "each section is rewritten by its command.\n")
    lines = content.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == section), None)
    if start is None:
        content = content.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        tail = "".join(lines[end:])
        content = "".join(lines[:start]) + text.rstrip("\n") + "\n" + ("\n" + tail if tail else "")
    path.write_text(content, encoding="utf-8")


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile by nearest rank: a sample that was measured, not an interpolation."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]
