"""Compare the package's own .proto definitions with Temporal's, as shipped in temporalio.

protos/ declares a subset of Temporal's API. A subset stays compatible on the wire only
while each field it declares keeps Temporal's number, type, label and message or enum
type. These tests compare every one with the descriptors that the temporalio SDK
registers in protobuf's default pool.
"""

from __future__ import annotations

import filecmp
import importlib
import pkgutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import temporalio.api.workflowservice.v1.service_pb2  # noqa: F401  (registers every Temporal file)
from google.protobuf import descriptor, descriptor_pb2, descriptor_pool

import pulumi_temporal_compute._proto.temporal as generated_package
from pulumi_temporal_compute._proto import DESCRIPTOR_POOL

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GENERATOR = PROJECT_ROOT / "scripts" / "generate_protos.py"
GENERATED_DIR = PROJECT_ROOT / "pulumi_temporal_compute" / "_proto"
OFFICIAL_POOL = descriptor_pool.Default()
SCALAR_TYPE_NAMES: dict[int, str] = {
    number: name for name, number in descriptor_pb2.FieldDescriptorProto.Type.items()
}


def _import_generated_modules() -> list[descriptor.FileDescriptor]:
    """Import every generated module and return the .proto files they registered."""
    files: dict[str, descriptor.FileDescriptor] = {}
    prefix = generated_package.__name__ + "."
    for module_info in pkgutil.walk_packages(generated_package.__path__, prefix):
        module = importlib.import_module(module_info.name)
        if module_info.name.endswith("_pb2"):
            files[module.DESCRIPTOR.name] = module.DESCRIPTOR
    return [files[name] for name in sorted(files)]


OUR_FILES = _import_generated_modules()


def _walk_messages(messages: Iterable[descriptor.Descriptor]) -> Iterator[descriptor.Descriptor]:
    for message in messages:
        yield message
        yield from _walk_messages(message.nested_types)


def _walk_enums(file: descriptor.FileDescriptor) -> Iterator[descriptor.EnumDescriptor]:
    yield from file.enum_types_by_name.values()
    for message in _walk_messages(file.message_types_by_name.values()):
        yield from message.enum_types


OUR_MESSAGES = [
    message for file in OUR_FILES for message in _walk_messages(file.message_types_by_name.values())
]
OUR_ENUMS = [enum for file in OUR_FILES for enum in _walk_enums(file)]
OUR_SERVICES = [service for file in OUR_FILES for service in file.services_by_name.values()]


def _type_name(field: descriptor.FieldDescriptor) -> str:
    if field.message_type is not None:
        return field.message_type.full_name
    if field.enum_type is not None:
        return field.enum_type.full_name
    return SCALAR_TYPE_NAMES[field.type]


def _field_shape(field: descriptor.FieldDescriptor) -> dict[str, object]:
    """Return the properties of a field that decide its wire format and JSON name."""
    return {
        "number": field.number,
        "type": _type_name(field),
        "repeated": field.is_repeated,
        "map": field.message_type is not None and field.message_type.GetOptions().map_entry,
        "packed": field.is_packed,
        "explicit presence": field.has_presence,
        "oneof": field.containing_oneof.name if field.containing_oneof else None,
        "json name": field.json_name,
    }


def find_message_drift(
    ours: descriptor.Descriptor, official_pool: descriptor_pool.DescriptorPool
) -> list[str]:
    """List every difference between one of our messages and Temporal's message."""
    try:
        official = official_pool.FindMessageTypeByName(ours.full_name)
    except KeyError:
        return [f"{ours.full_name}: message not found in Temporal's API"]

    problems = []
    if ours.file.name != official.file.name:
        problems.append(
            f"{ours.full_name}: declared in {ours.file.name}, Temporal declares it in "
            f"{official.file.name}"
        )
    for field in ours.fields:
        official_field = official.fields_by_name.get(field.name)
        if official_field is None:
            problems.append(f"{ours.full_name}.{field.name}: field not found in Temporal's API")
            continue
        our_shape = _field_shape(field)
        official_shape = _field_shape(official_field)
        for key, value in our_shape.items():
            if value != official_shape[key]:
                problems.append(
                    f"{ours.full_name}.{field.name}: {key} is {value!r}, "
                    f"Temporal's is {official_shape[key]!r}"
                )
    return problems


