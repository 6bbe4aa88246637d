"""Figures that need no Temporal server: check and diff, the pickled provider, start-up time."""

from __future__ import annotations

import base64
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks import dynamic_server as ds
from benchmarks import workload
from benchmarks.report import Row, median, ms, ratio, us, verdict
from benchmarks.trivial_provider import TrivialProvider
from pulumi_temporal_compute.provider import SCHEMA_VERSION, ComputeConfigProvider
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker
from pulumi_temporal_compute.testing.engine import serialize_provider_with_secrecy

CHECK_DIFF_TARGET_SECONDS = 50e-6
PROVIDER_BYTES_TARGET = 1024
STARTUP_TARGET_SECONDS = 0.3
IN_PROCESS_PASSES = 5

# A provider as a user writes it in the program itself (`__main__.py`): dill pickles
# such a class by value, code included, into every resource's `__provider`.
_PROGRAM_PROVIDER_SOURCE = """
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult


class VersionConfigProvider(ResourceProvider):
    def create(self, props):
        return CreateResult(f"{props['deployment_name']}/{props['build_id']}", dict(props))

    def diff(self, id, olds, news):
        keys = ("deployment_name", "build_id", "scaling_groups")
        return DiffResult(changes=any(olds.get(k) != news.get(k) for k in keys))

    def update(self, id, olds, news):
        return UpdateResult(dict(news))
"""


def program_defined_provider() -> Any:
    """Return an instance of a provider class defined in a module named `__main__`."""

    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(_PROGRAM_PROVIDER_SOURCE, "__main__.py", "exec"), namespace)
    return namespace["VersionConfigProvider"]()


# --- check and diff ---------------------------------------------------------------------------


class Fleet:
    """Inputs, checked inputs and outputs of `count` unchanged resources.

    They are the values that a preview of an unchanged stack sends to Check and Diff.
    """

    def __init__(self, worker: LambdaWorker, count: int) -> None:
        self.provider_value, _ = serialize_provider_with_secrecy(ComputeConfigProvider())
        self.trivial_value, _ = serialize_provider_with_secrecy(TrivialProvider())
        provider = ComputeConfigProvider()
        self.news: list[dict[str, Any]] = []
        self.old_inputs: list[dict[str, Any]] = []
        self.old_outputs: list[dict[str, Any]] = []
        self.ids: list[str] = []
        for index in range(count):
            deployment = f"fleet-{index:04d}"
            inputs = workload.resource_inputs(worker, deployment)
            news = {**inputs, "__provider": self.provider_value}
            checked = provider.check({}, news).inputs
            checked["__provider"] = self.provider_value
            outputs = {
                **checked,
                "namespace": "default",
                "version_created": True,
                "deployment_created": True,
                "schema_version": SCHEMA_VERSION,
                "status": "inactive",
            }
            self.news.append(news)
            self.old_inputs.append(checked)
            self.old_outputs.append(outputs)
            self.ids.append(f"default/{deployment}/{workload.BUILD_ID}")


def _per_call(calls: list[Callable[[], object]]) -> float:
    """Return the seconds per call of one pass over `calls`."""

    started = time.perf_counter()
    for call in calls:
        call()
    return (time.perf_counter() - started) / len(calls)


