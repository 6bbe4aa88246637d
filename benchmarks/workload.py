"""Resource inputs, and the same server changes made without the provider.

`direct_*` send the RPCs that `ComputeConfigProvider` sends for each operation,
in the same order, through `TemporalClient`; `cli_*` make the same change with
the `temporal` CLI. Both are the references the provider is compared with.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from pulumi_temporal_compute import model
from pulumi_temporal_compute.client import GroupUpdate, TemporalClient, request_id
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer

BUILD_ID = "b1"
T = TypeVar("T")
# RPC name -> seconds of each call.
Steps = dict[str, list[float]]
GROUP = "default"


def unique_deployment(prefix: str) -> str:
    # Temporal Server 1.32 cannot configure a deployment name and build ID again once
    # its configuration was removed, so every measured create uses a new name.
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def resource_inputs(
    worker: LambdaWorker,
    deployment_name: str,
    *,
    function_arn: str | None = None,
    check_aws_resources: bool | None = False,
) -> dict[str, Any]:
    """Return inputs as `WorkerDeploymentVersionComputeConfigArgs.to_props` builds them.

    `check_aws_resources=False` skips the provider's own AWS look-ups, so the provider
    sends exactly the Temporal RPCs of the direct reference. None leaves the input out,
    which turns the look-ups on, as for a user who does not set it.
    """

    inputs: dict[str, Any] = {
        "deployment_name": deployment_name,
        "build_id": BUILD_ID,
        "external_id": worker.external_id,
        "scaling_groups": {
            GROUP: {
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
    if check_aws_resources is not None:
        inputs["check_aws_resources"] = check_aws_resources
    return inputs


def encoded_groups(worker: LambdaWorker, function_arn: str) -> dict[str, model.EncodedGroup]:
    inputs = model.normalize_inputs(resource_inputs(worker, "unused", function_arn=function_arn))
    return {
        name: model.encode_group(group, worker.external_id)
        for name, group in inputs["scaling_groups"].items()
    }


def _step(steps: Steps | None, name: str, action: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = action()
    if steps is not None:
        steps.setdefault(name, []).append(time.perf_counter() - started)
    return result


def direct_create(
    client: TemporalClient,
    deployment: str,
    groups: dict[str, model.EncodedGroup],
    steps: Steps | None = None,
) -> None:
    """Create the deployment and the configured version with the provider's three RPCs.

    With `steps`, the seconds of each RPC are appended under its name.
    """

    namespace = client.settings.namespace
    _step(steps, "create: DescribeNamespace", client.describe_namespace)
    _step(
        steps,
        "create: CreateWorkerDeployment",
        lambda: client.create_deployment(
            deployment, request_id("bench-deployment", namespace, deployment, BUILD_ID)
        ),
    )
    _step(
        steps,
        "create: CreateWorkerDeploymentVersion",
        lambda: client.create_version(
            deployment, BUILD_ID, groups, request_id("bench-version", namespace, deployment)
        ),
    )


def direct_update(
    client: TemporalClient, deployment: str, new_groups: dict[str, model.EncodedGroup]
) -> None:
    """Change the function of the group with the provider's masked update."""

    upserts = {
        name: GroupUpdate(group, ("provider.details",)) for name, group in new_groups.items()
    }
    client.update_compute_config(
        deployment,
        BUILD_ID,
        upserts,
        (),
        request_id("bench-update", client.settings.namespace, deployment),
    )


def direct_read(client: TemporalClient, deployment: str) -> None:
    client.describe_version(deployment, BUILD_ID)


def direct_delete(client: TemporalClient, deployment: str, steps: Steps | None = None) -> None:
    """Delete the version (its configuration goes with it), then the deployment, as the
    provider does for a version it created."""

    _step(
        steps,
        "delete: DeleteWorkerDeploymentVersion",
        lambda: client.delete_version(deployment, BUILD_ID, skip_drainage=False),
    )
    _step(steps, "delete: DeleteWorkerDeployment", lambda: client.delete_deployment(deployment))


def _cli(server: TemporalDevServer, *args: str) -> None:
    result = server.cli("worker", "deployment", *args)
    if result.returncode != 0:
        raise RuntimeError(
            f"temporal worker deployment {args[0]} failed with exit code {result.returncode}: "
            f"{result.stderr.strip()}"
        )


def cli_create(server: TemporalDevServer, worker: LambdaWorker, deployment: str) -> None:
    """Create the deployment, then the version with its Lambda configuration (two CLI runs)."""

    _cli(server, "create", "--name", deployment)
    _cli(
        server,
        "create-version",
        "--deployment-name",
        deployment,
        "--build-id",
        BUILD_ID,
        "--aws-lambda-function-arn",
        worker.function_arn,
        "--aws-lambda-assume-role-arn",
        worker.invoke_role_arn,
        "--aws-lambda-assume-role-external-id",
        worker.external_id,
    )


def cli_read(server: TemporalDevServer, deployment: str) -> None:
    _cli(server, "describe-version", "--deployment-name", deployment, "--build-id", BUILD_ID)


def cli_delete(server: TemporalDevServer, deployment: str) -> None:
    """Delete the version (with its configuration), then the deployment (two CLI runs)."""

    _cli(server, "delete-version", "--deployment-name", deployment, "--build-id", BUILD_ID)
    _cli(server, "delete", "--name", deployment)
