"""Create, update, read and delete: through the provider server, directly, and with the CLI.

Each sample uses a new deployment name. The provider and the direct RPCs take
turns within each sample, in an order that rotates from one sample to the next,
so a drift of the server's speed during the run affects them alike. The CLI's
samples of an operation run after theirs, because starting the CLI's process
between two fast calls slows the next call in the other processes. On the 2-CPU
machine of docs/benchmarks.md, a provider Read took 9.9 ms instead of 7.9 ms. One
untimed round of every operation comes first, so the provider process has
unpickled its provider and every path has loaded its code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import dynamic_server as ds
from benchmarks import workload
from benchmarks.report import INFO, Row, median, ms, ratio, spread, verdict
from benchmarks.servers import LocalServers
from pulumi_temporal_compute.client import TemporalClient
from pulumi_temporal_compute.provider import ComputeConfigProvider
from pulumi_temporal_compute.testing.engine import serialize_provider

OPERATIONS = ("create", "update", "read", "delete")
WARM_UP = -1
TARGET_RATIO_TO_DIRECT = 1.1


@dataclass
class _Resource:
    name: str
    deployment: str
    inputs: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)


class ThroughProvider:
    """Sends the engine's requests to one provider process."""

    def __init__(
        self, label: str, server: ds.DynamicServer, servers: LocalServers, aws_check: bool
    ) -> None:
        self.label = label
        self.operations = OPERATIONS if not aws_check else ("create",)
        self._server = server
        self._servers = servers
        self._provider_value = serialize_provider(ComputeConfigProvider())
        self._check_aws: bool | None = None if aws_check else False
        self._resources: dict[int, _Resource] = {}

    def _checked(self, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        news = {**inputs, "__provider": self._provider_value}
        response = self._server.call("Check", ds.check_request(name, {}, news))
        if response.failures:
            raise RuntimeError(f"Check of {name} failed: {list(response.failures)}")
        return ds.from_struct(response.inputs)

    def create(self, index: int) -> float:
        deployment = workload.unique_deployment("crud-provider")
        resource = _Resource(name=f"{self.label}-{index}", deployment=deployment)
        inputs = workload.resource_inputs(
            self._servers.worker, deployment, check_aws_resources=self._check_aws
        )
        resource.inputs = self._checked(resource.name, inputs)
        request = ds.create_request(resource.name, resource.inputs)

        started = time.perf_counter()
        response = self._server.call("Create", request)
        elapsed = time.perf_counter() - started

        resource.id = response.id
        resource.outputs = ds.from_struct(response.properties)
        self._resources[index] = resource
        return elapsed

    def update(self, index: int) -> float:
        resource = self._resources[index]
        inputs = workload.resource_inputs(
            self._servers.worker,
            resource.deployment,
            function_arn=self._servers.worker.version_arn,
            check_aws_resources=self._check_aws,
        )
        news = self._checked(resource.name, inputs)
        request = ds.update_request(resource.name, resource.id, resource.outputs, news)

        started = time.perf_counter()
        response = self._server.call("Update", request)
        elapsed = time.perf_counter() - started

        resource.inputs = news
        resource.outputs = ds.from_struct(response.properties)
        return elapsed

    def read(self, index: int) -> float:
        resource = self._resources[index]
        request = ds.read_request(resource.name, resource.id, resource.outputs, resource.inputs)

        started = time.perf_counter()
        response = self._server.call("Read", request)
        elapsed = time.perf_counter() - started

        outputs = ds.from_struct(response.properties)
        function_arn = outputs["scaling_groups"][workload.GROUP]["provider"]["function_arn"]
        if response.id != resource.id or function_arn != self._servers.worker.version_arn:
            raise RuntimeError(f"Read of {resource.id} returned {response.id!r}, {function_arn}")
        return elapsed

    def delete(self, index: int) -> float:
        resource = self._resources.pop(index)
        request = ds.delete_request(resource.name, resource.id, resource.outputs)

        started = time.perf_counter()
        self._server.call("Delete", request)
        return time.perf_counter() - started


class Direct:
    """Sends the provider's RPCs with `TemporalClient`, which shares one channel per process."""

    def __init__(
        self, label: str, servers: LocalServers, *, reads_of: Direct | None = None
    ) -> None:
        """Use a new channel per operation, or with `reads_of` only read, on one open channel,
        the versions that another `Direct` created. Only a fast RPC shows the cost of a new
        channel, and timing the slow ones again would add minutes to the run."""

        self.label = label
        self.operations = ("read",) if reads_of is not None else OPERATIONS
        self._servers = servers
        self._client = TemporalClient(servers.settings) if reads_of is not None else None
        worker = servers.worker
        self._groups = workload.encoded_groups(worker, worker.function_arn)
        self._new_groups = workload.encoded_groups(worker, worker.version_arn)
        self._deployments: dict[int, str] = {} if reads_of is None else reads_of._deployments
        self.steps: dict[str, list[float]] = {}

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def _timed(self, action: Callable[[TemporalClient], None]) -> float:
        started = time.perf_counter()
        if self._client is not None:
            action(self._client)
        else:
            with TemporalClient(self._servers.settings) as client:
                action(client)
        return time.perf_counter() - started

    def create(self, index: int) -> float:
        deployment = workload.unique_deployment("crud-direct")
        self._deployments[index] = deployment
        return self._timed(
            lambda c: workload.direct_create(c, deployment, self._groups, self.steps)
        )

    def update(self, index: int) -> float:
        deployment = self._deployments[index]
        return self._timed(lambda c: workload.direct_update(c, deployment, self._new_groups))

    def read(self, index: int) -> float:
        deployment = self._deployments[index]
        return self._timed(lambda c: workload.direct_read(c, deployment))

    def delete(self, index: int) -> float:
        deployment = self._deployments.pop(index)
        return self._timed(lambda c: workload.direct_delete(c, deployment, self.steps))


class WithCli:
    """Makes the change with the `temporal` CLI, which cannot change a configuration."""

    def __init__(self, servers: LocalServers) -> None:
        self.label = "cli"
        self.operations = ("create", "read", "delete")
        self._servers = servers
        self._deployments: dict[int, str] = {}

    def create(self, index: int) -> float:
        deployment = workload.unique_deployment("crud-cli")
        self._deployments[index] = deployment
        started = time.perf_counter()
        workload.cli_create(self._servers.temporal, self._servers.worker, deployment)
        return time.perf_counter() - started

    def read(self, index: int) -> float:
        started = time.perf_counter()
        workload.cli_read(self._servers.temporal, self._deployments[index])
        return time.perf_counter() - started

    def delete(self, index: int) -> float:
        started = time.perf_counter()
        workload.cli_delete(self._servers.temporal, self._deployments.pop(index))
        return time.perf_counter() - started


Subject = ThroughProvider | Direct | WithCli


def measure(
    servers: LocalServers, state_dir: Path, env: dict[str, str], samples: int
) -> tuple[list[Row], list[str], float]:
    """Time every operation `samples` times per subject.

    Returns table rows, detail lines, and the median seconds of a direct create.
    """

    server = ds.DynamicServer.start(
        cwd=state_dir,
        stderr_path=state_dir / "crud-provider.stderr",
        env=env,
        stack_config=servers.stack_config,
    )
    direct_new = Direct("direct-new-channel", servers)
    direct_open = Direct("direct-open-channel", servers, reads_of=direct_new)
    subjects: list[Subject] = [
        ThroughProvider("provider", server, servers, aws_check=False),
        ThroughProvider("provider-aws-check", server, servers, aws_check=True),
        direct_new,
        direct_open,
        WithCli(servers),
    ]
    times: dict[str, dict[str, list[float]]] = {
        s.label: {op: [] for op in OPERATIONS} for s in subjects
    }
    try:
        for operation in OPERATIONS:
            in_process: list[Subject] = [s for s in subjects if not isinstance(s, WithCli)]
            cli: list[Subject] = [s for s in subjects if isinstance(s, WithCli)]
            for group in (in_process, cli):
                _take_turns(group, operation, samples, times)
    finally:
        direct_open.close()
        server.stop()
    direct_create = median(times["direct-new-channel"]["create"])
    return _rows(times, samples), _details(times, direct_new.steps), direct_create


def _take_turns(
    subjects: list[Subject], operation: str, samples: int, times: dict[str, dict[str, list[float]]]
) -> None:
    """Run one untimed round and then `samples` timed rounds of `operation`, in turns."""

    for index in [WARM_UP, *range(samples)]:
        turn = [s for s in subjects if operation in s.operations]
        if not turn:
            return
        shift = max(index, 0) % len(turn)
        for subject in turn[shift:] + turn[:shift]:
            elapsed = getattr(subject, operation)(index)
            if index != WARM_UP:
                times[subject.label][operation].append(elapsed)


def _rows(times: dict[str, dict[str, list[float]]], samples: int) -> list[Row]:
    rows: list[Row] = []
    for operation in OPERATIONS:
        provider = median(times["provider"][operation])
        direct = median(times["direct-new-channel"][operation])
        figure = f"{operation} through the provider server (median of {samples})"
        rows.append(
            Row(
                figure,
                ms(provider),
                f"same RPCs with TemporalClient: {ms(direct)}",
                ratio(provider, direct),
                f"≤ {TARGET_RATIO_TO_DIRECT}x",
                verdict(provider <= TARGET_RATIO_TO_DIRECT * direct),
            )
        )
        if times["cli"][operation]:
            cli = median(times["cli"][operation])
            rows.append(
                Row(
                    figure,
                    ms(provider),
                    f"temporal CLI: {ms(cli)}",
                    ratio(provider, cli),
                    "< 1x",
                    verdict(provider < cli),
                )
            )
        else:
            rows.append(
                Row(
                    figure,
                    ms(provider),
                    "temporal CLI: cannot change a configuration",
                    "n/a",
                    "< 1x",
                    INFO,
                )
            )
        if times["direct-open-channel"][operation]:
            opened = median(times["direct-open-channel"][operation])
            rows.append(
                Row(
                    figure,
                    ms(provider),
                    f"same RPCs, one TemporalClient for all reads: {ms(opened)}",
                    ratio(provider, opened),
                    "(for information)",
                    INFO,
                )
            )
        if times["provider-aws-check"][operation]:
            checked = median(times["provider-aws-check"][operation])
            rows.append(
                Row(
                    f"{operation} through the provider server, AWS pre-check on (default)",
                    ms(checked),
                    f"same RPCs with TemporalClient: {ms(direct)}",
                    ratio(checked, direct),
                    "(for information)",
                    INFO,
                )
            )
    return rows


def _details(times: dict[str, dict[str, list[float]]], steps: dict[str, list[float]]) -> list[str]:
    lines = []
    for label, by_operation in times.items():
        for operation, values in by_operation.items():
            if values:
                lines.append(f"{operation:<6} {label:<20} {spread(values)}")
    lines.append("RPCs of the direct create and delete, one by one (warm-up round included):")
    lines.extend(f"  {rpc:<50} {spread(values)}" for rpc, values in steps.items())
    return lines
