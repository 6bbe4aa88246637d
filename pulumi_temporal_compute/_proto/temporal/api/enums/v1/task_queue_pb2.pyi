from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class TaskQueueType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TASK_QUEUE_TYPE_UNSPECIFIED: _ClassVar[TaskQueueType]
    TASK_QUEUE_TYPE_WORKFLOW: _ClassVar[TaskQueueType]
    TASK_QUEUE_TYPE_ACTIVITY: _ClassVar[TaskQueueType]
    TASK_QUEUE_TYPE_NEXUS: _ClassVar[TaskQueueType]

class RoutingConfigUpdateState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROUTING_CONFIG_UPDATE_STATE_UNSPECIFIED: _ClassVar[RoutingConfigUpdateState]
    ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS: _ClassVar[RoutingConfigUpdateState]
    ROUTING_CONFIG_UPDATE_STATE_COMPLETED: _ClassVar[RoutingConfigUpdateState]
TASK_QUEUE_TYPE_UNSPECIFIED: TaskQueueType
TASK_QUEUE_TYPE_WORKFLOW: TaskQueueType
TASK_QUEUE_TYPE_ACTIVITY: TaskQueueType
TASK_QUEUE_TYPE_NEXUS: TaskQueueType
ROUTING_CONFIG_UPDATE_STATE_UNSPECIFIED: RoutingConfigUpdateState
ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS: RoutingConfigUpdateState
ROUTING_CONFIG_UPDATE_STATE_COMPLETED: RoutingConfigUpdateState
