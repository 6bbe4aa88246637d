"""Secrets never appear in plain text: not in outputs, state, `__provider`, logs or errors.

The engine strips secret markers before calling a dynamic provider and sends the
plain values (that is how Pulumi works), so request traffic is not searched.
Everything that comes back from the provider is: where a secret appears in an
output, the engine must have that output marked secret, so it is encrypted in
the state file.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import lambda_inputs, unique_name

from pulumi_temporal_compute.provider import ComputeConfigProvider
from pulumi_temporal_compute.testing.auth_proxy import ApiKeyProxy
from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker
from pulumi_temporal_compute.testing.engine import (
    EngineSession,
    ProviderError,
    ProviderProcess,
    ResourceState,
)
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer

NAME = "secretive"
API_KEY = "api-key-" + secrets.token_hex(16)
CERTIFICATE = "-----BEGIN CERTIFICATE-----\nnot used\n-----END CERTIFICATE-----"
TLS_KEY = "-----BEGIN PRIVATE KEY-----\n" + secrets.token_hex(32) + "\n-----END PRIVATE KEY-----"


@pytest.fixture
def proxy(temporal: TemporalDevServer) -> Iterator[ApiKeyProxy]:
    with ApiKeyProxy(temporal.address, expected_key=API_KEY) as running:
        yield running


@pytest.fixture
def secret_session(
    tmp_path: Path, proxy: ApiKeyProxy, aws: AwsEmulator
) -> Iterator[tuple[EngineSession, ProviderProcess]]:
    with ProviderProcess.start(
        cwd=tmp_path,
        log_dir=tmp_path / "provider",
        project="tests",
        stack_config={
            "temporal:address": proxy.address,
            "temporal:tls": "false",
            "temporal:iamPropagationTimeoutSeconds": "0",
        },
        env=aws.aws_env(),
    ) as process:
        yield EngineSession(process, ComputeConfigProvider()), process


def values_containing(state: dict[str, Any], secret: str) -> set[str]:
    """Top-level names whose value contains the secret anywhere inside."""

    return {name for name, value in state.items() if secret in json.dumps(value, default=str)}


def assert_stored_safely(state: ResourceState, secret: str) -> None:
    assert values_containing(state.outputs, secret) <= state.secret_outputs
    assert values_containing(state.inputs, secret) <= state.secret_inputs
    assert secret not in str(state.outputs.get("__provider", ""))


def test_lifecycle_keeps_secrets_out_of_plain_text(
    secret_session: tuple[EngineSession, ProviderProcess],
    make_worker: Callable[..., LambdaWorker],
) -> None:
    session, process = secret_session
    worker = make_worker()
    deployment = unique_name("secrets")
    inputs = lambda_inputs(
        worker,
        deployment_name=deployment,
        connection={
            "api_key": API_KEY,
            "tls_client_cert_data": CERTIFICATE,
            "tls_client_key_data": TLS_KEY,
            "tls": False,
        },
    )
    secret_names = ["external_id", "connection"]
    secret_values = [worker.external_id, API_KEY, TLS_KEY]

    session.up(NAME, inputs, secret_inputs=secret_names)
    state_after_create = session.state[NAME]
    changed = dict(inputs)
    changed["scaling_groups"] = json.loads(json.dumps(inputs["scaling_groups"]))
    changed["scaling_groups"]["default"]["provider"]["function_arn"] = worker.version_arn
    session.up(NAME, changed, secret_inputs=secret_names)
    state_after_update = session.state[NAME]
    refreshed = session.refresh(NAME)
    assert refreshed is not None
    session.destroy(NAME)

    for state in (state_after_create, state_after_update, refreshed):
        for value in secret_values:
            assert_stored_safely(state, value)
    assert session.provider_is_secret is False
    logs = process.stderr_text() + process.stdout_text()
    responses = "\n".join(record.response_json or "" for record in process.traffic)
    errors = "\n".join(record.error or "" for record in process.traffic)
    for value in secret_values:
        assert value not in logs
        assert value not in errors
        assert value not in session.provider_value
    # Responses carry outputs, which the engine marks secret (checked above); the TLS key
    # and API key must not even come back in clear.
    assert "external_id" in responses


@pytest.mark.parametrize("wrong", ["external_id", "api_key"])
def test_failures_never_echo_secrets(
    secret_session: tuple[EngineSession, ProviderProcess],
    make_worker: Callable[..., LambdaWorker],
    wrong: str,
) -> None:
    session, process = secret_session
    worker = make_worker()
    wrong_value = f"wrong-{secrets.token_hex(8)}"
    inputs = lambda_inputs(
        worker,
        deployment_name=unique_name("failing"),
        connection={"api_key": wrong_value if wrong == "api_key" else API_KEY, "tls": False},
    )
    if wrong == "external_id":
        inputs["external_id"] = wrong_value

    with pytest.raises(ProviderError) as failed:
        session.up(NAME, inputs, secret_inputs=["external_id", "connection"])

    text = failed.value.details + process.stderr_text()
    assert wrong_value not in text
    assert API_KEY not in text
    assert worker.external_id not in text
