"""Builders for the IAM documents of a Temporal serverless worker on AWS Lambda.

Each returns a plain dictionary, ready for `json.dumps`, so it works with
`pulumi_aws`, boto3, or a policy file alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

POLICY_VERSION = "2012-10-17"

# The actions Temporal needs on the function: GetFunction when it validates the
# configuration, and InvokeFunction when it starts a worker. Nothing else.
INVOKE_ACTIONS = ("lambda:GetFunction", "lambda:InvokeFunction")

_QUALIFIER = re.compile(r"^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+)(:[^:]+)?$")


def unqualified_function_arn(function_arn: str) -> str:
    """Return the function ARN without its version or alias suffix."""

    match = _QUALIFIER.match(function_arn)
    if match is None:
        raise ValueError(
            f"{function_arn!r} is not a Lambda function ARN "
            "(arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>])"
        )
    return match.group(1)


def lambda_execution_trust_policy() -> dict[str, Any]:
    """Return the trust policy of the function's execution role (Lambda assumes it)."""

    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def invoke_role_trust_policy(
    temporal_principals: Sequence[str], external_id: str
) -> dict[str, Any]:
    """Return the trust policy of the role Temporal assumes, requiring the external ID.

    `temporal_principals` are the AWS principals Temporal runs as: Temporal
    Cloud's published role ARNs, or a self-hosted server's own role.
    """

    if not temporal_principals:
        raise ValueError("temporal_principals must name at least one AWS principal")
    if not external_id:
        raise ValueError("external_id must not be empty: the trust policy must require it")
    principal: str | list[str] = (
        temporal_principals[0] if len(temporal_principals) == 1 else sorted(temporal_principals)
    )
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": principal},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
            }
        ],
    }


def invoke_role_permissions(function_arn: str) -> dict[str, Any]:
    """Return the invoke role's permissions: get and invoke this function and its versions.

    Both the unqualified ARN and `<arn>:*` are listed, because IAM matches a
    qualified ARN (a version or alias) only against a resource that covers it.
    """

    base = unqualified_function_arn(function_arn)
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": list(INVOKE_ACTIONS),
                "Resource": [base, f"{base}:*"],
            }
        ],
    }


def lambda_logging_permissions(region: str, account_id: str, function_name: str) -> dict[str, Any]:
    """Return the execution role's basic permissions: write the function's own CloudWatch logs."""

    log_group = f"arn:aws:logs:{region}:{account_id}:log-group:/aws/lambda/{function_name}"
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup"],
                "Resource": f"arn:aws:logs:{region}:{account_id}:*",
            },
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [log_group, f"{log_group}:*"],
            },
        ],
    }
