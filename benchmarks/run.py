"""Measure the provider against same-run references on local servers and print the table.

    .venv/bin/python -m benchmarks.run [--state-dir DIR] [--quick]

Starts the AWS emulator and a Temporal dev server on 127.0.0.1, measures, prints a
Markdown table (figure, reference measured in the same run, ratio, target) and
details, and stops both servers by process id. Takes about three minutes on
2 CPUs; `--quick` uses small counts to try the script out, and its figures are
not comparable to the targets.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import crud, fleet, offline
from benchmarks import dynamic_server as ds
from benchmarks.report import MISSED, Row, format_table, machine_lines
from benchmarks.servers import local_servers

REPO_ROOT = Path(__file__).resolve().parent.parent


def run(state_dir: Path, *, samples: int, resources: int, startups: int, versions: int) -> int:
    started = time.monotonic()
    load_before = _load_average()
    rows: list[Row] = []
    details: list[str] = []

    def section(title: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {title}", file=sys.stderr, flush=True)

    with local_servers(state_dir) as servers:
        env = ds.provider_env(os.environ, REPO_ROOT)
        header = machine_lines(servers.temporal.cli_path)

        section("the pickled provider")
        new_rows, new_details = offline.measure_pickle()
        rows += new_rows
        details += new_details

        section(f"check and diff of {resources} resources")
        with (
            ds.DynamicServer.start(
                cwd=state_dir,
                stderr_path=state_dir / "check-diff.stderr",
                env=env,
                stack_config=servers.stack_config,
            ) as ours,
            ds.DynamicServer.start(
                cwd=state_dir,
                stderr_path=state_dir / "check-diff-trivial.stderr",
                env=env,
                stack_config=servers.stack_config,
            ) as trivial,
        ):
            new_rows, new_details = offline.measure_check_diff(
                servers.worker, resources, ours, trivial
            )
        rows += new_rows
        details += new_details

        section(f"provider process start-up, {startups} runs each")
        new_rows, new_details, bare_memory = offline.measure_startup(
            servers.worker, state_dir, env, servers.stack_config, startups
        )
        rows += new_rows
        details += new_details

        section(f"create, update, read, delete: {samples} samples each")
        new_rows, new_details, direct_create = crud.measure(servers, state_dir, env, samples)
        rows += new_rows
        details += new_details

        section(f"{versions} versions one by one and in parallel")
        new_rows, new_details = fleet.measure(
            servers, state_dir, env, versions, bare_memory, direct_create
        )
        rows += new_rows
        details += new_details

        section("stopping the servers")

    elapsed = time.monotonic() - started
    print("\n".join(header))
    print(f"load average before the run: {load_before}; after: {_load_average()}")
    print(f"run time: {elapsed:.0f} s; state and logs: {state_dir}\n")
    print(format_table(rows))
    print("\nDetails:")
    print("\n".join(f"- {line}" for line in details))
    missed = [row.figure for row in rows if row.verdict == MISSED]
    print(f"\n{len(missed)} target(s) missed" + (": " + "; ".join(missed) if missed else ""))
    return 0


def _load_average() -> str:
    """Return the 1, 5 and 15 minute load averages: other work on the machine skews figures."""

    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--state-dir", type=Path, help="keep server logs here (default: a temporary directory)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="small counts, to try the script out (about 1 min)"
    )
    args = parser.parse_args(argv)
    counts = (
        {"samples": 3, "resources": 100, "startups": 2, "versions": 10}
        if args.quick
        else {"samples": 20, "resources": 1000, "startups": 10, "versions": 100}
    )
    if args.state_dir is not None:
        args.state_dir.mkdir(parents=True, exist_ok=True)
        return run(args.state_dir.resolve(), **counts)
    with tempfile.TemporaryDirectory(prefix="temporal-compute-bench-") as directory:
        return run(Path(directory), **counts)


if __name__ == "__main__":
    sys.exit(main())
