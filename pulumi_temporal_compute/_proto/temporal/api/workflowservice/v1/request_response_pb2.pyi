import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from pulumi_temporal_compute._proto.temporal.api.compute.v1 import config_pb2 as _config_pb2
from pulumi_temporal_compute._proto.temporal.api.deployment.v1 import message_pb2 as _message_pb2
from pulumi_temporal_compute._proto.temporal.api.enums.v1 import task_queue_pb2 as _task_queue_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetSystemInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetSystemInfoResponse(_message.Message):
    __slots__ = ("server_version", "capabilities")
    class Capabilities(_message.Message):
        __slots__ = ("signal_and_query_header", "internal_error_differentiation", "activity_failure_include_heartbeat", "supports_schedules", "encoded_failure_attributes", "build_id_based_versioning", "upsert_memo", "eager_workflow_start", "sdk_metadata", "count_group_by_execution_status", "nexus", "server_scaled_deployments", "server_scaled_provider_cloud_run")
        SIGNAL_AND_QUERY_HEADER_FIELD_NUMBER: _ClassVar[int]
        INTERNAL_ERROR_DIFFERENTIATION_FIELD_NUMBER: _ClassVar[int]
        ACTIVITY_FAILURE_INCLUDE_HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
        SUPPORTS_SCHEDULES_FIELD_NUMBER: _ClassVar[int]
        ENCODED_FAILURE_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
        BUILD_ID_BASED_VERSIONING_FIELD_NUMBER: _ClassVar[int]
        UPSERT_MEMO_FIELD_NUMBER: _ClassVar[int]
        EAGER_WORKFLOW_START_FIELD_NUMBER: _ClassVar[int]
        SDK_METADATA_FIELD_NUMBER: _ClassVar[int]
        COUNT_GROUP_BY_EXECUTION_STATUS_FIELD_NUMBER: _ClassVar[int]
        NEXUS_FIELD_NUMBER: _ClassVar[int]
        SERVER_SCALED_DEPLOYMENTS_FIELD_NUMBER: _ClassVar[int]
        SERVER_SCALED_PROVIDER_CLOUD_RUN_FIELD_NUMBER: _ClassVar[int]
        signal_and_query_header: bool
        internal_error_differentiation: bool
        activity_failure_include_heartbeat: bool
        supports_schedules: bool
        encoded_failure_attributes: bool
        build_id_based_versioning: bool
        upsert_memo: bool
        eager_workflow_start: bool
        sdk_metadata: bool
        count_group_by_execution_status: bool
        nexus: bool
        server_scaled_deployments: bool
        server_scaled_provider_cloud_run: bool
        def __init__(self, signal_and_query_header: _Optional[bool] = ..., internal_error_differentiation: _Optional[bool] = ..., activity_failure_include_heartbeat: _Optional[bool] = ..., supports_schedules: _Optional[bool] = ..., encoded_failure_attributes: _Optional[bool] = ..., build_id_based_versioning: _Optional[bool] = ..., upsert_memo: _Optional[bool] = ..., eager_workflow_start: _Optional[bool] = ..., sdk_metadata: _Optional[bool] = ..., count_group_by_execution_status: _Optional[bool] = ..., nexus: _Optional[bool] = ..., server_scaled_deployments: _Optional[bool] = ..., server_scaled_provider_cloud_run: _Optional[bool] = ...) -> None: ...
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    server_version: str
    capabilities: GetSystemInfoResponse.Capabilities
    def __init__(self, server_version: _Optional[str] = ..., capabilities: _Optional[_Union[GetSystemInfoResponse.Capabilities, _Mapping]] = ...) -> None: ...

class DescribeNamespaceRequest(_message.Message):
    __slots__ = ("namespace", "id", "weak_consistency")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    WEAK_CONSISTENCY_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    id: str
    weak_consistency: bool
    def __init__(self, namespace: _Optional[str] = ..., id: _Optional[str] = ..., weak_consistency: _Optional[bool] = ...) -> None: ...

class DescribeNamespaceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateWorkerDeploymentRequest(_message.Message):
    __slots__ = ("namespace", "deployment_name", "identity", "request_id")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    deployment_name: str
    identity: str
    request_id: str
    def __init__(self, namespace: _Optional[str] = ..., deployment_name: _Optional[str] = ..., identity: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateWorkerDeploymentResponse(_message.Message):
    __slots__ = ("conflict_token",)
    CONFLICT_TOKEN_FIELD_NUMBER: _ClassVar[int]
    conflict_token: bytes
    def __init__(self, conflict_token: _Optional[bytes] = ...) -> None: ...

class DescribeWorkerDeploymentRequest(_message.Message):
    __slots__ = ("namespace", "deployment_name")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    deployment_name: str
    def __init__(self, namespace: _Optional[str] = ..., deployment_name: _Optional[str] = ...) -> None: ...

class DescribeWorkerDeploymentResponse(_message.Message):
    __slots__ = ("conflict_token", "worker_deployment_info")
    CONFLICT_TOKEN_FIELD_NUMBER: _ClassVar[int]
    WORKER_DEPLOYMENT_INFO_FIELD_NUMBER: _ClassVar[int]
    conflict_token: bytes
    worker_deployment_info: _message_pb2.WorkerDeploymentInfo
    def __init__(self, conflict_token: _Optional[bytes] = ..., worker_deployment_info: _Optional[_Union[_message_pb2.WorkerDeploymentInfo, _Mapping]] = ...) -> None: ...

class DeleteWorkerDeploymentRequest(_message.Message):
    __slots__ = ("namespace", "deployment_name", "identity")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    deployment_name: str
    identity: str
    def __init__(self, namespace: _Optional[str] = ..., deployment_name: _Optional[str] = ..., identity: _Optional[str] = ...) -> None: ...

class DeleteWorkerDeploymentResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateWorkerDeploymentVersionRequest(_message.Message):
    __slots__ = ("namespace", "deployment_version", "compute_config", "identity", "request_id")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_CONFIG_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    deployment_version: _message_pb2.WorkerDeploymentVersion
    compute_config: _config_pb2.ComputeConfig
    identity: str
    request_id: str
    def __init__(self, namespace: _Optional[str] = ..., deployment_version: _Optional[_Union[_message_pb2.WorkerDeploymentVersion, _Mapping]] = ..., compute_config: _Optional[_Union[_config_pb2.ComputeConfig, _Mapping]] = ..., identity: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateWorkerDeploymentVersionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DescribeWorkerDeploymentVersionRequest(_message.Message):
    __slots__ = ("namespace", "version", "deployment_version", "report_task_queue_stats")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    REPORT_TASK_QUEUE_STATS_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    version: str
    deployment_version: _message_pb2.WorkerDeploymentVersion
    report_task_queue_stats: bool
    def __init__(self, namespace: _Optional[str] = ..., version: _Optional[str] = ..., deployment_version: _Optional[_Union[_message_pb2.WorkerDeploymentVersion, _Mapping]] = ..., report_task_queue_stats: _Optional[bool] = ...) -> None: ...

class DescribeWorkerDeploymentVersionResponse(_message.Message):
    __slots__ = ("worker_deployment_version_info", "version_task_queues")
    class VersionTaskQueue(_message.Message):
        __slots__ = ("name", "type")
        NAME_FIELD_NUMBER: _ClassVar[int]
        TYPE_FIELD_NUMBER: _ClassVar[int]
        name: str
        type: _task_queue_pb2.TaskQueueType
        def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[_task_queue_pb2.TaskQueueType, str]] = ...) -> None: ...
    WORKER_DEPLOYMENT_VERSION_INFO_FIELD_NUMBER: _ClassVar[int]
    VERSION_TASK_QUEUES_FIELD_NUMBER: _ClassVar[int]
    worker_deployment_version_info: _message_pb2.WorkerDeploymentVersionInfo
    version_task_queues: _containers.RepeatedCompositeFieldContainer[DescribeWorkerDeploymentVersionResponse.VersionTaskQueue]
    def __init__(self, worker_deployment_version_info: _Optional[_Union[_message_pb2.WorkerDeploymentVersionInfo, _Mapping]] = ..., version_task_queues: _Optional[_Iterable[_Union[DescribeWorkerDeploymentVersionResponse.VersionTaskQueue, _Mapping]]] = ...) -> None: ...

class DeleteWorkerDeploymentVersionRequest(_message.Message):
    __slots__ = ("namespace", "version", "deployment_version", "skip_drainage", "identity")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    SKIP_DRAINAGE_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    version: str
    deployment_version: _message_pb2.WorkerDeploymentVersion
    skip_drainage: bool
    identity: str
    def __init__(self, namespace: _Optional[str] = ..., version: _Optional[str] = ..., deployment_version: _Optional[_Union[_message_pb2.WorkerDeploymentVersion, _Mapping]] = ..., skip_drainage: _Optional[bool] = ..., identity: _Optional[str] = ...) -> None: ...

class DeleteWorkerDeploymentVersionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateWorkerDeploymentVersionComputeConfigRequest(_message.Message):
    __slots__ = ("namespace", "deployment_version", "compute_config_scaling_groups", "remove_compute_config_scaling_groups", "identity", "request_id")
    class ComputeConfigScalingGroupsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _config_pb2.ComputeConfigScalingGroupUpdate
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_config_pb2.ComputeConfigScalingGroupUpdate, _Mapping]] = ...) -> None: ...
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_CONFIG_SCALING_GROUPS_FIELD_NUMBER: _ClassVar[int]
    REMOVE_COMPUTE_CONFIG_SCALING_GROUPS_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    deployment_version: _message_pb2.WorkerDeploymentVersion
    compute_config_scaling_groups: _containers.MessageMap[str, _config_pb2.ComputeConfigScalingGroupUpdate]
    remove_compute_config_scaling_groups: _containers.RepeatedScalarFieldContainer[str]
    identity: str
    request_id: str
    def __init__(self, namespace: _Optional[str] = ..., deployment_version: _Optional[_Union[_message_pb2.WorkerDeploymentVersion, _Mapping]] = ..., compute_config_scaling_groups: _Optional[_Mapping[str, _config_pb2.ComputeConfigScalingGroupUpdate]] = ..., remove_compute_config_scaling_groups: _Optional[_Iterable[str]] = ..., identity: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateWorkerDeploymentVersionComputeConfigResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ValidateWorkerDeploymentVersionComputeConfigRequest(_message.Message):
    __slots__ = ("namespace", "deployment_version", "compute_config_scaling_groups", "remove_compute_config_scaling_groups", "identity")
    class ComputeConfigScalingGroupsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _config_pb2.ComputeConfigScalingGroupUpdate
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_config_pb2.ComputeConfigScalingGroupUpdate, _Mapping]] = ...) -> None: ...
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_CONFIG_SCALING_GROUPS_FIELD_NUMBER: _ClassVar[int]
    REMOVE_COMPUTE_CONFIG_SCALING_GROUPS_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    deployment_version: _message_pb2.WorkerDeploymentVersion
    compute_config_scaling_groups: _containers.MessageMap[str, _config_pb2.ComputeConfigScalingGroupUpdate]
    remove_compute_config_scaling_groups: _containers.RepeatedScalarFieldContainer[str]
    identity: str
    def __init__(self, namespace: _Optional[str] = ..., deployment_version: _Optional[_Union[_message_pb2.WorkerDeploymentVersion, _Mapping]] = ..., compute_config_scaling_groups: _Optional[_Mapping[str, _config_pb2.ComputeConfigScalingGroupUpdate]] = ..., remove_compute_config_scaling_groups: _Optional[_Iterable[str]] = ..., identity: _Optional[str] = ...) -> None: ...

class ValidateWorkerDeploymentVersionComputeConfigResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SetWorkerDeploymentCurrentVersionRequest(_message.Message):
    __slots__ = ("namespace", "deployment_name", "version", "build_id", "conflict_token", "identity", "ignore_missing_task_queues", "allow_no_pollers")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    BUILD_ID_FIELD_NUMBER: _ClassVar[int]
    CONFLICT_TOKEN_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    IGNORE_MISSING_TASK_QUEUES_FIELD_NUMBER: _ClassVar[int]
    ALLOW_NO_POLLERS_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    deployment_name: str
    version: str
    build_id: str
    conflict_token: bytes
    identity: str
    ignore_missing_task_queues: bool
    allow_no_pollers: bool
    def __init__(self, namespace: _Optional[str] = ..., deployment_name: _Optional[str] = ..., version: _Optional[str] = ..., build_id: _Optional[str] = ..., conflict_token: _Optional[bytes] = ..., identity: _Optional[str] = ..., ignore_missing_task_queues: _Optional[bool] = ..., allow_no_pollers: _Optional[bool] = ...) -> None: ...

class SetWorkerDeploymentCurrentVersionResponse(_message.Message):
    __slots__ = ("conflict_token", "previous_version", "previous_deployment_version")
    CONFLICT_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_VERSION_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_DEPLOYMENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    conflict_token: bytes
    previous_version: str
    previous_deployment_version: _message_pb2.WorkerDeploymentVersion
    def __init__(self, conflict_token: _Optional[bytes] = ..., previous_version: _Optional[str] = ..., previous_deployment_version: _Optional[_Union[_message_pb2.WorkerDeploymentVersion, _Mapping]] = ...) -> None: ...

