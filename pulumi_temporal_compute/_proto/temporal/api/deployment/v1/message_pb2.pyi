import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from pulumi_temporal_compute._proto.temporal.api.compute.v1 import config_pb2 as _config_pb2
from pulumi_temporal_compute._proto.temporal.api.enums.v1 import deployment_pb2 as _deployment_pb2
from pulumi_temporal_compute._proto.temporal.api.enums.v1 import task_queue_pb2 as _task_queue_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WorkerDeploymentVersion(_message.Message):
    __slots__ = ("build_id", "deployment_name")
    BUILD_ID_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    build_id: str
    deployment_name: str
    def __init__(self, build_id: _Optional[str] = ..., deployment_name: _Optional[str] = ...) -> None: ...

class WorkerDeploymentVersionInfo(_message.Message):
    __slots__ = ("version", "status", "deployment_version", "deployment_name", "create_time", "routing_changed_time", "current_since_time", "ramping_since_time", "first_activation_time", "last_current_time", "last_deactivation_time", "ramp_percentage", "drainage_info", "compute_config", "last_modifier_identity")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    DEPLOYMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ROUTING_CHANGED_TIME_FIELD_NUMBER: _ClassVar[int]
    CURRENT_SINCE_TIME_FIELD_NUMBER: _ClassVar[int]
    RAMPING_SINCE_TIME_FIELD_NUMBER: _ClassVar[int]
    FIRST_ACTIVATION_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_CURRENT_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_DEACTIVATION_TIME_FIELD_NUMBER: _ClassVar[int]
    RAMP_PERCENTAGE_FIELD_NUMBER: _ClassVar[int]
    DRAINAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_CONFIG_FIELD_NUMBER: _ClassVar[int]
    LAST_MODIFIER_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    version: str
    status: _deployment_pb2.WorkerDeploymentVersionStatus
    deployment_version: WorkerDeploymentVersion
    deployment_name: str
    create_time: _timestamp_pb2.Timestamp
    routing_changed_time: _timestamp_pb2.Timestamp
    current_since_time: _timestamp_pb2.Timestamp
    ramping_since_time: _timestamp_pb2.Timestamp
    first_activation_time: _timestamp_pb2.Timestamp
    last_current_time: _timestamp_pb2.Timestamp
    last_deactivation_time: _timestamp_pb2.Timestamp
    ramp_percentage: float
    drainage_info: VersionDrainageInfo
    compute_config: _config_pb2.ComputeConfig
    last_modifier_identity: str
    def __init__(self, version: _Optional[str] = ..., status: _Optional[_Union[_deployment_pb2.WorkerDeploymentVersionStatus, str]] = ..., deployment_version: _Optional[_Union[WorkerDeploymentVersion, _Mapping]] = ..., deployment_name: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., routing_changed_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., current_since_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ramping_since_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_activation_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_current_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_deactivation_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ramp_percentage: _Optional[float] = ..., drainage_info: _Optional[_Union[VersionDrainageInfo, _Mapping]] = ..., compute_config: _Optional[_Union[_config_pb2.ComputeConfig, _Mapping]] = ..., last_modifier_identity: _Optional[str] = ...) -> None: ...

