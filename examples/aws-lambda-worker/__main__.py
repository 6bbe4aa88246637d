"""A Temporal serverless worker on AWS Lambda.

Before `pulumi up`, build the layer that contains the worker's dependencies:

    pip install --target build/layer/python --platform manylinux2014_x86_64 \
        --python-version 3.12 --only-binary=:all: -r worker/requirements.txt

Stack configuration:

    pulumi config set temporal:address my-ns.a1b2c.tmprl.cloud:7233
    pulumi config set temporal:namespace my-ns.a1b2c
    pulumi config set --secret temporal:apiKey ...   # used by Pulumi to write the configuration
    pulumi config set buildId build-1
    pulumi config set apiKeySecretArn arn:aws:secretsmanager:...   # used by the worker

Pulumi reaches Temporal with the `temporal:*` settings. The worker gets the same address
and namespace through its environment, and its API key from the Secrets Manager secret.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws

from pulumi_temporal_compute.aws.lambda_worker import (
    TEMPORAL_CLOUD_PRINCIPALS,
    LambdaWorker,
    LambdaWorkerArgs,
)
from pulumi_temporal_compute.resource import ConnectionArgs

PROGRAM_DIR = Path(__file__).resolve().parent
LAYER_DIR = PROGRAM_DIR / "build" / "layer"
RUNTIME = "python3.12"

config = pulumi.Config()
temporal = pulumi.Config("temporal")

address = temporal.require("address")
namespace = temporal.require("namespace")
server_role_arn = config.get("temporalServerRoleArn") or ""

if not (LAYER_DIR / "python").is_dir():
    raise RuntimeError(
        f"{LAYER_DIR / 'python'} is missing: build the dependency layer first with the pip "
        "command in this program's docstring."
    )

dependencies = aws.lambda_.LayerVersion(
    "worker-dependencies",
    layer_name=f"{pulumi.get_project()}-{pulumi.get_stack()}-dependencies",
    code=pulumi.FileArchive(str(LAYER_DIR)),
    compatible_runtimes=[RUNTIME],
)

worker = LambdaWorker(
    "greetings",
    LambdaWorkerArgs(
        deployment_name=config.get("deploymentName") or "greetings",
        build_id=config.require("buildId"),
        task_queue=config.get("taskQueue") or "greetings",
        namespace=namespace,
        address=address,
        # The archive keeps the `worker` package folder, so the handler is `worker.handler...`.
        code=pulumi.AssetArchive({"worker": pulumi.FileArchive(str(PROGRAM_DIR / "worker"))}),
        handler="worker.handler.lambda_handler",
        runtime=RUNTIME,
        layers=[dependencies.arn],
        api_key_secret_arn=config.get("apiKeySecretArn") or None,
        temporal_principals=[server_role_arn] if server_role_arn else TEMPORAL_CLOUD_PRINCIPALS,
        connection=ConnectionArgs(address=address),
    ),
)

pulumi.export("function_version_arn", worker.function_version_arn)
pulumi.export("invoke_role_arn", worker.invoke_role_arn)
pulumi.export("compute_config_id", worker.compute_config_id)
pulumi.export("external_id", worker.external_id)
