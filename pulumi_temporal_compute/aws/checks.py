"""Checks of the AWS side with the deployer's own credentials, before Temporal is asked.

Temporal's own check of an `aws-lambda` configuration reports only its first
problem, in AWS SDK words. These checks name the resource and the fix. They
use boto3's default credential chain (the same credentials `pulumi-aws` uses),
and are skipped with the resource's `check_aws_resources=False`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_temporal_compute import model

# One boto3 session and one client per service and region for the provider process: a
# session with its clients costs about 16 MiB and 100 ms to build, and one `pulumi up`
# checks every resource of the stack. They live in this module, never in the provider object,
# so no pickle of the provider can capture them.
_clients_lock = threading.Lock()
# Checks that passed in this process, as hashes of (function ARN, role ARN, external ID).
_passed: set[str] = set()


@functools.cache
def _session() -> Any:
    import boto3

    return boto3.session.Session()


def _client(service: str, region: str | None = None) -> Any:
    with _clients_lock:
        return _cached_client(service, region)


@functools.cache
def _cached_client(service: str, region: str | None) -> Any:
    return _session().client(service, region_name=region)


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class AwsProblem:
    """One problem found, with the input property it concerns."""

    property: str
    message: str


def _external_id_conditions(document: Mapping[str, Any]) -> list[set[str]] | None:
    """Return, for each statement that lets an AWS principal assume the role, the external
    IDs its StringEquals condition accepts; None when one of them has no such condition."""

    statements = document.get("Statement", [])
    if isinstance(statements, Mapping):
        statements = [statements]
    accepted: list[set[str]] = []
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(a.lower() in ("sts:assumerole", "sts:*", "*") for a in actions):
            continue
        principal = statement.get("Principal", {})
        if isinstance(principal, Mapping) and "AWS" not in principal:
            continue  # a service principal such as lambda.amazonaws.com
        values: set[str] | None = None
        for operator, conditions in (statement.get("Condition") or {}).items():
            if not isinstance(conditions, Mapping):
                continue
            for key, value in conditions.items():
                if key.lower() != "sts:externalid":
                    continue
                listed = {value} if isinstance(value, str) else set(value)
                # StringLike patterns are not compared; any value then counts as accepted.
                values = listed if operator == "StringEquals" else {"*"}
        if values is None:
            return None
        accepted.append(values)
    return accepted if accepted else None


def check_lambda_groups(
    groups: Mapping[str, Mapping[str, Any]], external_id: str
) -> list[AwsProblem]:
    """Check each aws-lambda group's function and role; return every problem found."""

    from botocore.exceptions import BotoCoreError, ClientError

    problems: list[AwsProblem] = []
    roles_seen: set[str] = set()
    for name, group in groups.items():
        provider = group.get("provider") or {}
        if provider.get("type") != model.AWS_LAMBDA:
            continue
        prop = f"scaling_groups.{name}.provider"
        function_arn = provider["function_arn"]
        role_arn = provider["role_arn"]
        fingerprint = _fingerprint(function_arn, role_arn, external_id)
        if fingerprint in _passed:
            continue
        parts = model.lambda_arn_parts(function_arn)
        assert parts is not None, "inputs are validated before AWS is checked"

        try:
            _client("lambda", parts["region"]).get_function(FunctionName=function_arn)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code == "ResourceNotFoundException":
                problems.append(
                    AwsProblem(
                        f"{prop}.function_arn",
                        f"the Lambda function {function_arn} does not exist in {parts['region']} "
                        "(checked with your AWS credentials). Check the region, account, name and "
                        "version in the ARN, or create the function first.",
                    )
                )
            else:
                problems.append(
                    AwsProblem(
                        f"{prop}.function_arn",
                        f"could not look up the Lambda function {function_arn}: {code}. Your AWS "
                        "credentials need lambda:GetFunction, or set check_aws_resources=False.",
                    )
                )
        except BotoCoreError as error:
            problems.append(AwsProblem(f"{prop}.function_arn", _no_aws(error)))
            return problems

        if role_arn in roles_seen:
            continue
        roles_seen.add(role_arn)
        found = list(_check_role(role_arn, f"{prop}.role_arn", external_id))
        problems.extend(found)
        if not found and not any(p.property.startswith(prop) for p in problems):
            _passed.add(fingerprint)
    return problems


def _no_aws(error: Exception) -> str:
    return (
        f"could not reach AWS to check the function and role ({error}). Configure AWS "
        "credentials for this deployment, or set check_aws_resources=False."
    )


def _check_role(role_arn: str, prop: str, external_id: str) -> Iterable[AwsProblem]:
    from botocore.exceptions import BotoCoreError, ClientError

    role_name = role_arn.rsplit("/", 1)[-1]
    try:
        role = _client("iam").get_role(RoleName=role_name)["Role"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "NoSuchEntity":
            return [
                AwsProblem(
                    prop,
                    f"the IAM role {role_arn} does not exist (checked with your AWS credentials). "
                    "Create it, or fix role_arn.",
                )
            ]
        return [
            AwsProblem(
                prop,
                f"could not look up the IAM role {role_arn}: {code}. Your AWS credentials need "
                "iam:GetRole, or set check_aws_resources=False.",
            )
        ]
    except BotoCoreError as error:
        return [AwsProblem(prop, _no_aws(error))]

    document = role.get("AssumeRolePolicyDocument", {})
    if isinstance(document, str):
        document = json.loads(urllib.parse.unquote(document))
    accepted = _external_id_conditions(document)
    if accepted is not None and not any(external_id in ids or "*" in ids for ids in accepted):
        return [
            AwsProblem(
                "external_id",
                f"the trust policy of {role_arn} requires another external ID than this "
                "resource's `external_id`. Use the value in its sts:ExternalId condition, or "
                "update the condition.",
            )
        ]
    if accepted is None:
        return [
            AwsProblem(
                prop,
                f"the trust policy of {role_arn} lets a principal assume the role without an "
                'external ID. Add "Condition": {"StringEquals": {"sts:ExternalId": ...}} to '
                "each statement that trusts Temporal; Temporal rejects the role otherwise.",
            )
        ]
    return []
