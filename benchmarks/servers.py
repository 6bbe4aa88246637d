"""The local servers of a benchmark run: the AWS emulator and a Temporal dev server.

Both listen on 127.0.0.1 only and are stopped by their own process ids when the
run ends, also when it fails or is interrupted with Ctrl-C.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from pulumi_temporal_compute.connection import ConnectionSettings
from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker, create_lambda_worker
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer

# Temporal Server 1.32 allows 100 Worker Deployments per namespace
# (`matching.maxDeployments`) and keeps at most 100 worker controller instances, one
# per configured version, per namespace (`workercontroller.maxInstances`, defined in
# temporal-auto-scaled-workers). A run creates about 400 deployments, each with one
# configured version, and deleted ones may still count, so the benchmark server
# allows more of both.
SERVER_LIMITS = {"matching.maxDeployments": "2000", "workercontroller.maxInstances": "2000"}

# Dummy AWS settings for this process and every process it starts, set before any
# AWS SDK loads, so that nothing reaches AWS or a cloud metadata address. The
# emulator's endpoint is added once it runs.
DUMMY_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


@dataclass(frozen=True)
class LocalServers:
    """The running servers and the Lambda function that every measured version uses."""

    aws: AwsEmulator
    temporal: TemporalDevServer
    worker: LambdaWorker

    @property
    def settings(self) -> ConnectionSettings:
        return ConnectionSettings(address=self.temporal.address, namespace=self.temporal.namespace)

    @property
    def stack_config(self) -> dict[str, str]:
        """Stack config of every provider process: only the server's address."""

        return {"temporal:address": self.temporal.address}


def isolate_environment() -> None:
    """Drop TEMPORAL_* settings and set dummy AWS credentials in this process's environment."""

    for name in [name for name in os.environ if name.startswith(("TEMPORAL_", "AWS_"))]:
        del os.environ[name]
    os.environ.update(DUMMY_AWS_ENVIRONMENT)


@contextmanager
def local_servers(state_dir: Path) -> Iterator[LocalServers]:
    """Start the emulator and the dev server, create one Lambda worker, and stop both at exit."""

    isolate_environment()
    with ExitStack() as stack:
        aws = AwsEmulator.start(state_dir / "aws")
        stack.callback(aws.stop)
        os.environ["AWS_ENDPOINT_URL"] = aws.endpoint_url
        temporal = TemporalDevServer.start(
            state_dir / "temporal",
            aws,
            extra_dynamic_config=SERVER_LIMITS,
        )
        stack.callback(temporal.stop)
        worker = create_lambda_worker(aws, "bench-worker", "bench-" + secrets.token_hex(8))
        yield LocalServers(aws=aws, temporal=temporal, worker=worker)
