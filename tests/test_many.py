"""A hundred versions at once against one server, and the per-namespace limit past them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import lambda_inputs, unique_name

from pulumi_temporal_compute.client import TemporalClient
from pulumi_temporal_compute.connection import ConnectionSettings
from pulumi_temporal_compute.provider import ComputeConfigProvider
from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker
from pulumi_temporal_compute.testing.engine import EngineSession, ProviderError, ProviderProcess
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer

VERSIONS = 100
PARALLELISM = 10  # `pulumi up`'s default is unbounded; 10 is a common --parallel value


@pytest.fixture(scope="module")
def limited_server(session_dir: Path, aws: AwsEmulator) -> Iterator[TemporalDevServer]:
    """A server with the default limit of 100 configured versions per namespace."""

    with TemporalDevServer.start(session_dir / "many", aws) as server:
        yield server


def test_hundred_versions_then_limit(
    tmp_path: Path, limited_server: TemporalDevServer, aws: AwsEmulator, worker: LambdaWorker
) -> None:
    deployments = [unique_name("many") for _ in range(VERSIONS // 10)]
    with ProviderProcess.start(
        cwd=tmp_path,
        log_dir=tmp_path / "logs",
        project="tests",
        # Parallel creates meet the server's per-deployment rate limit. On a loaded 2-CPU
        # machine the default 30 s of retries may not be enough for all of them.
        stack_config={
            "temporal:address": limited_server.address,
            "temporal:retryTimeoutSeconds": "120",
        },
        env=aws.aws_env(),
    ) as process:
        session = EngineSession(process, ComputeConfigProvider())

        def create(index: int) -> str:
            # Ten versions in each of ten deployments, as in a stack of several services.
            deployment = deployments[index % len(deployments)]
            inputs = lambda_inputs(worker, deployment_name=deployment, build_id=f"b{index}")
            return session.up(f"v{index}", inputs).operation

        started = time.monotonic()
        with ThreadPoolExecutor(PARALLELISM) as pool:
            operations = list(pool.map(create, range(VERSIONS)))
        print(
            f"{VERSIONS} creates with parallelism {PARALLELISM}: {time.monotonic() - started:.1f} s"
        )

        assert operations == ["create"] * VERSIONS
        with pytest.raises(ProviderError) as failed:
            create(VERSIONS)

    message = failed.value.message
    assert "already has 100 Worker Deployment Versions with a compute configuration" in message
    assert "workercontroller.maxInstances" in message
    settings = ConnectionSettings(address=limited_server.address)
    with TemporalClient(settings) as client:
        assert client.count_configured_versions() == VERSIONS
