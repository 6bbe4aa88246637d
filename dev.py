#!/usr/bin/env python3
"""Set up the project's virtual environment, then run the walkthrough or the tests.

    python3 dev.py demo            # the whole lifecycle on a local Temporal server and AWS emulator
    python3 dev.py test [ARGS...]  # the test suite; ARGS go to pytest
    python3 dev.py lint            # ruff and mypy
    python3 dev.py bench [ARGS...] # benchmarks on the local servers; prints a table

Needs only Python 3.11 or later and access to a package index. The environment
lives in .venv next to this file and is reinstalled when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-from"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment() -> Path:
    """Create .venv and install the project with its test extras, unless already current."""

    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before the venv exists
        sys.exit(f"Python 3.11 or later is required; this is {sys.version.split()[0]}.")

    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    python = venv_python()
    if python.exists() and STAMP.exists() and STAMP.read_text().strip() == digest:
        return python

    if not python.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(
        "Installing the project and its test dependencies (a few minutes the first time) ...",
        flush=True,
    )
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"], check=True
    )
    STAMP.write_text(digest + "\n")
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test", "lint", "bench"):
        print(__doc__)
        return 2

    python = ensure_environment()
    command, rest = argv[0], argv[1:]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if command == "demo":
        args = [str(python), "-m", "pulumi_temporal_compute.testing.walkthrough", *rest]
    elif command == "test":
        args = [str(python), "-m", "pytest", *rest]
    elif command == "bench":
        args = [str(python), "-m", "benchmarks.run", *rest]
    else:
        ruff = subprocess.run([str(python), "-m", "ruff", "check", "."], cwd=ROOT)
        mypy = subprocess.run([str(python), "-m", "mypy", "pulumi_temporal_compute"], cwd=ROOT)
        return ruff.returncode or mypy.returncode
    return subprocess.run(args, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
