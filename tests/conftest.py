"""Shared fixtures: one AWS emulator, one Temporal dev server and Lambda workers for a session.

Every server listens on 127.0.0.1 only and is stopped by its own process id
when the session ends.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_temporal_compute.client import TemporalClient
from pulumi_temporal_compute.connection import ConnectionSettings
from pulumi_temporal_compute.provider import ComputeConfigProvider
from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker, create_lambda_worker
from pulumi_temporal_compute.testing.engine import EngineSession, ProviderProcess
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer

# Everything the tests start inherits this environment. The AWS SDKs then use dummy
# credentials and never look for the cloud metadata service; the `aws` fixture adds
# the emulator's endpoint. No test reaches AWS itself.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_REGION="us-east-1",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_EC2_METADATA_DISABLED="true",
    AWS_CONFIG_FILE=os.devnull,
    AWS_SHARED_CREDENTIALS_FILE=os.devnull,
)
for _name in [name for name in os.environ if name.startswith("TEMPORAL_")]:
    del os.environ[_name]


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("servers")


@pytest.fixture(scope="session")
def aws(session_dir: Path) -> Iterator[AwsEmulator]:
    with AwsEmulator.start(session_dir / "aws") as emulator:
        os.environ["AWS_ENDPOINT_URL"] = emulator.endpoint_url
        yield emulator


@pytest.fixture(scope="session")
def temporal(session_dir: Path, aws: AwsEmulator) -> Iterator[TemporalDevServer]:
    # Many tests leave configured versions behind; the default limit of 100 per
    # namespace (workercontroller.maxInstances) would make later ones fail.
    with TemporalDevServer.start(
        session_dir / "temporal",
        aws,
        extra_dynamic_config={"workercontroller.maxInstances": "1000"},
    ) as server:
        yield server


@pytest.fixture(scope="session")
def make_worker(aws: AwsEmulator) -> Callable[..., LambdaWorker]:
    """Create a Lambda function with its roles under a fresh name."""

    def make(*, enforce_external_id: bool = True) -> LambdaWorker:
        name = f"fn-{uuid.uuid4().hex[:10]}"
        external_id = "ext-" + secrets.token_hex(10)
        return create_lambda_worker(aws, name, external_id, enforce_external_id=enforce_external_id)

    return make


@pytest.fixture(scope="session")
def worker(make_worker: Callable[..., LambdaWorker]) -> LambdaWorker:
    return make_worker()


@pytest.fixture
def provider_process(
    tmp_path: Path, temporal: TemporalDevServer, aws: AwsEmulator
) -> Iterator[ProviderProcess]:
    """A fresh `python -m pulumi.dynamic` process whose stack config points at the dev server."""

    with ProviderProcess.start(
        cwd=tmp_path,
        log_dir=tmp_path / "provider",
        project="tests",
        stack_config={"temporal:address": temporal.address},
        env=aws.aws_env(),
    ) as process:
        yield process


@pytest.fixture
def engine(provider_process: ProviderProcess) -> EngineSession:
    return EngineSession(provider_process, ComputeConfigProvider())


@pytest.fixture
def client(temporal: TemporalDevServer) -> Iterator[TemporalClient]:
    """A direct client, to look at the server from outside the provider."""

    settings = ConnectionSettings(address=temporal.address, namespace=temporal.namespace)
    with TemporalClient(settings) as direct:
        yield direct


def unique_name(prefix: str) -> str:
    # Temporal Server 1.32 cannot give a deployment name and build ID a compute
    # configuration again once it was removed, so every test uses new names.
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def lambda_inputs(
    worker: LambdaWorker,
    *,
    deployment_name: str,
    build_id: str = "b1",
    function_arn: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Resource inputs as `WorkerDeploymentVersionComputeConfigArgs.to_props` produces them."""

    inputs: dict[str, Any] = {
        "deployment_name": deployment_name,
        "build_id": build_id,
        "external_id": worker.external_id,
        "scaling_groups": {
            "default": {
                "task_queue_types": [],
                "provider": {
                    "type": "aws-lambda",
                    "function_arn": function_arn or worker.function_arn,
                    "role_arn": worker.invoke_role_arn,
                },
                "scaler": {"type": "no-sync"},
            }
        },
    }
    inputs.update(extra)
    return inputs