def find_enum_drift(
    ours: descriptor.EnumDescriptor, official_pool: descriptor_pool.DescriptorPool
) -> list[str]:
    """List every difference between one of our enums and Temporal's enum.

    Enums are copied whole, so a value Temporal has and we lack is drift too.
    """
    try:
        official = official_pool.FindEnumTypeByName(ours.full_name)
    except KeyError:
        return [f"{ours.full_name}: enum not found in Temporal's API"]

    our_values = {value.name: value.number for value in ours.values}
    official_values = {value.name: value.number for value in official.values}
    problems = []
    for name in sorted(our_values.keys() | official_values.keys()):
        ours_number = our_values.get(name)
        official_number = official_values.get(name)
        if ours_number != official_number:
            problems.append(
                f"{ours.full_name}.{name}: number is {ours_number}, "
                f"Temporal's is {official_number} (None means absent)"
            )
    return problems


@pytest.mark.parametrize("message", OUR_MESSAGES, ids=lambda message: message.full_name)
def test_message_matches_temporal(message: descriptor.Descriptor) -> None:
    problems = find_message_drift(message, OFFICIAL_POOL)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("enum", OUR_ENUMS, ids=lambda enum: enum.full_name)
def test_enum_matches_temporal(enum: descriptor.EnumDescriptor) -> None:
    problems = find_enum_drift(enum, OFFICIAL_POOL)
    assert not problems, "\n".join(problems)


RPCS = [(service, method) for service in OUR_SERVICES for method in service.methods]


@pytest.mark.parametrize(("service", "method"), RPCS, ids=[f"{s.name}.{m.name}" for s, m in RPCS])
def test_rpc_matches_temporal(
    service: descriptor.ServiceDescriptor, method: descriptor.MethodDescriptor
) -> None:
    official_service = OFFICIAL_POOL.FindServiceByName(service.full_name)
    official = official_service.methods_by_name.get(method.name)

    assert official is not None, f"{service.full_name}/{method.name}: RPC not found"
    assert method.input_type.full_name == official.input_type.full_name, method.name
    assert method.output_type.full_name == official.output_type.full_name, method.name
    assert method.client_streaming == official.client_streaming, method.name
    assert method.server_streaming == official.server_streaming, method.name


def test_definitions_cover_needed_names() -> None:
    defined = {message.full_name for message in OUR_MESSAGES}
    defined |= {enum.full_name for enum in OUR_ENUMS}
    for name in (
        "temporal.api.common.v1.Payload",
        "temporal.api.enums.v1.TaskQueueType",
        "temporal.api.compute.v1.ComputeConfigScalingGroupUpdate",
        "temporal.api.deployment.v1.WorkerDeploymentVersionInfo",
        "temporal.api.workflowservice.v1.CreateWorkerDeploymentVersionRequest",
    ):
        assert name in defined
    assert len(RPCS) == 13


def _drifted_payload_file() -> descriptor.FileDescriptor:
    """Build a copy of our common/v1/message.proto with Payload.data renumbered to 7."""
    original = DESCRIPTOR_POOL.FindFileByName("temporal/api/common/v1/message.proto")
    proto = descriptor_pb2.FileDescriptorProto()
    original.CopyToProto(proto)
    payload = next(message for message in proto.message_type if message.name == "Payload")
    data_field = next(field for field in payload.field if field.name == "data")
    data_field.number = 7

    scratch_pool = descriptor_pool.DescriptorPool()
    scratch_pool.AddSerializedFile(proto.SerializeToString())
    return scratch_pool.FindFileByName(proto.name)


def test_drift_check_reports_renumbered_field() -> None:
    drifted = _drifted_payload_file().message_types_by_name["Payload"]

    problems = find_message_drift(drifted, OFFICIAL_POOL)

    assert problems == [
        "temporal.api.common.v1.Payload.data: number is 7, Temporal's is 2",
    ]


def test_generated_code_is_up_to_date(tmp_path: Path) -> None:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    elapsed = time.monotonic() - started

    fresh = sorted(p.relative_to(tmp_path) for p in (tmp_path / "temporal").rglob("*.py*"))
    committed = sorted(
        p.relative_to(GENERATED_DIR)
        for p in (GENERATED_DIR / "temporal").rglob("*.py*")
        if "__pycache__" not in p.parts
    )
    assert fresh == committed, "run scripts/generate_protos.py: the file lists differ"
    for relative in fresh:
        assert filecmp.cmp(tmp_path / relative, GENERATED_DIR / relative, shallow=False), (
            f"{relative} is out of date: run .venv/bin/python scripts/generate_protos.py"
        )
    assert elapsed < 10, f"generator took {elapsed:.1f} s, too slow for the unit tests"