class VersionDrainageInfo(_message.Message):
    __slots__ = ("status", "last_changed_time", "last_checked_time")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LAST_CHANGED_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_CHECKED_TIME_FIELD_NUMBER: _ClassVar[int]
    status: _deployment_pb2.VersionDrainageStatus
    last_changed_time: _timestamp_pb2.Timestamp
    last_checked_time: _timestamp_pb2.Timestamp
    def __init__(self, status: _Optional[_Union[_deployment_pb2.VersionDrainageStatus, str]] = ..., last_changed_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_checked_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class WorkerDeploymentInfo(_message.Message):
    __slots__ = ("name", "version_summaries", "create_time", "routing_config", "last_modifier_identity", "manager_identity", "routing_config_update_state")
    class WorkerDeploymentVersionSummary(_message.Message):
        __slots__ = ("version", "status", "deployment_version", "create_time", "drainage_status", "drainage_info", "current_since_time", "ramping_since_time", "routing_update_time", "first_activation_time", "last_current_time", "last_deactivation_time", "compute_config")
        VERSION_FIELD_NUMBER: _ClassVar[int]
        STATUS_FIELD_NUMBER: _ClassVar[int]
        DEPLOYMENT_VERSION_FIELD_NUMBER: _ClassVar[int]
        CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
        DRAINAGE_STATUS_FIELD_NUMBER: _ClassVar[int]
        DRAINAGE_INFO_FIELD_NUMBER: _ClassVar[int]
        CURRENT_SINCE_TIME_FIELD_NUMBER: _ClassVar[int]
        RAMPING_SINCE_TIME_FIELD_NUMBER: _ClassVar[int]
        ROUTING_UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
        FIRST_ACTIVATION_TIME_FIELD_NUMBER: _ClassVar[int]
        LAST_CURRENT_TIME_FIELD_NUMBER: _ClassVar[int]
        LAST_DEACTIVATION_TIME_FIELD_NUMBER: _ClassVar[int]
        COMPUTE_CONFIG_FIELD_NUMBER: _ClassVar[int]
        version: str
        status: _deployment_pb2.WorkerDeploymentVersionStatus
        deployment_version: WorkerDeploymentVersion
        create_time: _timestamp_pb2.Timestamp
        drainage_status: _deployment_pb2.VersionDrainageStatus
        drainage_info: VersionDrainageInfo
        current_since_time: _timestamp_pb2.Timestamp
        ramping_since_time: _timestamp_pb2.Timestamp
        routing_update_time: _timestamp_pb2.Timestamp
        first_activation_time: _timestamp_pb2.Timestamp
        last_current_time: _timestamp_pb2.Timestamp
        last_deactivation_time: _timestamp_pb2.Timestamp
        compute_config: _config_pb2.ComputeConfigSummary
        def __init__(self, version: _Optional[str] = ..., status: _Optional[_Union[_deployment_pb2.WorkerDeploymentVersionStatus, str]] = ..., deployment_version: _Optional[_Union[WorkerDeploymentVersion, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., drainage_status: _Optional[_Union[_deployment_pb2.VersionDrainageStatus, str]] = ..., drainage_info: _Optional[_Union[VersionDrainageInfo, _Mapping]] = ..., current_since_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ramping_since_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., routing_update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., first_activation_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_current_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_deactivation_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., compute_config: _Optional[_Union[_config_pb2.ComputeConfigSummary, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_SUMMARIES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ROUTING_CONFIG_FIELD_NUMBER: _ClassVar[int]
    LAST_MODIFIER_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    MANAGER_IDENTITY_FIELD_NUMBER: _ClassVar[int]
    ROUTING_CONFIG_UPDATE_STATE_FIELD_NUMBER: _ClassVar[int]
    name: str
    version_summaries: _containers.RepeatedCompositeFieldContainer[WorkerDeploymentInfo.WorkerDeploymentVersionSummary]
    create_time: _timestamp_pb2.Timestamp
    routing_config: RoutingConfig
    last_modifier_identity: str
    manager_identity: str
    routing_config_update_state: _task_queue_pb2.RoutingConfigUpdateState
    def __init__(self, name: _Optional[str] = ..., version_summaries: _Optional[_Iterable[_Union[WorkerDeploymentInfo.WorkerDeploymentVersionSummary, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., routing_config: _Optional[_Union[RoutingConfig, _Mapping]] = ..., last_modifier_identity: _Optional[str] = ..., manager_identity: _Optional[str] = ..., routing_config_update_state: _Optional[_Union[_task_queue_pb2.RoutingConfigUpdateState, str]] = ...) -> None: ...

class RoutingConfig(_message.Message):
    __slots__ = ("current_deployment_version", "current_version", "ramping_deployment_version", "ramping_version", "ramping_version_percentage", "current_version_changed_time", "ramping_version_changed_time", "ramping_version_percentage_changed_time", "revision_number")
    CURRENT_DEPLOYMENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    CURRENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    RAMPING_DEPLOYMENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    RAMPING_VERSION_FIELD_NUMBER: _ClassVar[int]
    RAMPING_VERSION_PERCENTAGE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_VERSION_CHANGED_TIME_FIELD_NUMBER: _ClassVar[int]
    RAMPING_VERSION_CHANGED_TIME_FIELD_NUMBER: _ClassVar[int]
    RAMPING_VERSION_PERCENTAGE_CHANGED_TIME_FIELD_NUMBER: _ClassVar[int]
    REVISION_NUMBER_FIELD_NUMBER: _ClassVar[int]
    current_deployment_version: WorkerDeploymentVersion
    current_version: str
    ramping_deployment_version: WorkerDeploymentVersion
    ramping_version: str
    ramping_version_percentage: float
    current_version_changed_time: _timestamp_pb2.Timestamp
    ramping_version_changed_time: _timestamp_pb2.Timestamp
    ramping_version_percentage_changed_time: _timestamp_pb2.Timestamp
    revision_number: int
    def __init__(self, current_deployment_version: _Optional[_Union[WorkerDeploymentVersion, _Mapping]] = ..., current_version: _Optional[str] = ..., ramping_deployment_version: _Optional[_Union[WorkerDeploymentVersion, _Mapping]] = ..., ramping_version: _Optional[str] = ..., ramping_version_percentage: _Optional[float] = ..., current_version_changed_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ramping_version_changed_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ramping_version_percentage_changed_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revision_number: _Optional[int] = ...) -> None: ...
