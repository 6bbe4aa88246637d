"""The resource users declare: `WorkerDeploymentVersionComputeConfig`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_temporal_compute import model
from pulumi_temporal_compute.provider import ComputeConfigProvider


@dataclass
class ConnectionArgs:
    """How to reach Temporal. Unset fields come from stack config, then `TEMPORAL_*` variables."""

    address: pulumi.Input[str] | None = None
    """host:port of the Temporal frontend, e.g. `my-ns.a1b2c.tmprl.cloud:7233`."""
    api_key: pulumi.Input[str] | None = None
    """Temporal Cloud API key. Stored as a secret; prefer stack config `temporal:apiKey`."""
    tls: pulumi.Input[bool] | None = None
    """Use TLS. Defaults to on when an API key or any TLS setting is given."""
    tls_server_ca_cert_path: pulumi.Input[str] | None = None
    tls_server_ca_cert_data: pulumi.Input[str] | None = None
    tls_client_cert_path: pulumi.Input[str] | None = None
    tls_client_cert_data: pulumi.Input[str] | None = None
    tls_client_key_path: pulumi.Input[str] | None = None
    tls_client_key_data: pulumi.Input[str] | None = None
    """PEM text of the client key. Stored as a secret."""
    tls_server_name: pulumi.Input[str] | None = None
    """Name to check the server certificate against, when it differs from the address host."""
    identity: pulumi.Input[str] | None = None
    """Identity recorded by Temporal as the last modifier. Defaults to `pulumi-temporal-compute`."""

    def to_props(self) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for name in (
            "address",
            "tls",
            "tls_server_ca_cert_path",
            "tls_server_ca_cert_data",
            "tls_client_cert_path",
            "tls_client_cert_data",
            "tls_client_key_path",
            "tls_server_name",
            "identity",
        ):
            value = getattr(self, name)
            if value is not None:
                props[name] = value
        for name in ("api_key", "tls_client_key_data"):
            value = getattr(self, name)
            if value is not None:
                props[name] = pulumi.Output.secret(value)
        return props


@dataclass
class AwsLambdaProviderArgs:
    """The `aws-lambda` compute provider: the function Temporal invokes and the role it assumes."""

    function_arn: pulumi.Input[str]
    """ARN of the function; qualify it with a version (`...:function:name:7`) for pinned workers."""
    role_arn: pulumi.Input[str]
    """IAM role Temporal assumes to invoke the function; its trust must require the external ID."""
    nexus_endpoint: pulumi.Input[str] | None = None

    def to_props(self) -> dict[str, Any]:
        props: dict[str, Any] = {
            "type": model.AWS_LAMBDA,
            "function_arn": self.function_arn,
            "role_arn": self.role_arn,
        }
        if self.nexus_endpoint is not None:
            props["nexus_endpoint"] = self.nexus_endpoint
        return props


@dataclass
class GcpCloudRunProviderArgs:
    """The `gcp-cloud-run` compute provider: a Cloud Run worker pool Temporal scales."""

    project: pulumi.Input[str]
    """GCP project ID that hosts the worker pool."""
    region: pulumi.Input[str]
    """Region of the worker pool, such as `us-central1`."""
    worker_pool: pulumi.Input[str]
    """Name of the Cloud Run worker pool."""
    service_account: pulumi.Input[str]
    """Service account Temporal impersonates to manage the pool."""
    nexus_endpoint: pulumi.Input[str] | None = None

    def to_props(self) -> dict[str, Any]:
        props: dict[str, Any] = {
            "type": model.GCP_CLOUD_RUN,
            "project": self.project,
            "region": self.region,
            "worker_pool": self.worker_pool,
            "service_account": self.service_account,
        }
        if self.nexus_endpoint is not None:
            props["nexus_endpoint"] = self.nexus_endpoint
        return props


@dataclass
class CustomProviderArgs:
    """Any other provider type the server enables, with its settings as a JSON object."""

    type: pulumi.Input[str]
    details: Mapping[str, Any] = field(default_factory=dict)
    """Provider settings, sent to the server as a json/plain payload."""
    nexus_endpoint: pulumi.Input[str] | None = None
    """Nexus endpoint that serves this provider, for providers implemented over Nexus."""

    def to_props(self) -> dict[str, Any]:
        props: dict[str, Any] = {"type": self.type, "details": dict(self.details)}
        if self.nexus_endpoint is not None:
            props["nexus_endpoint"] = self.nexus_endpoint
        return props


@dataclass
class NoSyncScalerArgs:
    """The `no-sync` scaler: start a worker when a task finds no poller. It has no settings."""

    def to_props(self) -> dict[str, Any]:
        return {"type": model.NO_SYNC}


@dataclass
class RateBasedScalerArgs:
    """The `rate-based` scaler. The three counts go together; the server defaults to 0/30/0/0.8."""

    min_count: pulumi.Input[int] | None = None
    max_count: pulumi.Input[int] | None = None
    """At least 1."""
    initial_count: pulumi.Input[int] | None = None
    """Between min_count and max_count."""
    utilization_target: pulumi.Input[float] | None = None
    """Fraction of worker capacity to aim for, in (0, 1]."""

    def to_props(self) -> dict[str, Any]:
        props: dict[str, Any] = {"type": model.RATE_BASED}
        for name in ("min_count", "max_count", "initial_count", "utilization_target"):
            value = getattr(self, name)
            if value is not None:
                props[name] = value
        return props


@dataclass
class CustomScalerArgs:
    """Any other scaler type the server enables, with its settings as a JSON object."""

    type: pulumi.Input[str]
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_props(self) -> dict[str, Any]:
        return {"type": self.type, "details": dict(self.details)}


ProviderArgs = AwsLambdaProviderArgs | GcpCloudRunProviderArgs | CustomProviderArgs
ScalerArgs = NoSyncScalerArgs | RateBasedScalerArgs | CustomScalerArgs


@dataclass
class ScalingGroupArgs:
    """One scaling group: which task queue types it serves, its provider and its scaler."""

    provider: ProviderArgs
    task_queue_types: Sequence[str] = ()
    """`workflow`, `activity`, `nexus`; empty means every type no other group claims."""
    scaler: ScalerArgs = field(default_factory=NoSyncScalerArgs)

    def to_props(self) -> dict[str, Any]:
        return {
            "task_queue_types": list(self.task_queue_types),
            "provider": self.provider.to_props(),
            "scaler": self.scaler.to_props(),
        }


@dataclass
class WorkerDeploymentVersionComputeConfigArgs:
    """Inputs of `WorkerDeploymentVersionComputeConfig`.

    Give either `aws_lambda` (one scaling group named `scaling_group_name`) or
    `scaling_groups` (several groups keyed by name).
    """

    deployment_name: pulumi.Input[str]
    """Worker Deployment name. Changing it replaces the resource."""
    build_id: pulumi.Input[str]
    """Build ID of the Worker Deployment Version. Changing it replaces the resource."""
    external_id: pulumi.Input[str] | None = None
    """sts:ExternalId the invoke role requires; 5-45 characters of [A-Za-z0-9_+=,.@-]. Secret."""
    aws_lambda: AwsLambdaProviderArgs | None = None
    scaling_group_name: str = model.DEFAULT_SCALING_GROUP
    task_queue_types: Sequence[str] = ()
    scaling_groups: Mapping[str, ScalingGroupArgs] | None = None
    namespace: pulumi.Input[str] | None = None
    """Temporal namespace; defaults to the connection's. Changing it replaces the resource."""
    connection: ConnectionArgs | None = None
    skip_drainage: pulumi.Input[bool] | None = None
    """On delete, delete the version even while it is draining. Defaults to false."""
    validate_on_preview: pulumi.Input[bool] | None = None
    """Ask the server to validate changed scaling groups of an existing version during
    `pulumi preview`. Defaults to true; an unreachable server is then only a warning."""
    check_aws_resources: pulumi.Input[bool] | None = None
    """Before asking Temporal, check each Lambda function and role with your own AWS
    credentials (boto3's default chain). Defaults to true."""

    def to_props(self) -> dict[str, Any]:
        if (self.aws_lambda is None) == (self.scaling_groups is None):
            raise ValueError(
                "WorkerDeploymentVersionComputeConfigArgs: set exactly one of `aws_lambda` "
                "and `scaling_groups`."
            )
        if self.scaling_groups is not None:
            groups = {name: group.to_props() for name, group in self.scaling_groups.items()}
        else:
            assert self.aws_lambda is not None
            groups = {
                self.scaling_group_name: ScalingGroupArgs(
                    provider=self.aws_lambda, task_queue_types=self.task_queue_types
                ).to_props()
            }
        props: dict[str, Any] = {
            "namespace": self.namespace,
            "deployment_name": self.deployment_name,
            "build_id": self.build_id,
            "scaling_groups": groups,
            "external_id": pulumi.Output.secret(self.external_id)
            if self.external_id is not None
            else None,
            "connection": self.connection.to_props() if self.connection else None,
            "skip_drainage": self.skip_drainage,
            "validate_on_preview": self.validate_on_preview,
            "check_aws_resources": self.check_aws_resources,
        }
        return props


class WorkerDeploymentVersionComputeConfig(pulumi.dynamic.Resource):
    """The compute configuration of one Temporal Worker Deployment Version.

    Creating it creates the Worker Deployment (if missing) and the Version with
    its compute configuration; deleting it removes the configuration and the
    Version it created.
    """

    namespace: pulumi.Output[str]
    deployment_name: pulumi.Output[str]
    build_id: pulumi.Output[str]
    scaling_groups: pulumi.Output[dict[str, Any]]
    external_id: pulumi.Output[str]
    version_created: pulumi.Output[bool]
    deployment_created: pulumi.Output[bool]
    schema_version: pulumi.Output[int]
    status: pulumi.Output[str | None]
    """The version's status as of the last refresh: inactive, current, ramping, draining, ..."""

    def __init__(
        self,
        resource_name: str,
        args: WorkerDeploymentVersionComputeConfigArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = args.to_props()
        for name in ("version_created", "deployment_created", "schema_version", "status"):
            props[name] = None
        secret_outputs = pulumi.ResourceOptions(
            additional_secret_outputs=["external_id", "connection"]
        )
        super().__init__(
            ComputeConfigProvider(),
            resource_name,
            props,
            pulumi.ResourceOptions.merge(secret_outputs, opts),
        )
