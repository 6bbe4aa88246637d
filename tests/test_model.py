"""Validation and normalization of inputs, with plain values (no server, no engine)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_temporal_compute import model

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders-worker:3"
ROLE_ARN = "arn:aws:iam::123456789012:role/temporal-invoke"
EXTERNAL_ID = "ext-id-0123456789"


def valid_inputs() -> dict[str, Any]:
    return {
        "namespace": "default",
        "deployment_name": "orders",
        "build_id": "v1",
        "external_id": EXTERNAL_ID,
        "scaling_groups": {
            "default": {
                "task_queue_types": [],
                "provider": {
                    "type": "aws-lambda",
                    "function_arn": FUNCTION_ARN,
                    "role_arn": ROLE_ARN,
                },
                "scaler": {"type": "no-sync"},
            }
        },
    }


def with_change(path: str, value: Any) -> dict[str, Any]:
    inputs = valid_inputs()
    target: Any = inputs
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return inputs


_DELETE = object()
PROVIDER = "scaling_groups.default.provider"
SCALER = "scaling_groups.default.scaler"

# (case, path to change, new value, property the failure must name, words the reason must contain)
BAD_INPUTS = [
    ("missing deployment", "deployment_name", _DELETE, "deployment_name", "required"),
    ("empty deployment", "deployment_name", "", "deployment_name", "required"),
    ("long deployment", "deployment_name", "d" * 256, "deployment_name", "255"),
    ("slash in deployment", "deployment_name", "a/b", "deployment_name", "'/'"),
    ("space in build", "build_id", "v 1", "build_id", "whitespace"),
    ("missing build", "build_id", _DELETE, "build_id", "required"),
    ("long build", "build_id", "b" * 300, "build_id", "255"),
    ("namespace not string", "namespace", 7, "namespace", "string"),
    ("no groups", "scaling_groups", {}, "scaling_groups", "at least one"),
    (
        "arn partition",
        f"{PROVIDER}.function_arn",
        "arn:azure:lambda:us-east-1:123456789012:function:f",
        f"{PROVIDER}.function_arn",
        "partition",
    ),
    (
        "arn service",
        f"{PROVIDER}.function_arn",
        "arn:aws:s3:us-east-1:123456789012:function:f",
        f"{PROVIDER}.function_arn",
        "service",
    ),
    (
        "arn region",
        f"{PROVIDER}.function_arn",
        "arn:aws:lambda:useast1:123456789012:function:f",
        f"{PROVIDER}.function_arn",
        "region",
    ),
    (
        "arn account",
        f"{PROVIDER}.function_arn",
        "arn:aws:lambda:us-east-1:1234:function:f",
        f"{PROVIDER}.function_arn",
        "account",
    ),
    (
        "arn resource",
        f"{PROVIDER}.function_arn",
        "arn:aws:lambda:us-east-1:123456789012:layer:f",
        f"{PROVIDER}.function_arn",
        "not a function",
    ),
    (
        "arn not arn",
        f"{PROVIDER}.function_arn",
        "orders-worker",
        f"{PROVIDER}.function_arn",
        "not an ARN",
    ),
    (
        "arn bad name",
        f"{PROVIDER}.function_arn",
        "arn:aws:lambda:us-east-1:123456789012:function:bad name",
        f"{PROVIDER}.function_arn",
        "function name",
    ),
    ("arn missing", f"{PROVIDER}.function_arn", _DELETE, f"{PROVIDER}.function_arn", "required"),
    (
        "role is user",
        f"{PROVIDER}.role_arn",
        "arn:aws:iam::123456789012:user/bob",
        f"{PROVIDER}.role_arn",
        "not a role",
    ),
    (
        "role other service",
        f"{PROVIDER}.role_arn",
        "arn:aws:sts::123456789012:role/x",
        f"{PROVIDER}.role_arn",
        "not iam",
    ),
    (
        "role garbage",
        f"{PROVIDER}.role_arn",
        "temporal-invoke",
        f"{PROVIDER}.role_arn",
        "not an IAM role",
    ),
    ("role missing", f"{PROVIDER}.role_arn", _DELETE, f"{PROVIDER}.role_arn", "required"),
    ("external id short", "external_id", "abcd", "external_id", "5 to 45"),
    ("external id long", "external_id", "a" * 46, "external_id", "5 to 45"),
    ("external id chars", "external_id", "abc def!", "external_id", "characters"),
    ("external id missing", "external_id", _DELETE, "external_id", "required"),
    ("provider type", f"{PROVIDER}.type", "Azure Functions!", f"{PROVIDER}.type", "invalid"),
    ("provider not object", PROVIDER, "lambda", PROVIDER, "object"),
    ("scaler type", SCALER, {"type": "Rate Based"}, f"{SCALER}.type", "invalid"),
    ("two providers in one group", f"{PROVIDER}.project", "my-project", PROVIDER, "exactly one"),
    ("rate counts partial", SCALER, {"type": "rate-based", "min_count": 1}, SCALER, "together"),
    (
        "rate min above max",
        SCALER,
        {"type": "rate-based", "min_count": 5, "max_count": 3, "initial_count": 4},
        SCALER,
        "min_count <= initial_count <= max_count",
    ),
    (
        "rate max zero",
        SCALER,
        {"type": "rate-based", "min_count": 0, "max_count": 0, "initial_count": 0},
        f"{SCALER}.max_count",
        "at least 1",
    ),
    (
        "rate negative",
        SCALER,
        {"type": "rate-based", "min_count": -1, "max_count": 3, "initial_count": 0},
        f"{SCALER}.min_count",
        "whole number",
    ),
    (
        "rate fraction count",
        SCALER,
        {"type": "rate-based", "min_count": 0.5, "max_count": 3, "initial_count": 1},
        f"{SCALER}.min_count",
        "whole number",
    ),
    (
        "utilization zero",
        SCALER,
        {"type": "rate-based", "utilization_target": 0},
        f"{SCALER}.utilization_target",
        "(0, 1]",
    ),
    (
        "utilization above one",
        SCALER,
        {"type": "rate-based", "utilization_target": 1.5},
        f"{SCALER}.utilization_target",
        "(0, 1]",
    ),
    (
        "custom details not object",
        PROVIDER,
        {"type": "my-provider", "details": "x=1"},
        f"{PROVIDER}.details",
        "JSON object",
    ),
    (
        "scaler settings",
        "scaling_groups.default.scaler",
        {"type": "no-sync", "max_count": 3},
        "scaling_groups.default.scaler",
        "no settings",
    ),
    (
        "task queue type",
        "scaling_groups.default.task_queue_types",
        ["workflows"],
        "scaling_groups.default.task_queue_types[0]",
        "not a task queue type",
    ),
    (
        "task queue type twice",
        "scaling_groups.default.task_queue_types",
        ["activity", "activity"],
        "scaling_groups.default.task_queue_types[1]",
        "twice",
    ),
    (
        "group name",
        "scaling_groups",
        {"bad name!": valid_inputs()["scaling_groups"]["default"]},
        "scaling_groups.bad name!",
        "invalid",
    ),
    (
        "group extra key",
        "scaling_groups.default.providers",
        {},
        "scaling_groups.default",
        "unknown settings",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "prop", "words"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_names_property(path: str, value: Any, prop: str, words: str) -> None:
    inputs = model.normalize_inputs(with_change(path, value))

    failures = model.validate_inputs(inputs)

    matching = [f for f in failures if f.property == prop]
    assert matching, f"no failure names {prop}; got {failures}"
    assert any(words in f.reason for f in matching), f"{words!r} not in {matching}"


def test_valid_inputs_pass() -> None:
    assert model.validate_inputs(model.normalize_inputs(valid_inputs())) == []


def test_group_claiming_claimed_type_fails() -> None:
    inputs = valid_inputs()
    group = inputs["scaling_groups"]["default"]
    group["task_queue_types"] = ["activity"]
    inputs["scaling_groups"]["second"] = copy.deepcopy(group)

    failures = model.validate_inputs(model.normalize_inputs(inputs))

    assert [f.property for f in failures] == ["scaling_groups.second.task_queue_types"]
    assert "'default'" in failures[0].reason


def test_external_id_never_in_messages() -> None:
    secret = "has spaces and !!"
    failures = model.validate_inputs(model.normalize_inputs(with_change("external_id", secret)))

    assert failures
    assert all(secret not in f.reason for f in failures)


def test_unknown_values_pass_in_preview() -> None:
    inputs = valid_inputs()
    inputs["build_id"] = Unknown()
    inputs["external_id"] = Unknown()
    inputs["scaling_groups"]["default"]["provider"]["function_arn"] = Unknown()
    inputs["scaling_groups"]["default"]["provider"]["role_arn"] = Unknown()

    assert model.validate_inputs(model.normalize_inputs(inputs)) == []


def test_unknown_groups_pass_in_preview() -> None:
    inputs = with_change("scaling_groups", Unknown())

    assert model.validate_inputs(model.normalize_inputs(inputs)) == []


def test_normalize_fills_defaults() -> None:
    inputs = valid_inputs()
    del inputs["namespace"]
    del inputs["scaling_groups"]["default"]["scaler"]

    normalized = model.normalize_inputs(inputs)

    assert normalized["namespace"] == ""
    group = normalized["scaling_groups"]["default"]
    assert group["scaler"] == {"type": "no-sync"}
    assert group["provider"]["nexus_endpoint"] == ""


def test_encode_decode_round_trip() -> None:
    group = model.normalize_inputs(valid_inputs())["scaling_groups"]["default"]

    encoded = model.encode_group(group, EXTERNAL_ID)
    decoded, external_id = model.decode_group(encoded)

    assert encoded.provider_details == {
        "arn": FUNCTION_ARN,
        "role": ROLE_ARN,
        "role_external_id": EXTERNAL_ID,
    }
    assert decoded == group
    assert external_id == EXTERNAL_ID


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        "arn:aws:lambda:eu-west-2:123456789012:function:f:$LATEST",
        "arn:aws:lambda:us-gov-west-1:123456789012:function:f:prod",
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:my_fn-2:12",
    ],
)
def test_lambda_arn_accepted(arn: str) -> None:
    failures: list[model.Failure] = []

    model.check_lambda_arn(arn, "arn", failures)

    assert failures == []


GCP_GROUP = {
    "task_queue_types": ["activity"],
    "provider": {
        "type": "gcp-cloud-run",
        "project": "my-project-123",
        "region": "us-central1",
        "worker_pool": "orders-pool",
        "service_account": "worker@my-project-123.iam.gserviceaccount.com",
    },
    "scaler": {
        "type": "rate-based",
        "min_count": 0.0,
        "max_count": 3.0,
        "initial_count": 1.0,
        "utilization_target": 0.75,
    },
}


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("project", "My_Project", "GCP project ID"),
        ("region", "us central", "GCP region"),
        ("worker_pool", "Orders_Pool", "worker pool"),
        ("service_account", "not-an-email", "service account"),
        ("project", "", "required"),
    ],
)
def test_gcp_cloud_run_bad_field(field: str, value: str, words: str) -> None:
    inputs = valid_inputs()
    group = copy.deepcopy(GCP_GROUP)
    group["provider"][field] = value
    inputs["scaling_groups"]["cloud-run"] = group

    failures = model.validate_inputs(model.normalize_inputs(inputs))

    assert [f.property for f in failures] == [f"scaling_groups.cloud-run.provider.{field}"]
    assert words in failures[0].reason


def test_gcp_cloud_run_encodes_server_documents() -> None:
    inputs = valid_inputs()
    inputs["scaling_groups"]["cloud-run"] = copy.deepcopy(GCP_GROUP)
    normalized = model.normalize_inputs(inputs)
    assert model.validate_inputs(normalized) == []

    encoded = model.encode_group(normalized["scaling_groups"]["cloud-run"], EXTERNAL_ID)
    decoded, external_id = model.decode_group(encoded)

    assert encoded.provider_details == {
        "project": "my-project-123",
        "region": "us-central1",
        "worker_pool": "orders-pool",
        "service_account": "worker@my-project-123.iam.gserviceaccount.com",
    }
    assert encoded.scaler_type == "rate-based"
    assert encoded.scaler_details == {
        "min_count": 0,
        "max_count": 3,
        "initial_count": 1,
        "utilization_target": 0.75,
    }
    assert isinstance(encoded.scaler_details["max_count"], int)
    assert external_id is None
    assert decoded == normalized["scaling_groups"]["cloud-run"]


def test_custom_provider_round_trip() -> None:
    inputs = valid_inputs()
    inputs["scaling_groups"]["custom"] = {
        "task_queue_types": ["nexus"],
        "provider": {
            "type": "my-provider",
            "details": {"pool": "a", "size": 2},
            "nexus_endpoint": "my-endpoint",
        },
        "scaler": {"type": "my-scaler", "details": {"step": 1}},
    }
    normalized = model.normalize_inputs(inputs)
    assert model.validate_inputs(normalized) == []

    encoded = model.encode_group(normalized["scaling_groups"]["custom"], EXTERNAL_ID)
    decoded, _ = model.decode_group(encoded)

    assert encoded.provider_details == {"pool": "a", "size": 2}
    assert encoded.nexus_endpoint == "my-endpoint"
    assert encoded.scaler_details == {"step": 1}
    assert decoded == normalized["scaling_groups"]["custom"]
