"""`LambdaWorker`: a Temporal serverless worker on AWS Lambda, its IAM roles and compute config.

This is the only module of the package that imports `pulumi_aws` (and, when it
generates an external ID, `pulumi_random`). The dynamic provider process never
imports it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from pulumi_temporal_compute import model
from pulumi_temporal_compute.aws import policies
from pulumi_temporal_compute.resource import (
    AwsLambdaProviderArgs,
    ConnectionArgs,
    WorkerDeploymentVersionComputeConfig,
    WorkerDeploymentVersionComputeConfigArgs,
)

__all__ = [
    "ENV_API_KEY",
    "ENV_API_KEY_SECRET_ARN",
    "ENV_BUILD_ID",
    "ENV_DEPLOYMENT_NAME",
    "TEMPORAL_CLOUD_PRINCIPALS",
    "InvokeRole",
    "LambdaWorker",
    "LambdaWorkerArgs",
    "create_invoke_role",
]

# The roles Temporal Cloud assumes to invoke a serverless worker, as published in the
# trust policy of Temporal's CloudFormation template for Lambda workers
# (https://docs.temporal.io/production-deployment/worker-deployments/serverless-workers/aws-lambda,
# section "Configure IAM for Temporal invocation"). IAM rejects a trust policy that names a
# role that does not exist, so a stale entry here makes role creation fail.
TEMPORAL_CLOUD_PRINCIPALS: tuple[str, ...] = (
    "arn:aws:iam::902542641901:role/wci-lambda-invoke",
    "arn:aws:iam::160190466495:role/wci-lambda-invoke",
    "arn:aws:iam::819232936619:role/wci-lambda-invoke",
    "arn:aws:iam::829909441867:role/wci-lambda-invoke",
    "arn:aws:iam::354116250941:role/wci-lambda-invoke",
)

# Environment variables the component sets on the function besides the standard
# TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TEMPORAL_TASK_QUEUE that `temporalio.envconfig`
# and `temporalio.contrib.aws.lambda_worker` read. The worker code reads these itself.
ENV_DEPLOYMENT_NAME = "TEMPORAL_DEPLOYMENT_NAME"
ENV_BUILD_ID = "TEMPORAL_BUILD_ID"
ENV_API_KEY = "TEMPORAL_API_KEY"
ENV_API_KEY_SECRET_ARN = "TEMPORAL_API_KEY_SECRET_ARN"

_BASIC_EXECUTION_POLICY = "policy/service-role/AWSLambdaBasicExecutionRole"
_EXTERNAL_ID_LENGTH = 32


@dataclass
class LambdaWorkerArgs:
    """Inputs of `LambdaWorker`. Give exactly one of `code` and `image_uri`."""

    deployment_name: pulumi.Input[str]
    """Worker Deployment name. The function gets it in `TEMPORAL_DEPLOYMENT_NAME`."""
    build_id: pulumi.Input[str]
    """Build ID of the Worker Deployment Version, in `TEMPORAL_BUILD_ID`. Change it with the code:
    a new build ID creates a new Version before the old one is deleted."""
    task_queue: pulumi.Input[str]
    """Task queue the worker polls, passed in `TEMPORAL_TASK_QUEUE`."""
    namespace: pulumi.Input[str]
    """Temporal namespace of the worker and of the compute configuration."""
    address: pulumi.Input[str] | None = None
    """host:port the worker connects to (`TEMPORAL_ADDRESS`). Defaults to `connection.address`."""
    code: pulumi.Input[pulumi.Archive] | None = None
    """Function code as an archive, for example `pulumi.FileArchive("./worker")`."""
    image_uri: pulumi.Input[str] | None = None
    """Container image URI in ECR; the function is then of package type `Image`."""
    handler: pulumi.Input[str] = "handler.lambda_handler"
    """`module.function` of the handler that `run_worker` returned. Ignored for images."""
    runtime: pulumi.Input[str] = "python3.12"
    """Lambda runtime. Ignored for images."""
    timeout: pulumi.Input[int] = 600
    """Invocation timeout in seconds. The worker stops polling 7 s before it (temporalio 1.35)."""
    memory_size: pulumi.Input[int] = 512
    """Memory of the function in MB."""
    layers: Sequence[pulumi.Input[str]] = ()
    """ARNs of Lambda layer versions, for example one that contains `temporalio` and its
    dependencies. Ignored for images."""
    architectures: Sequence[pulumi.Input[str]] | None = None
    """`["x86_64"]` (the AWS default) or `["arm64"]`; must match compiled dependencies."""
    function_name: pulumi.Input[str] | None = None
    """Physical function name. Defaults to a name Pulumi generates from the resource name."""
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """More environment variables, for example `TEMPORAL_TLS_*`. They override the ones set here."""
    api_key_secret_arn: pulumi.Input[str] | None = None
    """Secrets Manager secret whose string value is the Temporal API key. Preferred."""
    api_key: pulumi.Input[str] | None = None
    """Temporal API key as a plain environment variable; a Pulumi secret in the stack."""
    extra_policy_arns: Sequence[pulumi.Input[str]] = ()
    """Managed policies to attach to the execution role, for what activities call."""
    temporal_principals: Sequence[pulumi.Input[str]] = TEMPORAL_CLOUD_PRINCIPALS
    """AWS principals allowed to assume the invoke role. Defaults to Temporal Cloud's roles;
    for a self-hosted server give the ARN of the role or user the server runs as."""
    external_id: pulumi.Input[str] | None = None
    """sts:ExternalId of the invoke role, 5-45 characters of [A-Za-z0-9_+=,.@-]. Stored as a
    secret. Without it a 32-character random ID is generated once and kept in the stack."""
    connection: ConnectionArgs | None = None
    """Connection settings Pulumi uses to write the compute configuration."""
    task_queue_types: Sequence[str] = ()
    """Task queue types this function serves: `workflow`, `activity`, `nexus`; empty means all."""
    scaling_group_name: str = model.DEFAULT_SCALING_GROUP
    """Name of the scaling group in the compute configuration."""
    skip_drainage: pulumi.Input[bool] | None = None
    """Delete the old Version even while it is draining, when a new build ID replaces it."""
    tags: Mapping[str, pulumi.Input[str]] | None = None
    """Tags for the function and both roles."""

    def validate(self) -> None:
        """Raise ValueError when the inputs contradict each other."""

        if (self.code is None) == (self.image_uri is None):
            raise ValueError("LambdaWorkerArgs: set exactly one of `code` and `image_uri`.")
        if self.api_key is not None and self.api_key_secret_arn is not None:
            raise ValueError(
                "LambdaWorkerArgs: set at most one of `api_key_secret_arn` and `api_key`, "
                "preferably `api_key_secret_arn`."
            )
        if self.address is None and (self.connection is None or self.connection.address is None):
            raise ValueError(
                "LambdaWorkerArgs: the Temporal address is missing. Set `address` or "
                "`connection.address`."
            )
        if not self.temporal_principals:
            raise ValueError(
                "LambdaWorkerArgs: `temporal_principals` is empty. Leave it unset for Temporal "
                "Cloud, or give the ARN of the role a self-hosted server runs as."
            )


@dataclass(frozen=True)
class InvokeRole:
    """The role Temporal assumes to invoke a function, and the inline policy that grants it."""

    role: aws.iam.Role
    policy: aws.iam.RolePolicy


def create_invoke_role(
    name: str,
    function_arn: pulumi.Input[str],
    temporal_principals: Sequence[pulumi.Input[str]],
    external_id: pulumi.Input[str],
    opts: pulumi.ResourceOptions | None = None,
    tags: Mapping[str, pulumi.Input[str]] | None = None,
) -> InvokeRole:
    """Create the invoke role: trusted by `temporal_principals` with the external ID, allowed
    to get and invoke `function_arn` (any of its versions) and nothing else.

    Make the compute configuration depend on `InvokeRole.policy`, so that Temporal validates
    the configuration only after the role has its permissions.
    """

    trust = pulumi.Output.all(pulumi.Output.all(*temporal_principals), external_id).apply(
        lambda values: json.dumps(policies.invoke_role_trust_policy(values[0], values[1]))
    )
    role = aws.iam.Role(
        f"{name}-invoke",
        assume_role_policy=trust,
        description="Assumed by Temporal to invoke a serverless worker function.",
        tags=tags,
        opts=opts,
    )
    permissions = pulumi.Output.from_input(function_arn).apply(
        lambda arn: json.dumps(policies.invoke_role_permissions(arn))
    )
    policy = aws.iam.RolePolicy(
        f"{name}-invoke",
        role=role.id,
        policy=permissions,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(parent=role)),
    )
    return InvokeRole(role=role, policy=policy)


def _secret_read_policy(secret_arn: str) -> str:
    return json.dumps(
        {
            "Version": policies.POLICY_VERSION,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["secretsmanager:GetSecretValue"],
                    "Resource": secret_arn,
                }
            ],
        }
    )


def _checked_external_id(value: str) -> str:
    failures: list[model.Failure] = []
    model.check_external_id(value, "external_id", failures)
    if failures:
        raise ValueError("LambdaWorkerArgs.external_id: " + " ".join(f.reason for f in failures))
    return value


def _managed_policy_arn(role_arn: str, policy_path: str) -> str:
    # The partition (aws, aws-cn, aws-us-gov) is the second field of any ARN.
    partition = role_arn.split(":")[1]
    return f"arn:{partition}:iam::aws:{policy_path}"


class LambdaWorker(pulumi.ComponentResource):
    """A Temporal serverless worker: Lambda function, execution role, invoke role, compute config.

    Every change of the function's code or configuration publishes a new Lambda version, and
    the compute configuration points at that *qualified* version ARN. An unqualified ARN
    would run `$LATEST`, so workflows pinned to an older build ID would run newer code.

    The API key: with `api_key_secret_arn`, the function gets only the secret's ARN in
    `TEMPORAL_API_KEY_SECRET_ARN` and the execution role may read that one secret, so the key
    never appears in the function configuration or the stack. The worker code fetches it at
    start (see the `aws-lambda-worker` example). With `api_key`, the key is set as
    `TEMPORAL_API_KEY`, which `temporalio.envconfig` reads directly. It is a secret in the
    stack, but anyone allowed `lambda:GetFunctionConfiguration` can read it.
    """

    function: aws.lambda_.Function
    execution_role: aws.iam.Role
    invoke_role: aws.iam.Role
    invoke_role_policy: aws.iam.RolePolicy
    compute_config: WorkerDeploymentVersionComputeConfig
    function_arn: pulumi.Output[str]
    """Unqualified ARN of the function."""
    function_version_arn: pulumi.Output[str]
    """Qualified ARN of the published version that the compute configuration uses."""
    execution_role_arn: pulumi.Output[str]
    invoke_role_arn: pulumi.Output[str]
    external_id: pulumi.Output[str]
    """The invoke role's sts:ExternalId. Secret."""
    compute_config_id: pulumi.Output[str]
    """`<namespace>/<deployment name>/<build id>`."""

    def __init__(
        self,
        name: str,
        args: LambdaWorkerArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("temporal-compute:aws:LambdaWorker", name, None, opts)
        args.validate()
        child = pulumi.ResourceOptions(parent=self)

        self.execution_role = aws.iam.Role(
            f"{name}-execution",
            assume_role_policy=json.dumps(policies.lambda_execution_trust_policy()),
            description="Execution role of a Temporal serverless worker function.",
            tags=args.tags,
            opts=child,
        )
        role_grants = self._grant_execution_role(name, args)
        self.function = self._create_function(name, args, role_grants)

        self.external_id = self._external_id(name, args)
        invoke = create_invoke_role(
            name,
            self.function.arn,
            args.temporal_principals,
            self.external_id,
            opts=child,
            tags=args.tags,
        )
        self.invoke_role = invoke.role
        self.invoke_role_policy = invoke.policy

        # No delete_before_replace: when the build ID changes, the new Version is created
        # before the old one is deleted. The provider also returns delete_before_replace=False.
        self.compute_config = WorkerDeploymentVersionComputeConfig(
            name,
            WorkerDeploymentVersionComputeConfigArgs(
                deployment_name=args.deployment_name,
                build_id=args.build_id,
                external_id=self.external_id,
                aws_lambda=AwsLambdaProviderArgs(
                    function_arn=self.function.qualified_arn,
                    role_arn=self.invoke_role.arn,
                ),
                scaling_group_name=args.scaling_group_name,
                task_queue_types=args.task_queue_types,
                namespace=args.namespace,
                connection=args.connection,
                skip_drainage=args.skip_drainage,
            ),
            # IAM changes take a few seconds to reach STS, and Temporal assumes the role at
            # once; the provider retries meanwhile (temporal:iamPropagationTimeoutSeconds).
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.invoke_role_policy]),
        )

        self.function_arn = self.function.arn
        self.function_version_arn = self.function.qualified_arn
        self.execution_role_arn = self.execution_role.arn
        self.invoke_role_arn = self.invoke_role.arn
        self.compute_config_id = self.compute_config.id
        self.register_outputs(
            {
                "function_arn": self.function_arn,
                "function_version_arn": self.function_version_arn,
                "execution_role_arn": self.execution_role_arn,
                "invoke_role_arn": self.invoke_role_arn,
                "external_id": self.external_id,
                "compute_config_id": self.compute_config_id,
            }
        )

    def _grant_execution_role(self, name: str, args: LambdaWorkerArgs) -> list[pulumi.Resource]:
        child = pulumi.ResourceOptions(parent=self.execution_role)
        grants: list[pulumi.Resource] = [
            aws.iam.RolePolicyAttachment(
                f"{name}-logs",
                role=self.execution_role.name,
                policy_arn=self.execution_role.arn.apply(
                    lambda arn: _managed_policy_arn(arn, _BASIC_EXECUTION_POLICY)
                ),
                opts=child,
            )
        ]
        for index, policy_arn in enumerate(args.extra_policy_arns):
            grants.append(
                aws.iam.RolePolicyAttachment(
                    f"{name}-extra-{index}",
                    role=self.execution_role.name,
                    policy_arn=policy_arn,
                    opts=child,
                )
            )
        if args.api_key_secret_arn is not None:
            # NOTE: a secret encrypted with a customer managed KMS key also needs
            # kms:Decrypt on that key; add it through `extra_policy_arns`.
            grants.append(
                aws.iam.RolePolicy(
                    f"{name}-api-key",
                    role=self.execution_role.id,
                    policy=pulumi.Output.from_input(args.api_key_secret_arn).apply(
                        _secret_read_policy
                    ),
                    opts=child,
                )
            )
        return grants

    def _environment(self, args: LambdaWorkerArgs) -> dict[str, pulumi.Input[str]]:
        address = args.address
        if address is None and args.connection is not None:
            address = args.connection.address
        assert address is not None  # validate() checked it
        variables: dict[str, pulumi.Input[str]] = {
            "TEMPORAL_ADDRESS": address,
            "TEMPORAL_NAMESPACE": args.namespace,
            "TEMPORAL_TASK_QUEUE": args.task_queue,
            ENV_DEPLOYMENT_NAME: args.deployment_name,
            ENV_BUILD_ID: args.build_id,
        }
        if args.api_key_secret_arn is not None:
            variables[ENV_API_KEY_SECRET_ARN] = args.api_key_secret_arn
        if args.api_key is not None:
            variables[ENV_API_KEY] = pulumi.Output.secret(args.api_key)
        variables.update(args.environment)
        return variables

    def _create_function(
        self, name: str, args: LambdaWorkerArgs, role_grants: Sequence[pulumi.Resource]
    ) -> aws.lambda_.Function:
        image: dict[str, Any]
        if args.image_uri is not None:
            image = {"package_type": "Image", "image_uri": args.image_uri}
        else:
            image = {
                "package_type": "Zip",
                "code": args.code,
                "handler": args.handler,
                "runtime": args.runtime,
                "layers": list(args.layers) or None,
            }
        options = pulumi.ResourceOptions(
            parent=self,
            # The role needs its log and secret permissions before the first invocation.
            depends_on=list(role_grants),
            additional_secret_outputs=["environment"] if args.api_key is not None else None,
        )
        return aws.lambda_.Function(
            f"{name}-function",
            name=args.function_name,
            role=self.execution_role.arn,
            publish=True,
            timeout=args.timeout,
            memory_size=args.memory_size,
            architectures=args.architectures,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=self._environment(args)),
            tags=args.tags,
            opts=options,
            **image,
        )

    def _external_id(self, name: str, args: LambdaWorkerArgs) -> pulumi.Output[str]:
        if args.external_id is not None:
            # Checked here, because the invoke role is created before the compute
            # configuration's own check would see the value.
            return pulumi.Output.secret(args.external_id).apply(_checked_external_id)
        try:
            import pulumi_random
        except ImportError as error:
            raise ImportError(
                "LambdaWorker generates the external ID with pulumi-random, which is not "
                "installed: install `pulumi-temporal-compute[aws]` or set `external_id`."
            ) from error
        # The inputs never change, so the engine keeps the first result for the life of
        # the stack. The characters are a subset of the ones IAM allows in an external ID.
        generated = pulumi_random.RandomPassword(
            f"{name}-external-id",
            length=_EXTERNAL_ID_LENGTH,
            special=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return pulumi.Output.secret(generated.result)
