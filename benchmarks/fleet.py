"""100 versions created one by one and with 10 at a time, and the provider's peak memory.

The engine starts one `pulumi.dynamic` provider process for the dynamic resources
of a program and sends it as many requests at once as `pulumi up --parallel`
allows (unbounded by default). That process serves them from a
`ThreadPoolExecutor(max_workers=4)` (pulumi 3.272, `pulumi/dynamic/__main__.py`),
so at most four run at a time whatever the engine sends. The runs here send
each new resource's Check and Create from 1 or 10 client threads to one fresh
provider process, with the inputs a user writes (AWS pre-check on).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi.runtime.proto import provider_pb2

from benchmarks import dynamic_server as ds
from benchmarks import workload
from benchmarks.report import INFO, Row, mib, ratio, verdict
from benchmarks.servers import LocalServers
from pulumi_temporal_compute.client import TemporalClient
from pulumi_temporal_compute.provider import ComputeConfigProvider
from pulumi_temporal_compute.testing.engine import serialize_provider

PARALLELISM = 10
PROVIDER_SERVER_THREADS = 4  # max_workers of the pulumi 3.272 dynamic provider server
SPEEDUP_TARGET = 4.0
MEMORY_TARGET_KIB = 50 * 1024


@dataclass(frozen=True)
class FleetRun:
    """Wall time, errors and the provider process's memory after one run."""

    seconds: float
    errors: list[str]
    memory_kib: dict[str, int]


def _requests(
    servers: LocalServers, count: int, prefix: str, aws_check: bool
) -> list[tuple[Any, str]]:
    value = serialize_provider(ComputeConfigProvider())
    requests = []
    for index in range(count):
        name = f"{prefix}-{index}"
        inputs = workload.resource_inputs(
            servers.worker,
            workload.unique_deployment(prefix),
            check_aws_resources=None if aws_check else False,
        )
        requests.append((ds.check_request(name, {}, {**inputs, "__provider": value}), name))
    return requests


def _check_and_create(server: ds.DynamicServer, request: Any, name: str) -> str | None:
    try:
        checked = server.call("Check", request)
        if checked.failures:
            return f"{name}: Check failed: {list(checked.failures)}"
        created = server.call(
            "Create",
            provider_pb2.CreateRequest(
                urn=request.urn, name=name, type=request.type, properties=checked.inputs
            ),
        )
        if not created.id:
            return f"{name}: Create returned no id"
    except Exception as error:
        return f"{name}: {type(error).__name__}: {str(error).splitlines()[0][:300]}"
    return None


def run_through_provider(
    servers: LocalServers,
    state_dir: Path,
    env: dict[str, str],
    count: int,
    parallelism: int,
    *,
    aws_check: bool = True,
) -> FleetRun:
    """Create `count` versions through one new provider process with `parallelism` threads.

    `aws_check` False sets `check_aws_resources=False` on every resource.
    """

    tag = f"fleet-p{parallelism}" + ("" if aws_check else "-no-aws-check")
    requests = _requests(servers, count, tag, aws_check)
    server = ds.DynamicServer.start(
        cwd=state_dir,
        stderr_path=state_dir / f"{tag}.stderr",
        env=env,
        stack_config=servers.stack_config,
    )
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=parallelism) as pool:
            results = list(pool.map(lambda r: _check_and_create(server, *r), requests))
        seconds = time.perf_counter() - started
        memory = server.memory_kib()
    finally:
        server.stop()
    return FleetRun(seconds, [r for r in results if r], memory)


def run_direct(servers: LocalServers, count: int, parallelism: int) -> FleetRun:
    """Create `count` versions with the provider's RPCs sent directly, `parallelism` at a time."""

    worker = servers.worker
    groups = workload.encoded_groups(worker, worker.function_arn)
    deployments = [workload.unique_deployment(f"fleet-d{parallelism}") for _ in range(count)]

    def create(deployment: str) -> str | None:
        try:
            with TemporalClient(servers.settings) as client:
                workload.direct_create(client, deployment, groups)
        except Exception as error:
            return f"{deployment}: {type(error).__name__}: {str(error)[:300]}"
        return None

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallelism) as pool:
        results = list(pool.map(create, deployments))
    return FleetRun(time.perf_counter() - started, [r for r in results if r], {})