def measure_check_diff(
    worker: LambdaWorker, count: int, server: ds.DynamicServer, trivial_server: ds.DynamicServer
) -> tuple[list[Row], list[str]]:
    """Time Check and Diff of `count` unchanged resources, in process and over gRPC."""

    fleet = Fleet(worker, count)
    ours = ComputeConfigProvider()
    trivial = TrivialProvider()

    changed = sum(
        bool(
            ours.diff(
                fleet.ids[i],
                fleet.old_outputs[i],
                ours.check(fleet.old_inputs[i], fleet.news[i]).inputs,
            ).changes
        )
        for i in range(count)
    )
    if changed:
        raise RuntimeError(f"diff reported changes for {changed} of {count} unchanged resources")

    def check_calls(provider: Any) -> list[Callable[[], object]]:
        return [partial(provider.check, fleet.old_inputs[i], fleet.news[i]) for i in range(count)]

    def diff_calls(provider: Any) -> list[Callable[[], object]]:
        return [
            partial(provider.diff, fleet.ids[i], fleet.old_outputs[i], fleet.old_inputs[i])
            for i in range(count)
        ]

    in_process: dict[str, list[float]] = {
        key: [] for key in ("check", "diff", "trivial check", "trivial diff")
    }
    for _ in range(IN_PROCESS_PASSES):
        in_process["check"].append(_per_call(check_calls(ours)))
        in_process["diff"].append(_per_call(diff_calls(ours)))
        in_process["trivial check"].append(_per_call(check_calls(trivial)))
        in_process["trivial diff"].append(_per_call(diff_calls(trivial)))

    over_grpc = _measure_over_grpc(fleet, count, server, trivial_server)

    rows: list[Row] = []
    for method in ("check", "diff"):
        value = median(in_process[method])
        reference = median(in_process[f"trivial {method}"])
        rows.append(
            Row(
                f"`{method}` per resource, in process, {count} resources (target applies here)",
                us(value),
                f"trivial provider: {us(reference)}",
                ratio(value, reference),
                f"≤ {us(CHECK_DIFF_TARGET_SECONDS)}",
                verdict(value <= CHECK_DIFF_TARGET_SECONDS),
            )
        )
    for method in ("Check", "Diff"):
        value = median(over_grpc[method])
        reference = median(over_grpc[f"trivial {method}"])
        rows.append(
            Row(
                f"`{method}` per resource over the provider server's gRPC, {count} resources",
                us(value),
                f"trivial provider: {us(reference)}",
                ratio(value, reference),
                "(for information)",
                "-",
            )
        )
    details = [
        f"in process, seconds per call of each of {IN_PROCESS_PASSES} passes: "
        + "; ".join(f"{k} " + ", ".join(us(v) for v in values) for k, values in in_process.items()),
        "over gRPC, per call: "
        + "; ".join(f"{k} median {us(median(v))} p90 {us(_p90(v))}" for k, v in over_grpc.items()),
    ]
    return rows, details


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def _measure_over_grpc(
    fleet: Fleet, count: int, server: ds.DynamicServer, trivial_server: ds.DynamicServer
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {
        key: [] for key in ("Check", "Diff", "trivial Check", "trivial Diff")
    }
    targets = (
        ("", server, fleet.provider_value),
        ("trivial ", trivial_server, fleet.trivial_value),
    )
    requests: dict[str, list[tuple[Any, Any]]] = {}
    for prefix, _, value in targets:
        pairs = []
        for i in range(count):
            name = f"fleet-{i}"
            olds = {**fleet.old_inputs[i], "__provider": value}
            news = {**fleet.news[i], "__provider": value}
            outputs = {**fleet.old_outputs[i], "__provider": value}
            pairs.append(
                (
                    ds.check_request(name, olds, news),
                    ds.diff_request(name, fleet.ids[i], outputs, olds),
                )
            )
        requests[prefix] = pairs

    for prefix, target, _ in targets:  # unpickle each provider before the clock runs
        target.call("Check", requests[prefix][0][0])
    for i in range(count):
        for prefix, target, _ in targets:
            check, diff = requests[prefix][i]
            started = time.perf_counter()
            target.call("Check", check)
            times[f"{prefix}Check"].append(time.perf_counter() - started)
            started = time.perf_counter()
            response = target.call("Diff", diff)
            times[f"{prefix}Diff"].append(time.perf_counter() - started)
            if response.changes == response.DIFF_SOME:
                raise RuntimeError(f"Diff of unchanged resource {i} reported a change")
    return times


# --- the pickled provider ---------------------------------------------------------------------


def measure_pickle() -> tuple[list[Row], list[str]]:
    """Measure `__provider` as the SDK stores it, and whether the SDK marks it secret."""

    ours = ComputeConfigProvider()
    value, secret = serialize_provider_with_secrecy(ours)
    reference, reference_secret = serialize_provider_with_secrecy(program_defined_provider())

    # A configured provider contains the stack config, credentials included; none of it may
    # end up in the pickle.
    api_key = "bench-api-key-must-not-be-pickled"
    from pulumi.dynamic import Config, ConfigureRequest

    ours.configure(ConfigureRequest(Config({"temporal:apiKey": api_key}, "bench")))
    configured, _ = serialize_provider_with_secrecy(ours)
    leaked = api_key.encode() in base64.b64decode(configured)

    rows = [
        Row(
            "bytes of `__provider` per resource (base64 text, as stored)",
            f"{len(value)} B",
            f"class defined in the program: {len(reference)} B",
            ratio(len(value), len(reference)),
            f"≤ {PROVIDER_BYTES_TARGET} B",
            verdict(len(value) <= PROVIDER_BYTES_TARGET),
        ),
        Row(
            "`__provider` stored as a secret (no secret captured)",
            "yes" if secret else "no",
            f"class defined in the program: {'yes' if reference_secret else 'no'}",
            "n/a",
            "no",
            verdict(not secret),
        ),
        Row(
            "stack config (an API key) in the pickle of a configured provider",
            "found" if leaked else "absent",
            "-",
            "n/a",
            "absent",
            verdict(not leaked),
        ),
    ]
    details = [
        f"__provider of ComputeConfigProvider: {len(value)} base64 characters, "
        f"{len(base64.b64decode(value))} pickle bytes; the program-defined class: "
        f"{len(reference)} characters, {len(base64.b64decode(reference))} bytes"
    ]
    return rows, details


# --- start-up ---------------------------------------------------------------------------------


def _first_check(
    state_dir: Path,
    env: dict[str, str],
    stack_config: dict[str, str],
    request: Any,
    tag: str,
) -> tuple[float, float, dict[str, int]]:
    """Start a provider process and send one Check.

    Returns the seconds until the process printed its port and until the Check response
    arrived, and the process's memory after that response.
    """

    server = ds.DynamicServer.start(
        cwd=state_dir,
        stderr_path=state_dir / f"startup-{tag}.stderr",
        env=env,
        stack_config=stack_config,
    )
    try:
        response = server.call("Check", request)
        responded = time.perf_counter() - server.started_at
        if response.failures:
            raise RuntimeError(f"first Check failed: {list(response.failures)}")
        return server.port_seconds, responded, server.memory_kib()
    finally:
        server.stop()


def measure_startup(
    worker: LambdaWorker,
    state_dir: Path,
    env: dict[str, str],
    stack_config: dict[str, str],
    runs: int,
) -> tuple[list[Row], list[str], dict[str, int]]:
    """Time each process start until the first Check response, for this package and a trivial one.

    Returns rows, detail lines, and the memory of the last trivial provider process,
    the reference for the peak-memory figure.
    """

    inputs = workload.resource_inputs(worker, "startup")
    ours_value, _ = serialize_provider_with_secrecy(ComputeConfigProvider())
    trivial_value, _ = serialize_provider_with_secrecy(TrivialProvider())
    requests = {
        "ours": ds.check_request("startup", {}, {**inputs, "__provider": ours_value}),
        "trivial": ds.check_request("startup", {}, {**inputs, "__provider": trivial_value}),
    }
    port: dict[str, list[float]] = {"ours": [], "trivial": []}
    response: dict[str, list[float]] = {"ours": [], "trivial": []}
    memory: dict[str, dict[str, int]] = {}
    for index in range(runs):
        order = ("ours", "trivial") if index % 2 == 0 else ("trivial", "ours")
        for tag in order:
            port_seconds, responded, memory[tag] = _first_check(
                state_dir, env, stack_config, requests[tag], tag
            )
            port[tag].append(port_seconds)
            response[tag].append(responded)

    ours, trivial = median(response["ours"]), median(response["trivial"])
    rows = [
        Row(
            f"provider process start until the first Check response (median of {runs})",
            ms(ours),
            f"bare `python -m pulumi.dynamic`, trivial provider: {ms(trivial)}",
            f"+{ms(ours - trivial)}",
            f"≤ +{ms(STARTUP_TARGET_SECONDS)}",
            verdict(ours - trivial <= STARTUP_TARGET_SECONDS),
        )
    ]
    details = [
        f"start until the port is printed: ours {ms(median(port['ours']))}, "
        f"trivial {ms(median(port['trivial']))}",
        "start until the first Check response, each run: ours "
        + ", ".join(ms(v) for v in response["ours"])
        + "; trivial "
        + ", ".join(ms(v) for v in response["trivial"]),
        f"memory after the first Check: ours {memory['ours']} KiB, trivial {memory['trivial']} KiB",
    ]
    return rows, details, memory["trivial"]