class SetWorkerDeploymentRampingVersionRequest(_message.Message):
    __slots__ = ("namespace", "deployment_name", "version", "build_id", "percentage", "conflict_token", "identity", "ignore_missing_task_queues", "allow_no_pollers")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    BUILD_ID_FIELD_NUMBER: _ClassVar[int]
    PERCENTAGE_FIELD_NUMBER: _ClassVar[int]
    CONFLICT_TOKEN_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    IGNORE_MISSING_TASK_QUEUES_FIELD_NUMBER: _ClassVar[int]
    ALLOW_NO_POLLERS_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    deployment_name: str
    version: str
    build_id: str
    percentage: float
    conflict_token: bytes
    identity: str
    ignore_missing_task_queues: bool
    allow_no_pollers: bool
    def __init__(self, namespace: _Optional[str] = ..., deployment_name: _Optional[str] = ..., version: _Optional[str] = ..., build_id: _Optional[str] = ..., percentage: _Optional[float] = ..., conflict_token: _Optional[bytes] = ..., identity: _Optional[str] = ..., ignore_missing_task_queues: _Optional[bool] = ..., allow_no_pollers: _Optional[bool] = ...) -> None: ...

class SetWorkerDeploymentRampingVersionResponse(_message.Message):
    __slots__ = ("conflict_token", "previous_version", "previous_deployment_version", "previous_percentage")
    CONFLICT_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_VERSION_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_DEPLOYMENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_PERCENTAGE_FIELD_NUMBER: _ClassVar[int]
    conflict_token: bytes
    previous_version: str
    previous_deployment_version: _message_pb2.WorkerDeploymentVersion
    previous_percentage: float
    def __init__(self, conflict_token: _Optional[bytes] = ..., previous_version: _Optional[str] = ..., previous_deployment_version: _Optional[_Union[_message_pb2.WorkerDeploymentVersion, _Mapping]] = ..., previous_percentage: _Optional[float] = ...) -> None: ...

class ListWorkerDeploymentsRequest(_message.Message):
    __slots__ = ("namespace", "page_size", "next_page_token")
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    namespace: str
    page_size: int
    next_page_token: bytes
    def __init__(self, namespace: _Optional[str] = ..., page_size: _Optional[int] = ..., next_page_token: _Optional[bytes] = ...) -> None: ...

class ListWorkerDeploymentsResponse(_message.Message):
    __slots__ = ("next_page_token", "worker_deployments")
    class WorkerDeploymentSummary(_message.Message):
        __slots__ = ("name", "create_time", "routing_config", "latest_version_summary", "current_version_summary", "ramping_version_summary")
        NAME_FIELD_NUMBER: _ClassVar[int]
        CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
        ROUTING_CONFIG_FIELD_NUMBER: _ClassVar[int]
        LATEST_VERSION_SUMMARY_FIELD_NUMBER: _ClassVar[int]
        CURRENT_VERSION_SUMMARY_FIELD_NUMBER: _ClassVar[int]
        RAMPING_VERSION_SUMMARY_FIELD_NUMBER: _ClassVar[int]
        name: str
        create_time: _timestamp_pb2.Timestamp
        routing_config: _message_pb2.RoutingConfig
        latest_version_summary: _message_pb2.WorkerDeploymentInfo.WorkerDeploymentVersionSummary
        current_version_summary: _message_pb2.WorkerDeploymentInfo.WorkerDeploymentVersionSummary
        ramping_version_summary: _message_pb2.WorkerDeploymentInfo.WorkerDeploymentVersionSummary
        def __init__(self, name: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., routing_config: _Optional[_Union[_message_pb2.RoutingConfig, _Mapping]] = ..., latest_version_summary: _Optional[_Union[_message_pb2.WorkerDeploymentInfo.WorkerDeploymentVersionSummary, _Mapping]] = ..., current_version_summary: _Optional[_Union[_message_pb2.WorkerDeploymentInfo.WorkerDeploymentVersionSummary, _Mapping]] = ..., ramping_version_summary: _Optional[_Union[_message_pb2.WorkerDeploymentInfo.WorkerDeploymentVersionSummary, _Mapping]] = ...) -> None: ...
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    WORKER_DEPLOYMENTS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: bytes
    worker_deployments: _containers.RepeatedCompositeFieldContainer[ListWorkerDeploymentsResponse.WorkerDeploymentSummary]
    def __init__(self, next_page_token: _Optional[bytes] = ..., worker_deployments: _Optional[_Iterable[_Union[ListWorkerDeploymentsResponse.WorkerDeploymentSummary, _Mapping]]] = ...) -> None: ...
