"""Lambda entry point (`worker.handler.lambda_handler`): a Temporal worker for one build ID.

`LambdaWorker` sets every variable read here. `temporalio.contrib.aws.lambda_worker`
reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE and TEMPORAL_API_KEY
itself. This module reads the deployment name and the build ID, and the secret's ARN
when the API key is kept in Secrets Manager.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

from temporalio.common import WorkerDeploymentVersion
from temporalio.contrib.aws.lambda_worker import LambdaWorkerConfig, run_worker

from worker.workflows import GreetingWorkflow, compose_greeting

ENV_DEPLOYMENT_NAME = "TEMPORAL_DEPLOYMENT_NAME"
ENV_BUILD_ID = "TEMPORAL_BUILD_ID"
ENV_API_KEY_SECRET_ARN = "TEMPORAL_API_KEY_SECRET_ARN"


def _required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(
            f"environment variable {name} is missing: deploy this code with LambdaWorker, "
            "which sets it, or set it on the function."
        )
    return value


@functools.cache
def _api_key_from_secrets_manager(secret_arn: str) -> str:
    # boto3 ships with the Lambda Python runtime. The key is fetched once per
    # execution environment and reused by later invocations.
    import boto3

    response = boto3.client("secretsmanager").get_secret_value(SecretId=secret_arn)
    return str(response["SecretString"])


def configure(config: LambdaWorkerConfig) -> None:
    """Register the workflows and activities, and fetch the API key when it is a secret ARN."""

    config.worker_config["workflows"] = [GreetingWorkflow]
    config.worker_config["activities"] = [compose_greeting]

    secret_arn = os.environ.get(ENV_API_KEY_SECRET_ARN)
    if secret_arn and not config.client_connect_config.get("api_key"):
        # Client.connect turns TLS on when an API key is given and TLS is not set.
        config.client_connect_config["api_key"] = _api_key_from_secrets_manager(secret_arn)


@functools.cache
def _worker_handler() -> Callable[[Any, Any], None]:
    # Built at the first invocation, not at import, so that importing this module
    # needs no environment and a missing variable fails the invocation with its name.
    version = WorkerDeploymentVersion(
        deployment_name=_required_env(ENV_DEPLOYMENT_NAME),
        build_id=_required_env(ENV_BUILD_ID),
    )
    return run_worker(version, configure)


def lambda_handler(event: Any, context: Any) -> None:
    """Run the worker until shortly before the invocation's deadline."""

    _worker_handler()(event, context)
