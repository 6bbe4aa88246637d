"""Attach a Temporal compute configuration to a Lambda function that already exists.

The function must run a worker for `deploymentName`/`buildId` (for example one built with
`temporalio.contrib.aws.lambda_worker`). This program creates only the role Temporal
assumes to invoke it and the Worker Deployment Version's compute configuration.

    pulumi config set temporal:address my-ns.a1b2c.tmprl.cloud:7233
    pulumi config set temporal:namespace my-ns.a1b2c
    pulumi config set --secret temporal:apiKey ...
    pulumi config set functionVersionArn arn:aws:lambda:us-east-1:123456789012:function:worker:7
    pulumi config set deploymentName orders
    pulumi config set buildId build-7
    pulumi config set --secret externalId "$(openssl rand -hex 16)"   # optional
"""

from __future__ import annotations

import pulumi
import pulumi_random

from pulumi_temporal_compute.aws import policies
from pulumi_temporal_compute.aws.lambda_worker import (
    TEMPORAL_CLOUD_PRINCIPALS,
    create_invoke_role,
)
from pulumi_temporal_compute.resource import (
    AwsLambdaProviderArgs,
    WorkerDeploymentVersionComputeConfig,
    WorkerDeploymentVersionComputeConfigArgs,
)

config = pulumi.Config()

function_version_arn = config.require("functionVersionArn")
if policies.unqualified_function_arn(function_version_arn) == function_version_arn:
    raise ValueError(
        f"functionVersionArn {function_version_arn!r} has no version: an unqualified ARN runs "
        "$LATEST. Publish a version and set its ARN, ending in ':<version>'."
    )

server_role_arn = config.get("temporalServerRoleArn") or ""
external_id = config.get_secret("externalId")
if external_id is None:
    # Generated once and kept in the stack, because its inputs never change.
    external_id = pulumi.Output.secret(
        pulumi_random.RandomPassword("external-id", length=32, special=False).result
    )

invoke = create_invoke_role(
    "worker",
    function_version_arn,
    [server_role_arn] if server_role_arn else TEMPORAL_CLOUD_PRINCIPALS,
    external_id,
)

compute_config = WorkerDeploymentVersionComputeConfig(
    "worker",
    WorkerDeploymentVersionComputeConfigArgs(
        deployment_name=config.require("deploymentName"),
        build_id=config.require("buildId"),
        external_id=external_id,
        aws_lambda=AwsLambdaProviderArgs(
            function_arn=function_version_arn, role_arn=invoke.role.arn
        ),
    ),
    # Temporal assumes the role while it validates the configuration, so the role's
    # permissions must exist first.
    opts=pulumi.ResourceOptions(depends_on=[invoke.policy]),
)

pulumi.export("invoke_role_arn", invoke.role.arn)
pulumi.export("compute_config_id", compute_config.id)
