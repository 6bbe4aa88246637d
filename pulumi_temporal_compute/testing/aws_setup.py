"""Create a Lambda function and the IAM roles of a serverless worker in the AWS emulator.

The roles are made from the same policy builders the Pulumi component uses, so
what the local server accepts here is what it accepts from a stack.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from pulumi_temporal_compute.aws import policies

_HANDLER_SOURCE = b"def handler(event, context):\n    return {'ok': True}\n"


@dataclass(frozen=True)
class LambdaWorker:
    """ARNs of one function, its published version and its invoke role."""

    function_name: str
    function_arn: str
    version_arn: str
    invoke_role_arn: str
    execution_role_arn: str
    external_id: str = field(repr=False)


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", _HANDLER_SOURCE)
    return buffer.getvalue()


def create_invoke_role(
    iam: Any,
    name: str,
    function_arn: str,
    trusted_principal: str,
    external_id: str,
    *,
    enforce_external_id: bool = True,
) -> str:
    """Create the role Temporal assumes. With `enforce_external_id` false, its trust has no
    external-ID condition, which the server must reject."""

    trust = policies.invoke_role_trust_policy([trusted_principal], external_id)
    if not enforce_external_id:
        del trust["Statement"][0]["Condition"]
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(
        RoleName=name,
        PolicyName="temporal-invoke",
        PolicyDocument=json.dumps(policies.invoke_role_permissions(function_arn)),
    )
    return str(role["Role"]["Arn"])


def create_lambda_worker(
    aws: Any, name: str, external_id: str, *, enforce_external_id: bool = True
) -> LambdaWorker:
    """Create an execution role, a function with one published version, and an invoke role.

    `aws` is a running `AwsEmulator`. The invoke role trusts the emulator's
    account root, which is the principal the local Temporal server runs as.
    """

    iam = aws.client("iam")
    lambda_ = aws.client("lambda")

    execution = iam.create_role(
        RoleName=f"{name}-execution",
        AssumeRolePolicyDocument=json.dumps(policies.lambda_execution_trust_policy()),
    )
    function = lambda_.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=execution["Role"]["Arn"],
        Handler="handler.handler",
        Code={"ZipFile": _zip_bytes()},
        Timeout=300,
    )
    version = lambda_.publish_version(FunctionName=name)
    invoke_role_arn = create_invoke_role(
        iam,
        f"{name}-invoke",
        function["FunctionArn"],
        f"arn:aws:iam::{aws.account_id}:root",
        external_id,
        enforce_external_id=enforce_external_id,
    )
    return LambdaWorker(
        function_name=name,
        function_arn=function["FunctionArn"],
        version_arn=version["FunctionArn"],
        invoke_role_arn=invoke_role_arn,
        execution_role_arn=execution["Role"]["Arn"],
        external_id=external_id,
    )
