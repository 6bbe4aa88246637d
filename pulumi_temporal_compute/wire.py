"""Temporal API messages and the WorkflowService client stub used by this package.

The classes come from ``pulumi_temporal_compute/_proto``, generated from ``protos/``,
a subset of Temporal's API with the same message names and field numbers. They live in
their own descriptor pool (``DESCRIPTOR_POOL``), so they coexist with the temporalio
SDK in one process. Messages serialize to the same bytes as temporalio's classes, but
the classes are distinct: convert between the two with ``SerializeToString`` and
``FromString``, never by passing one as a field of the other.

Well-known types used as fields (``FieldMask``, ``Timestamp``, ``Duration``) must be
the classes exported here, which belong to the same pool. Instances of
``google.protobuf.field_mask_pb2.FieldMask`` and the like are rejected with TypeError.
A dict works too: ``ComputeConfigScalingGroupUpdate(update_mask={"paths": ["provider"]})``.
"""

from __future__ import annotations

from typing import cast

from google.protobuf import duration_pb2, field_mask_pb2, message, message_factory, timestamp_pb2

from pulumi_temporal_compute._proto import DESCRIPTOR_POOL
from pulumi_temporal_compute._proto.temporal.api.common.v1 import message_pb2 as common_pb2
from pulumi_temporal_compute._proto.temporal.api.compute.v1 import (
    config_pb2 as compute_config_pb2,
)
from pulumi_temporal_compute._proto.temporal.api.compute.v1 import (
    provider_pb2 as compute_provider_pb2,
)
from pulumi_temporal_compute._proto.temporal.api.compute.v1 import (
    scaler_pb2 as compute_scaler_pb2,
)
from pulumi_temporal_compute._proto.temporal.api.deployment.v1 import (
    message_pb2 as deployment_pb2,
)
from pulumi_temporal_compute._proto.temporal.api.enums.v1 import (
    deployment_pb2 as deployment_enums_pb2,
)
from pulumi_temporal_compute._proto.temporal.api.enums.v1 import (
    task_queue_pb2 as task_queue_enums_pb2,
)
from pulumi_temporal_compute._proto.temporal.api.workflowservice.v1 import (
    request_response_pb2 as workflowservice_pb2,
)
from pulumi_temporal_compute._proto.temporal.api.workflowservice.v1 import (
    service_pb2 as workflowservice_service_pb2,
)
from pulumi_temporal_compute._proto.temporal.api.workflowservice.v1 import (
    service_pb2_grpc as workflowservice_grpc,
)


def _well_known_class(full_name: str) -> type[message.Message]:
    """Return the class of a well-known type as registered in DESCRIPTOR_POOL.

    protobuf keeps one class per descriptor, so this is the class that message fields
    of that type use. Its ``__module__`` is set to this module so that pickle finds it.
    """
    message_class = message_factory.GetMessageClass(
        DESCRIPTOR_POOL.FindMessageTypeByName(full_name)
    )
    message_class.__module__ = __name__
    return message_class


# NOTE: these classes are typed as the google.protobuf ones so that checkers know their
# fields and helpers (FromJsonString, GetCurrentTime and others). At run time they are
# separate classes, and isinstance() against the google.protobuf class returns False.
FieldMask = cast("type[field_mask_pb2.FieldMask]", _well_known_class("google.protobuf.FieldMask"))
Timestamp = cast("type[timestamp_pb2.Timestamp]", _well_known_class("google.protobuf.Timestamp"))
Duration = cast("type[duration_pb2.Duration]", _well_known_class("google.protobuf.Duration"))

# temporal.api.common.v1
Payload = common_pb2.Payload

# temporal.api.enums.v1
TaskQueueType = task_queue_enums_pb2.TaskQueueType
RoutingConfigUpdateState = task_queue_enums_pb2.RoutingConfigUpdateState
WorkerDeploymentVersionStatus = deployment_enums_pb2.WorkerDeploymentVersionStatus
VersionDrainageStatus = deployment_enums_pb2.VersionDrainageStatus

# temporal.api.compute.v1
ComputeConfig = compute_config_pb2.ComputeConfig
ComputeConfigScalingGroup = compute_config_pb2.ComputeConfigScalingGroup
ComputeConfigScalingGroupUpdate = compute_config_pb2.ComputeConfigScalingGroupUpdate
ComputeConfigSummary = compute_config_pb2.ComputeConfigSummary
ComputeConfigScalingGroupSummary = compute_config_pb2.ComputeConfigScalingGroupSummary
ComputeProvider = compute_provider_pb2.ComputeProvider
ComputeScaler = compute_scaler_pb2.ComputeScaler

# temporal.api.deployment.v1
WorkerDeploymentVersion = deployment_pb2.WorkerDeploymentVersion
WorkerDeploymentVersionInfo = deployment_pb2.WorkerDeploymentVersionInfo
WorkerDeploymentInfo = deployment_pb2.WorkerDeploymentInfo
VersionDrainageInfo = deployment_pb2.VersionDrainageInfo
RoutingConfig = deployment_pb2.RoutingConfig

