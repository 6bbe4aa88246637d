"""Unit tests of the IAM document builders in `pulumi_temporal_compute.aws.policies`."""

from __future__ import annotations

import json

import pytest

from pulumi_temporal_compute.aws import policies

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:orders-worker"
CLOUD_ROLE = "arn:aws:iam::902542641901:role/wci-lambda-invoke"
OTHER_ROLE = "arn:aws:iam::160190466495:role/wci-lambda-invoke"


# --- unqualified_function_arn ----------------------------------------------------------------


@pytest.mark.parametrize(
    "arn",
    [FUNCTION, f"{FUNCTION}:7", f"{FUNCTION}:live", f"{FUNCTION}:$LATEST"],
)
def test_unqualified_arn_strips_qualifier(arn: str) -> None:
    assert policies.unqualified_function_arn(arn) == FUNCTION


def test_unqualified_arn_other_partition() -> None:
    arn = "arn:aws-cn:lambda:cn-north-1:123456789012:function:orders-worker"
    assert policies.unqualified_function_arn(f"{arn}:3") == arn


@pytest.mark.parametrize(
    "arn",
    [
        "",
        "orders-worker",
        "arn:aws:iam::123456789012:role/orders",
        "arn:aws:lambda:us-east-1:1234:function:orders-worker",
        "arn:aws:lambda:us-east-1:123456789012:layer:deps:1",
        f"{FUNCTION}:7:extra",
    ],
)
def test_unqualified_arn_rejects_non_function(arn: str) -> None:
    with pytest.raises(ValueError, match="is not a Lambda function ARN"):
        policies.unqualified_function_arn(arn)


# --- lambda_execution_trust_policy -----------------------------------------------------------


def test_execution_trust_allows_only_lambda() -> None:
    document = policies.lambda_execution_trust_policy()
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def test_execution_trust_fresh_copy() -> None:
    first = policies.lambda_execution_trust_policy()
    first["Statement"].clear()
    assert len(policies.lambda_execution_trust_policy()["Statement"]) == 1


# --- invoke_role_trust_policy ----------------------------------------------------------------


def test_invoke_trust_one_principal() -> None:
    document = policies.invoke_role_trust_policy([CLOUD_ROLE], "orders-external-id")
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": CLOUD_ROLE},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "orders-external-id"}},
            }
        ],
    }


def test_invoke_trust_principals_sorted() -> None:
    document = policies.invoke_role_trust_policy([OTHER_ROLE, CLOUD_ROLE], "orders-external-id")
    assert document["Statement"][0]["Principal"] == {"AWS": sorted([OTHER_ROLE, CLOUD_ROLE])}


def test_invoke_trust_order_independent() -> None:
    first = policies.invoke_role_trust_policy([OTHER_ROLE, CLOUD_ROLE], "orders-external-id")
    second = policies.invoke_role_trust_policy((CLOUD_ROLE, OTHER_ROLE), "orders-external-id")
    assert json.dumps(first) == json.dumps(second)


def test_invoke_trust_rejects_empty_principals() -> None:
    with pytest.raises(ValueError, match="at least one AWS principal"):
        policies.invoke_role_trust_policy([], "orders-external-id")


def test_invoke_trust_rejects_empty_external_id() -> None:
    with pytest.raises(ValueError, match="external_id must not be empty"):
        policies.invoke_role_trust_policy([CLOUD_ROLE], "")


# --- invoke_role_permissions -----------------------------------------------------------------


@pytest.mark.parametrize("arn", [FUNCTION, f"{FUNCTION}:12"])
def test_invoke_permissions_exact(arn: str) -> None:
    document = policies.invoke_role_permissions(arn)
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["lambda:GetFunction", "lambda:InvokeFunction"],
                "Resource": [FUNCTION, f"{FUNCTION}:*"],
            }
        ],
    }


def test_invoke_permissions_two_actions() -> None:
    statements = policies.invoke_role_permissions(FUNCTION)["Statement"]
    actions = [action for statement in statements for action in statement["Action"]]
    assert sorted(actions) == ["lambda:GetFunction", "lambda:InvokeFunction"]
    assert all(statement["Effect"] == "Allow" for statement in statements)


def test_invoke_permissions_rejects_bad_arn() -> None:
    with pytest.raises(ValueError, match="is not a Lambda function ARN"):
        policies.invoke_role_permissions("arn:aws:iam::123456789012:role/orders")


# --- lambda_logging_permissions --------------------------------------------------------------


def test_logging_permissions_scoped_to_function() -> None:
    document = policies.lambda_logging_permissions("eu-west-1", "123456789012", "orders-worker")
    log_group = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/orders-worker"
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup"],
                "Resource": "arn:aws:logs:eu-west-1:123456789012:*",
            },
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [log_group, f"{log_group}:*"],
            },
        ],
    }


# --- every document --------------------------------------------------------------------------


def test_documents_serialize_to_json() -> None:
    documents = [
        policies.lambda_execution_trust_policy(),
        policies.invoke_role_trust_policy([CLOUD_ROLE], "orders-external-id"),
        policies.invoke_role_permissions(FUNCTION),
        policies.lambda_logging_permissions("us-east-1", "123456789012", "orders-worker"),
    ]
    for document in documents:
        assert json.loads(json.dumps(document)) == document
        assert document["Version"] == policies.POLICY_VERSION
