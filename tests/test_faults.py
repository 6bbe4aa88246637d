"""Faults around the provider: an unreachable or stopped server, a killed provider process,
a create the engine sends twice, and a preview where nothing is known yet.

Every test drives the real `python -m pulumi.dynamic` server with the engine harness
against dev servers on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import lambda_inputs, unique_name

from pulumi_temporal_compute.client import TemporalClient
from pulumi_temporal_compute.connection import ConnectionSettings
from pulumi_temporal_compute.errors import NotFoundError
from pulumi_temporal_compute.provider import ComputeConfigProvider
from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker
from pulumi_temporal_compute.testing.engine import (
    EngineSession,
    ProviderError,
    ProviderProcess,
    unknown,
)
from pulumi_temporal_compute.testing.ports import free_port
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer

NAME = "fault"

# Generous: the client's retry policy bounds an unreachable server to about 10 s per call.
MAX_UNAVAILABLE_SECONDS = 60.0


def start_provider(directory: Path, address: str, aws: AwsEmulator) -> ProviderProcess:
    return ProviderProcess.start(
        cwd=directory,
        log_dir=directory / "provider",
        project="tests",
        stack_config={"temporal:address": address},
        env=aws.aws_env(),
    )


def function_arn_on_server(client: TemporalClient, deployment: str) -> str:
    group = client.describe_version(deployment, "b1").groups["default"]
    return str(group.provider_details["arn"])


def version_build_ids(server: TemporalDevServer, deployment: str) -> list[str]:
    """List the build IDs of every version of a deployment, as the `temporal` CLI reports them."""

    result = server.cli(
        "worker", "deployment", "describe", "--name", deployment, "--output", "json"
    )
    assert result.returncode == 0, result.stderr
    summaries = json.loads(result.stdout).get("versionSummaries") or []
    return sorted(str(summary["BuildID"]) for summary in summaries)


# --- an unreachable server --------------------------------------------------------------------


def test_unreachable_server_fails_create_in_bounded_time(
    tmp_path: Path, aws: AwsEmulator, worker: LambdaWorker
) -> None:
    # A port that was free a moment ago; nothing listens on it, so every connect is refused.
    address = f"127.0.0.1:{free_port()}"
    with start_provider(tmp_path, address, aws) as process:
        session = EngineSession(process, ComputeConfigProvider())
        started = time.monotonic()
        with pytest.raises(ProviderError) as failed:
            session.up(NAME, lambda_inputs(worker, deployment_name=unique_name("closed")))
        elapsed = time.monotonic() - started

    print(f"create against a closed port failed after {elapsed:.1f} s")
    message = failed.value.message
    assert failed.value.method == "Create"
    assert failed.value.exception_type.startswith("pulumi_temporal_compute."), message
    assert f"the Temporal server at {address} is unavailable" in message
    assert "temporal:address" in message
    assert elapsed < MAX_UNAVAILABLE_SECONDS
    assert NAME not in session.state


# --- a server that stops and comes back -------------------------------------------------------


@pytest.fixture(scope="module")
def restartable_server(
    tmp_path_factory: pytest.TempPathFactory, aws: AwsEmulator
) -> Iterator[TemporalDevServer]:
    """A dev server that keeps its state in a SQLite file, so it survives `restart()`."""

    directory = tmp_path_factory.mktemp("restartable")
    with TemporalDevServer.start(
        directory / "server", aws, db_filename=directory / "temporal.sqlite"
    ) as server:
        yield server


def test_update_fails_while_server_down_then_succeeds(
    tmp_path: Path,
    restartable_server: TemporalDevServer,
    aws: AwsEmulator,
    worker: LambdaWorker,
) -> None:
    deployment = unique_name("restart")
    inputs = lambda_inputs(worker, deployment_name=deployment)
    changed = lambda_inputs(worker, deployment_name=deployment, function_arn=worker.version_arn)

    with start_provider(tmp_path, restartable_server.address, aws) as process:
        session = EngineSession(process, ComputeConfigProvider())
        session.up(NAME, inputs, secret_inputs=["external_id"])
        state_before = session.state[NAME]

        restartable_server.stop()
        try:
            started = time.monotonic()
            with pytest.raises(ProviderError) as failed:
                session.up(NAME, changed, secret_inputs=["external_id"])
            elapsed = time.monotonic() - started
        finally:
            restartable_server.restart()
        print(f"update against the stopped server failed after {elapsed:.1f} s")

        assert failed.value.method == "Update"
        assert "is unavailable" in failed.value.message
        assert session.state[NAME] == state_before

        plan = session.up(NAME, changed, secret_inputs=["external_id"])

    assert plan.operation == "update"
    assert session.state[NAME].id == state_before.id
    settings = ConnectionSettings(address=restartable_server.address)
    with TemporalClient(settings) as client:
        assert function_arn_on_server(client, deployment) == worker.version_arn
        assert list(client.describe_version(deployment, "b1").groups) == ["default"]
    assert version_build_ids(restartable_server, deployment) == ["b1"]


# --- a provider process that dies -------------------------------------------------------------


def test_new_provider_process_continues_state(
    tmp_path: Path,
    temporal: TemporalDevServer,
    aws: AwsEmulator,
    client: TemporalClient,
    worker: LambdaWorker,
) -> None:
    deployment = unique_name("killed")
    inputs = lambda_inputs(worker, deployment_name=deployment)

    with start_provider(tmp_path / "first", temporal.address, aws) as first:
        first_session = EngineSession(first, ComputeConfigProvider())
        first_session.up(NAME, inputs, secret_inputs=["external_id"])
        os.kill(first.pid, signal.SIGKILL)
        # The process is gone, so a call on the old channel fails instead of hanging.
        with pytest.raises(ProviderError) as dead:
            first_session.refresh(NAME)
        assert dead.value.code.name == "UNAVAILABLE"

    with start_provider(tmp_path / "second", temporal.address, aws) as second:
        session = EngineSession(second, ComputeConfigProvider())
        session.state = dict(first_session.state)
        created = session.state[NAME]

        refreshed = session.refresh(NAME)
        assert refreshed is not None
        assert refreshed.id == created.id
        assert refreshed.outputs["version_created"] is True
        assert session.preview(NAME, inputs).operation == "same"

        changed = lambda_inputs(worker, deployment_name=deployment, function_arn=worker.version_arn)
        plan = session.up(NAME, changed, secret_inputs=["external_id"])
        assert plan.operation == "update"
        assert function_arn_on_server(client, deployment) == worker.version_arn

        session.destroy(NAME)

    with pytest.raises(NotFoundError):
        client.describe_version(deployment, "b1")
    assert not client.deployment_exists(deployment)


# --- a create sent twice ----------------------------------------------------------------------


def test_create_retry_after_success_gives_same_id(
    engine: EngineSession,
    temporal: TemporalDevServer,
    client: TemporalClient,
    worker: LambdaWorker,
) -> None:
    deployment = unique_name("twice")
    inputs = lambda_inputs(worker, deployment_name=deployment)
    engine.up(NAME, inputs, secret_inputs=["external_id"])
    first = engine.state[NAME]

    # The engine lost the first response, so it has no state and sends Create again.
    retry = EngineSession(engine.process, ComputeConfigProvider())
    plan = retry.up(NAME, inputs, secret_inputs=["external_id"])

    second = retry.state[NAME]
    assert plan.operation == "create"
    assert second.id == first.id
    assert second.outputs["version_created"] is True
    assert version_build_ids(temporal, deployment) == ["b1"]
    assert function_arn_on_server(client, deployment) == worker.function_arn


def test_create_retry_then_destroy_removes_deployment(
    engine: EngineSession, client: TemporalClient, worker: LambdaWorker
) -> None:
    deployment = unique_name("retrydel")
    inputs = lambda_inputs(worker, deployment_name=deployment)
    engine.up(NAME, inputs, secret_inputs=["external_id"])

    retry = EngineSession(engine.process, ComputeConfigProvider())
    retry.up(NAME, inputs, secret_inputs=["external_id"])
    retry.destroy(NAME)

    with pytest.raises(NotFoundError):
        client.describe_version(deployment, "b1")
    assert not client.deployment_exists(deployment)


# --- preview with unknown values --------------------------------------------------------------


def all_unknown_inputs() -> dict[str, object]:
    return {
        "deployment_name": unknown(),
        "build_id": unknown(),
        "namespace": unknown(),
        "external_id": unknown(),
        "scaling_groups": unknown(),
        "connection": unknown(),
        "skip_drainage": unknown(),
    }


def nested_unknown_inputs() -> dict[str, object]:
    return {
        "deployment_name": unknown(),
        "build_id": unknown(),
        "namespace": unknown(),
        "external_id": unknown(),
        "skip_drainage": unknown(),
        "connection": {
            "address": unknown(),
            "namespace": unknown(),
            "api_key": unknown(),
            "tls": unknown(),
            "tls_server_ca_cert_path": unknown(),
        },
        "scaling_groups": {
            "default": {
                "task_queue_types": [unknown()],
                "provider": {
                    "type": unknown(),
                    "function_arn": unknown(),
                    "role_arn": unknown(),
                    "nexus_endpoint": unknown(),
                },
                "scaler": unknown(),
            },
            "second": unknown(),
        },
    }


@pytest.mark.parametrize(
    "make_inputs", [all_unknown_inputs, nested_unknown_inputs], ids=["top-level", "nested"]
)
def test_preview_with_unknowns_everywhere(
    engine: EngineSession, worker: LambdaWorker, make_inputs: object
) -> None:
    assert callable(make_inputs)
    new_plan = engine.preview("new", make_inputs())

    assert new_plan.operation == "create"
    assert new_plan.calls == ["Check"]

    engine.up(NAME, lambda_inputs(worker, deployment_name=unique_name("unknowns")))
    existing_plan = engine.preview(NAME, make_inputs())

    assert existing_plan.calls == ["Check", "Diff", "Check"]
    assert existing_plan.operation == "replace"
    assert existing_plan.diff is not None
    assert sorted(existing_plan.diff.replaces) == ["build_id", "deployment_name", "namespace"]


def test_preview_unknown_address_is_update(engine: EngineSession, worker: LambdaWorker) -> None:
    deployment = unique_name("addr")
    engine.up(NAME, lambda_inputs(worker, deployment_name=deployment))
    inputs = lambda_inputs(worker, deployment_name=deployment)
    inputs["connection"] = {"address": unknown()}

    plan = engine.preview(NAME, inputs)

    assert plan.operation == "update"
    assert plan.diff is not None
    assert plan.diff.replaces == []


@pytest.mark.parametrize("crash_after", [0.03, 0.12], ids=["early", "later"])
def test_create_survives_server_crash(
    tmp_path: Path,
    restartable_server: TemporalDevServer,
    aws: AwsEmulator,
    worker: LambdaWorker,
    crash_after: float,
) -> None:
    deployment = unique_name("midcreate")
    inputs = lambda_inputs(worker, deployment_name=deployment)
    outcome: dict[str, Any] = {}

    with start_provider(tmp_path, restartable_server.address, aws) as process:
        session = EngineSession(process, ComputeConfigProvider())

        def create() -> None:
            started = time.monotonic()
            try:
                outcome["plan"] = session.up(NAME, inputs, secret_inputs=["external_id"])
            except ProviderError as error:
                outcome["error"] = error
            outcome["seconds"] = time.monotonic() - started

        worker_thread = threading.Thread(target=create)
        worker_thread.start()
        time.sleep(crash_after)
        # Kill the server outright while the create is in flight, then start it again on
        # the same database file.
        os.kill(restartable_server.pid, signal.SIGKILL)
        time.sleep(2.0)
        restartable_server.restart()
        worker_thread.join(timeout=90)
        assert not worker_thread.is_alive()

        if "error" in outcome:
            # The server went away at a moment the create could not ride out: running the
            # operation again, as `pulumi up` would, must finish it without a second version.
            print(f"first create failed: {outcome['error'].message}")
            outcome["plan"] = session.up(NAME, inputs, secret_inputs=["external_id"])

    # gRPC's own retry policy rides out a short outage before the provider's retries start.
    print(f"create finished {outcome['seconds']:.1f} s after it started")
    assert outcome["plan"].operation == "create"
    assert version_build_ids(restartable_server, deployment) == ["b1"]
    settings = ConnectionSettings(address=restartable_server.address)
    with TemporalClient(settings) as client:
        assert function_arn_on_server(client, deployment) == worker.function_arn