# temporal.api.workflowservice.v1
GetSystemInfoRequest = workflowservice_pb2.GetSystemInfoRequest
GetSystemInfoResponse = workflowservice_pb2.GetSystemInfoResponse
DescribeNamespaceRequest = workflowservice_pb2.DescribeNamespaceRequest
DescribeNamespaceResponse = workflowservice_pb2.DescribeNamespaceResponse
CreateWorkerDeploymentRequest = workflowservice_pb2.CreateWorkerDeploymentRequest
CreateWorkerDeploymentResponse = workflowservice_pb2.CreateWorkerDeploymentResponse
DescribeWorkerDeploymentRequest = workflowservice_pb2.DescribeWorkerDeploymentRequest
DescribeWorkerDeploymentResponse = workflowservice_pb2.DescribeWorkerDeploymentResponse
DeleteWorkerDeploymentRequest = workflowservice_pb2.DeleteWorkerDeploymentRequest
DeleteWorkerDeploymentResponse = workflowservice_pb2.DeleteWorkerDeploymentResponse
ListWorkerDeploymentsRequest = workflowservice_pb2.ListWorkerDeploymentsRequest
ListWorkerDeploymentsResponse = workflowservice_pb2.ListWorkerDeploymentsResponse
CreateWorkerDeploymentVersionRequest = workflowservice_pb2.CreateWorkerDeploymentVersionRequest
CreateWorkerDeploymentVersionResponse = workflowservice_pb2.CreateWorkerDeploymentVersionResponse
DescribeWorkerDeploymentVersionRequest = workflowservice_pb2.DescribeWorkerDeploymentVersionRequest
DescribeWorkerDeploymentVersionResponse = (
    workflowservice_pb2.DescribeWorkerDeploymentVersionResponse
)
DeleteWorkerDeploymentVersionRequest = workflowservice_pb2.DeleteWorkerDeploymentVersionRequest
DeleteWorkerDeploymentVersionResponse = workflowservice_pb2.DeleteWorkerDeploymentVersionResponse
UpdateWorkerDeploymentVersionComputeConfigRequest = (
    workflowservice_pb2.UpdateWorkerDeploymentVersionComputeConfigRequest
)
UpdateWorkerDeploymentVersionComputeConfigResponse = (
    workflowservice_pb2.UpdateWorkerDeploymentVersionComputeConfigResponse
)
ValidateWorkerDeploymentVersionComputeConfigRequest = (
    workflowservice_pb2.ValidateWorkerDeploymentVersionComputeConfigRequest
)
ValidateWorkerDeploymentVersionComputeConfigResponse = (
    workflowservice_pb2.ValidateWorkerDeploymentVersionComputeConfigResponse
)
SetWorkerDeploymentCurrentVersionRequest = (
    workflowservice_pb2.SetWorkerDeploymentCurrentVersionRequest
)
SetWorkerDeploymentCurrentVersionResponse = (
    workflowservice_pb2.SetWorkerDeploymentCurrentVersionResponse
)
SetWorkerDeploymentRampingVersionRequest = (
    workflowservice_pb2.SetWorkerDeploymentRampingVersionRequest
)
SetWorkerDeploymentRampingVersionResponse = (
    workflowservice_pb2.SetWorkerDeploymentRampingVersionResponse
)

# Client for grpc.Channel and grpc.aio.Channel alike; each RPC is an attribute.
WorkflowServiceStub = workflowservice_grpc.WorkflowServiceStub
# Descriptor of the subset of temporal.api.workflowservice.v1.WorkflowService declared here.
WORKFLOW_SERVICE = workflowservice_service_pb2.DESCRIPTOR.services_by_name["WorkflowService"]

__all__ = [
    "DESCRIPTOR_POOL",
    "WORKFLOW_SERVICE",
    "ComputeConfig",
    "ComputeConfigScalingGroup",
    "ComputeConfigScalingGroupSummary",
    "ComputeConfigScalingGroupUpdate",
    "ComputeConfigSummary",
    "ComputeProvider",
    "ComputeScaler",
    "CreateWorkerDeploymentRequest",
    "CreateWorkerDeploymentResponse",
    "CreateWorkerDeploymentVersionRequest",
    "CreateWorkerDeploymentVersionResponse",
    "DeleteWorkerDeploymentRequest",
    "DeleteWorkerDeploymentResponse",
    "DeleteWorkerDeploymentVersionRequest",
    "DeleteWorkerDeploymentVersionResponse",
    "DescribeNamespaceRequest",
    "DescribeNamespaceResponse",
    "DescribeWorkerDeploymentRequest",
    "DescribeWorkerDeploymentResponse",
    "DescribeWorkerDeploymentVersionRequest",
    "DescribeWorkerDeploymentVersionResponse",
    "Duration",
    "FieldMask",
    "GetSystemInfoRequest",
    "GetSystemInfoResponse",
    "ListWorkerDeploymentsRequest",
    "ListWorkerDeploymentsResponse",
    "Payload",
    "RoutingConfig",
    "RoutingConfigUpdateState",
    "SetWorkerDeploymentCurrentVersionRequest",
    "SetWorkerDeploymentCurrentVersionResponse",
    "SetWorkerDeploymentRampingVersionRequest",
    "SetWorkerDeploymentRampingVersionResponse",
    "TaskQueueType",
    "Timestamp",
    "UpdateWorkerDeploymentVersionComputeConfigRequest",
    "UpdateWorkerDeploymentVersionComputeConfigResponse",
    "ValidateWorkerDeploymentVersionComputeConfigRequest",
    "ValidateWorkerDeploymentVersionComputeConfigResponse",
    "VersionDrainageInfo",
    "VersionDrainageStatus",
    "WorkerDeploymentInfo",
    "WorkerDeploymentVersion",
    "WorkerDeploymentVersionInfo",
    "WorkerDeploymentVersionStatus",
    "WorkflowServiceStub",
    "common_pb2",
    "compute_config_pb2",
    "compute_provider_pb2",
    "compute_scaler_pb2",
    "deployment_enums_pb2",
    "deployment_pb2",
    "task_queue_enums_pb2",
    "workflowservice_grpc",
    "workflowservice_pb2",
    "workflowservice_service_pb2",
]