def measure(
    servers: LocalServers,
    state_dir: Path,
    env: dict[str, str],
    count: int,
    bare_memory_kib: dict[str, int],
    direct_create_seconds: float,
) -> tuple[list[Row], list[str]]:
    """Run the fleets and compare them.

    `direct_create_seconds` is the median time of one direct create, from the CRUD section
    of the same run.
    """

    serial = run_through_provider(servers, state_dir, env, count, 1)
    parallel = run_through_provider(servers, state_dir, env, count, PARALLELISM)
    unchecked = run_through_provider(servers, state_dir, env, count, PARALLELISM, aws_check=False)
    direct = run_direct(servers, count, PARALLELISM)

    speedup = serial.seconds / parallel.seconds
    errors = len(serial.errors) + len(parallel.errors)
    rows = [
        Row(
            f"{count} versions created with parallelism {PARALLELISM}, one provider process",
            f"{parallel.seconds:.1f} s, {len(parallel.errors)} errors",
            f"one by one: {serial.seconds:.1f} s, {len(serial.errors)} errors",
            ratio(parallel.seconds, serial.seconds),
            f"≤ {1 / SPEEDUP_TARGET:.2f}x, no errors",
            verdict(speedup >= SPEEDUP_TARGET and errors == 0),
        ),
        Row(
            f"{count} versions with parallelism {PARALLELISM}, AWS pre-check off",
            f"{unchecked.seconds:.1f} s, {len(unchecked.errors)} errors",
            f"same RPCs sent directly, parallelism {PARALLELISM}: {direct.seconds:.1f} s, "
            f"{len(direct.errors)} errors",
            ratio(unchecked.seconds, direct.seconds),
            "(for information)",
            INFO,
        ),
        Row(
            f"{count} versions, same RPCs sent directly with parallelism {PARALLELISM}",
            f"{direct.seconds:.1f} s",
            f"{count} x the median direct create one by one: {count * direct_create_seconds:.1f} s",
            ratio(direct.seconds, count * direct_create_seconds),
            "(for information: what the server allows)",
            INFO,
        ),
    ]
    runs = (
        ("one by one", serial),
        (f"parallelism {PARALLELISM}", parallel),
        (f"parallelism {PARALLELISM}, AWS pre-check off", unchecked),
    )
    for label, run in runs:
        peak = run.memory_kib["VmHWM"]
        bare = bare_memory_kib["VmHWM"]
        target_applies = run is not unchecked
        rows.append(
            Row(
                f"peak memory (VmHWM) of the provider process, {count} versions {label}",
                mib(peak),
                f"bare provider process: {mib(bare)}",
                f"+{mib(peak - bare)}",
                f"≤ +{mib(MEMORY_TARGET_KIB)}" if target_applies else "(for information)",
                verdict(peak - bare <= MEMORY_TARGET_KIB) if target_applies else INFO,
            )
        )
    details = [
        f"the provider server runs at most {PROVIDER_SERVER_THREADS} requests at a time; "
        f"speed-up with parallelism {PARALLELISM}: {speedup:.2f}x",
        "wall time per version: "
        + ", ".join(
            f"{label} {run.seconds / count * 1000:.0f} ms"
            for label, run in (*runs, (f"direct, parallelism {PARALLELISM}", direct))
        ),
        "memory after the runs (KiB): "
        + ", ".join(f"{label} {run.memory_kib}" for label, run in runs)
        + f", bare {bare_memory_kib}",
    ]
    for label, run in (*runs, ("direct", direct)):
        details.extend(f"error ({label}): {error}" for error in run.errors[:5])
    return rows, details
