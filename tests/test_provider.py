"""The compute config provider, driven through the real `python -m pulumi.dynamic` server.

Each test plays the engine's part with `EngineSession` or raw `ProviderProcess`
calls against the dev server and AWS emulator from conftest.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import lambda_inputs, unique_name

from pulumi_temporal_compute import model
from pulumi_temporal_compute.client import GroupUpdate, TemporalClient, request_id
from pulumi_temporal_compute.errors import NotFoundError
from pulumi_temporal_compute.provider import ComputeConfigProvider
from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker
from pulumi_temporal_compute.testing.engine import (
    CheckFailedError,
    EngineSession,
    ProviderError,
    ProviderProcess,
    ResourceState,
    serialize_provider,
    unknown,
)
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer

NAME = "compute"


def provider_arn(client: TemporalClient, deployment: str, build_id: str = "b1") -> str:
    group = client.describe_version(deployment, build_id).groups["default"]
    return str(group.provider_details["arn"])


# --- lifecycle --------------------------------------------------------------------------------


def test_lifecycle_create_update_refresh_delete(
    engine: EngineSession, client: TemporalClient, worker: LambdaWorker, aws: AwsEmulator
) -> None:
    deployment = unique_name("life")
    invocations_before = len(aws.invocations())

    plan = engine.up(
        NAME, lambda_inputs(worker, deployment_name=deployment), secret_inputs=["external_id"]
    )

    state = engine.state[NAME]
    assert plan.operation == "create"
    assert state.id == f"default/{deployment}/b1"
    assert state.outputs["version_created"] is True
    assert state.outputs["deployment_created"] is True
    assert state.outputs["schema_version"] == 1
    assert provider_arn(client, deployment) == worker.function_arn
    assert len(aws.invocations()) > invocations_before  # the server validated by invoking

    again = engine.preview(NAME, lambda_inputs(worker, deployment_name=deployment))
    assert again.operation == "same"
    assert again.diff is not None and again.diff.changes == "none"

    updated = lambda_inputs(worker, deployment_name=deployment, function_arn=worker.version_arn)
    plan = engine.up(NAME, updated, secret_inputs=["external_id"])
    assert plan.operation == "update"
    assert plan.calls == ["Check", "Diff", "Update"]
    assert provider_arn(client, deployment) == worker.version_arn
    assert engine.preview(NAME, updated).operation == "same"

    engine.destroy(NAME)
    with pytest.raises(NotFoundError):
        client.describe_version(deployment, "b1")
    assert not client.deployment_exists(deployment)


def test_refresh_shows_drift_and_up_restores(
    engine: EngineSession, client: TemporalClient, worker: LambdaWorker
) -> None:
    deployment = unique_name("drift")
    inputs = lambda_inputs(worker, deployment_name=deployment, function_arn=worker.version_arn)
    engine.up(NAME, inputs, secret_inputs=["external_id"])
    group = client.describe_version(deployment, "b1").groups["default"]
    drifted = dataclasses.replace(
        group, provider_details=dict(group.provider_details, arn=worker.function_arn)
    )
    client.update_compute_config(
        deployment, "b1", {"default": GroupUpdate(drifted, ("provider.details",))}, (), "drift-1"
    )

    refreshed = engine.refresh(NAME)

    assert refreshed is not None
    provider = refreshed.outputs["scaling_groups"]["default"]["provider"]
    assert provider["function_arn"] == worker.function_arn
    assert refreshed.inputs["scaling_groups"]["default"]["provider"]["function_arn"] == (
        worker.function_arn
    )
    plan = engine.preview(NAME, inputs)
    assert plan.operation == "update"
    engine.up(NAME, inputs, secret_inputs=["external_id"])
    assert provider_arn(client, deployment) == worker.version_arn
    engine.destroy(NAME)


def test_refresh_of_deleted_version_reads_gone(
    engine: EngineSession, temporal: TemporalDevServer, worker: LambdaWorker
) -> None:
    deployment = unique_name("gone")
    engine.up(NAME, lambda_inputs(worker, deployment_name=deployment))
    result = temporal.cli(
        "worker",
        "deployment",
        "delete-version",
        "--deployment-name",
        deployment,
        "--build-id",
        "b1",
    )
    assert result.returncode == 0, result.stderr

    assert engine.refresh(NAME) is None
    assert NAME not in engine.state

    # The next apply would create it again, which Temporal Server 1.32 cannot do for a
    # deployment name and build ID that had a configuration. The message names that cause.
    with pytest.raises(ProviderError) as failed:
        engine.up(NAME, lambda_inputs(worker, deployment_name=deployment))
    assert "failed internally" in failed.value.message
    assert "use a new build_id" in failed.value.message


def test_refresh_reports_status_from_cli(
    engine: EngineSession, temporal: TemporalDevServer, worker: LambdaWorker
) -> None:
    deployment = unique_name("status")
    inputs = lambda_inputs(worker, deployment_name=deployment, skip_drainage=True)
    engine.up(NAME, inputs)
    result = temporal.cli(
        "worker", "deployment", "set-current-version", "--allow-no-pollers", "--yes",
        "--deployment-name", deployment, "--build-id", "b1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    refreshed = engine.refresh(NAME)

    assert refreshed is not None
    assert refreshed.outputs["status"] == "current"
    assert engine.preview(NAME, inputs).operation == "same"


# --- diff -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "replaces"),
    [
        ({"build_id": "b2"}, ["build_id"]),
        ({"deployment_name": "other"}, ["deployment_name"]),
        ({"namespace": "elsewhere"}, ["namespace"]),
        ({"external_id": "another-external-id"}, []),
        ({"skip_drainage": True}, []),
    ],
    ids=["build_id", "deployment_name", "namespace", "external_id", "skip_drainage"],
)
def test_diff_replace_or_update(
    provider_process: ProviderProcess,
    worker: LambdaWorker,
    change: dict[str, object],
    replaces: list[str],
) -> None:
    provider = serialize_provider(ComputeConfigProvider())
    olds = lambda_inputs(worker, deployment_name="orders")
    olds.update(namespace="default", version_created=True, __provider=provider)
    news = lambda_inputs(worker, deployment_name="orders")
    news.update(change, __provider=provider)

    diff = provider_process.diff(
        "default/orders/b1", "urn:pulumi:dev::tests::t::n", olds, news, olds
    )

    assert diff.changes == "some"
    assert sorted(diff.replaces) == replaces
    assert diff.delete_before_replace is False


def test_diff_ignores_provider_value(
    provider_process: ProviderProcess, worker: LambdaWorker
) -> None:
    olds = lambda_inputs(worker, deployment_name="orders")
    olds.update(namespace="default", __provider="an older pickled provider")
    news = lambda_inputs(worker, deployment_name="orders")
    news["__provider"] = serialize_provider(ComputeConfigProvider())

    diff = provider_process.diff(
        "default/orders/b1", "urn:pulumi:dev::tests::t::n", olds, news, olds
    )

    assert diff.changes == "none"


def test_diff_makes_no_network_call(tmp_path: Path, worker: LambdaWorker) -> None:
    # The stack config points at a port nothing listens on: a network call would fail.
    with ProviderProcess.start(
        cwd=tmp_path,
        log_dir=tmp_path / "logs",
        stack_config={"temporal:address": "127.0.0.1:9"},
    ) as process:
        provider = serialize_provider(ComputeConfigProvider())
        olds = lambda_inputs(worker, deployment_name="orders")
        olds.update(namespace="default", __provider=provider)
        news = lambda_inputs(worker, deployment_name="orders", function_arn=worker.version_arn)
        news["__provider"] = provider

        diff = process.diff("default/orders/b1", "urn:pulumi:dev::tests::t::n", olds, news, olds)

    assert diff.changes == "some"
    assert diff.replaces == []


def test_preview_accepts_unknown_inputs(engine: EngineSession, worker: LambdaWorker) -> None:
    inputs = lambda_inputs(worker, deployment_name="orders")
    inputs["external_id"] = unknown()
    inputs["scaling_groups"]["default"]["provider"]["function_arn"] = unknown()
    inputs["scaling_groups"]["default"]["provider"]["role_arn"] = unknown()

    plan = engine.preview(NAME, inputs)

    assert plan.operation == "create"
    assert plan.calls == ["Check"]


def test_preview_of_existing_with_unknown_build_id_replaces(
    engine: EngineSession, worker: LambdaWorker
) -> None:
    deployment = unique_name("unknown")
    engine.up(NAME, lambda_inputs(worker, deployment_name=deployment))
    inputs = lambda_inputs(worker, deployment_name=deployment)
    inputs["build_id"] = unknown()

    plan = engine.preview(NAME, inputs)

    assert plan.operation == "replace"
    assert plan.diff is not None and plan.diff.replaces == ["build_id"]
    engine.destroy(NAME)


def test_check_failures_name_property(engine: EngineSession, worker: LambdaWorker) -> None:
    inputs = lambda_inputs(worker, deployment_name="orders", external_id="abc")
    inputs["scaling_groups"]["default"]["provider"]["function_arn"] = (
        "arn:aws:lambda:nowhere:123456789012:function:f"
    )

    with pytest.raises(CheckFailedError) as failed:
        engine.preview(NAME, inputs)

    properties = {prop for prop, _ in failed.value.failures}
    assert properties == {"external_id", "scaling_groups.default.provider.function_arn"}


# --- create edge cases ------------------------------------------------------------------------


def test_create_retry_is_harmless(
    provider_process: ProviderProcess, client: TemporalClient, worker: LambdaWorker
) -> None:
    deployment = unique_name("retry")
    props = lambda_inputs(worker, deployment_name=deployment)
    props["__provider"] = serialize_provider(ComputeConfigProvider())
    urn = "urn:pulumi:dev::tests::pulumi-python:dynamic:Resource::retry"

    first = provider_process.create(urn, props)
    second = provider_process.create(urn, props)

    assert first.id == second.id
    assert second.outputs["version_created"] is True
    state = client.describe_version(deployment, "b1")
    assert list(state.groups) == ["default"]


def test_create_attaches_to_existing_version(
    engine: EngineSession, client: TemporalClient, worker: LambdaWorker
) -> None:
    deployment = unique_name("attach")
    client.create_deployment(deployment, request_id("test", deployment))
    client.create_version(deployment, "b1", {}, request_id("test-version", deployment))

    engine.up(NAME, lambda_inputs(worker, deployment_name=deployment))

    assert engine.state[NAME].outputs["version_created"] is False
    assert engine.state[NAME].outputs["deployment_created"] is False
    assert provider_arn(client, deployment) == worker.function_arn
    engine.destroy(NAME)
    # The version was not created by the resource, so only its configuration goes.
    assert client.describe_version(deployment, "b1").groups == {}


def test_create_over_configured_version_fails(
    engine: EngineSession, client: TemporalClient, worker: LambdaWorker
) -> None:
    deployment = unique_name("taken")
    group = model.encode_group(
        lambda_inputs(worker, deployment_name=deployment)["scaling_groups"]["default"],
        worker.external_id,
    )
    client.create_deployment(deployment, request_id("test", deployment))
    client.create_version(deployment, "b1", {"default": group}, request_id("t", deployment))

    with pytest.raises(ProviderError) as failed:
        engine.up(NAME, lambda_inputs(worker, deployment_name=deployment))

    assert "already exists" in failed.value.message
    assert f"import_='default/{deployment}/b1'" in failed.value.message


def test_import_rebuilds_inputs(
    provider_process: ProviderProcess, client: TemporalClient, worker: LambdaWorker
) -> None:
    deployment = unique_name("import")
    group = model.encode_group(
        lambda_inputs(worker, deployment_name=deployment)["scaling_groups"]["default"],
        worker.external_id,
    )
    client.create_deployment(deployment, request_id("test", deployment))
    client.create_version(deployment, "b1", {"default": group}, request_id("t", deployment))
    inputs = lambda_inputs(worker, deployment_name=deployment)
    inputs["__provider"] = serialize_provider(ComputeConfigProvider())

    # With the import_ option the engine sends Read with no state, only the program's inputs.
    read = provider_process.read(f"default/{deployment}/b1", "urn:pulumi:dev::t::r::n", {}, inputs)

    assert read.id == f"default/{deployment}/b1"
    assert read.inputs is not None
    assert read.inputs["scaling_groups"]["default"]["provider"]["function_arn"] == (
        worker.function_arn
    )
    assert read.outputs["version_created"] is False


# --- delete edge cases ------------------------------------------------------------------------


def test_delete_of_gone_version_succeeds(
    engine: EngineSession, temporal: TemporalDevServer, client: TemporalClient, worker: LambdaWorker
) -> None:
    deployment = unique_name("twice")
    engine.up(NAME, lambda_inputs(worker, deployment_name=deployment))
    temporal.cli(
        "worker",
        "deployment",
        "delete-version",
        "--deployment-name",
        deployment,
        "--build-id",
        "b1",
    )

    engine.destroy(NAME)

    assert NAME not in engine.state
    with pytest.raises(NotFoundError):
        client.describe_version(deployment, "b1")
    assert not client.deployment_exists(deployment)


def test_delete_of_current_version_warns(
    engine: EngineSession, temporal: TemporalDevServer, client: TemporalClient, worker: LambdaWorker
) -> None:
    deployment = unique_name("current")
    engine.up(NAME, lambda_inputs(worker, deployment_name=deployment))
    temporal.cli(
        "worker", "deployment", "set-current-version", "--allow-no-pollers", "--yes",
        "--deployment-name", deployment, "--build-id", "b1",
    )  # fmt: skip

    engine.destroy(NAME)

    log = engine.process.stderr_text()
    assert "would not delete the version" in log
    state = client.describe_version(deployment, "b1")
    assert state.groups == {}
    assert state.status == "current"


# --- server errors become actionable messages -------------------------------------------------


def test_role_without_external_id_condition_rejected(
    engine: EngineSession,
    client: TemporalClient,
    make_worker: Callable[..., LambdaWorker],
) -> None:
    loose = make_worker(enforce_external_id=False)
    deployment = unique_name("loose")
    inputs = lambda_inputs(loose, deployment_name=deployment, check_aws_resources=False)

    with pytest.raises(ProviderError) as failed:
        engine.up(NAME, inputs, secret_inputs=["external_id"])

    message = failed.value.message
    assert "does not enforce an external ID" in message
    assert "sts:ExternalId" in message
    assert "server said: " in message  # the server's own check, not ours
    assert loose.external_id not in failed.value.details
    with pytest.raises(NotFoundError):
        client.describe_version(deployment, "b1")
    assert not client.deployment_exists(deployment)


def test_aws_check_finds_loose_trust_first(
    engine: EngineSession, client: TemporalClient, make_worker: Callable[..., LambdaWorker]
) -> None:
    loose = make_worker(enforce_external_id=False)
    deployment = unique_name("precheck")

    with pytest.raises(ProviderError) as failed:
        engine.up(NAME, lambda_inputs(loose, deployment_name=deployment))

    message = failed.value.message
    assert "scaling_groups.default.provider.role_arn" in message
    assert f"the trust policy of {loose.invoke_role_arn}" in message
    assert "without an external ID" in message
    assert not client.deployment_exists(deployment)


def test_aws_check_finds_missing_role(
    engine: EngineSession, client: TemporalClient, worker: LambdaWorker
) -> None:
    deployment = unique_name("norole")
    inputs = lambda_inputs(worker, deployment_name=deployment)
    missing_role = worker.invoke_role_arn + "-missing"
    inputs["scaling_groups"]["default"]["provider"]["role_arn"] = missing_role

    with pytest.raises(ProviderError) as failed:
        engine.up(NAME, inputs)

    assert f"the IAM role {missing_role} does not exist" in failed.value.message
    assert not client.deployment_exists(deployment)


def test_role_with_external_id_condition_accepted(
    engine: EngineSession, client: TemporalClient, make_worker: Callable[..., LambdaWorker]
) -> None:
    strict = make_worker(enforce_external_id=True)
    deployment = unique_name("strict")

    engine.up(NAME, lambda_inputs(strict, deployment_name=deployment))

    assert provider_arn(client, deployment) == strict.function_arn
    engine.destroy(NAME)


@pytest.mark.parametrize("check_aws_resources", [True, False])
def test_missing_function_is_explained(
    engine: EngineSession, worker: LambdaWorker, check_aws_resources: bool
) -> None:
    missing = worker.function_arn.replace(worker.function_name, "no-such-function")
    inputs = lambda_inputs(
        worker,
        deployment_name=unique_name("nofn"),
        function_arn=missing,
        check_aws_resources=check_aws_resources,
    )

    with pytest.raises(ProviderError) as failed:
        engine.up(NAME, inputs)

    if check_aws_resources:
        assert f"the Lambda function {missing} does not exist in us-east-1" in failed.value.message
    else:
        assert "could not see the Lambda function" in failed.value.message
        assert "lambda:GetFunction" in failed.value.message


def test_missing_namespace_is_explained(engine: EngineSession, worker: LambdaWorker) -> None:
    inputs = lambda_inputs(
        worker, deployment_name=unique_name("nons"), namespace="no-such-namespace"
    )

    with pytest.raises(ProviderError) as failed:
        engine.up(NAME, inputs)

    assert "namespace 'no-such-namespace' was not found" in failed.value.message
    assert "temporal operator namespace create" in failed.value.message


@pytest.fixture(scope="module")
def plain_server(session_dir: Path, aws: AwsEmulator) -> Iterator[TemporalDevServer]:
    """A dev server without the worker controller."""

    with TemporalDevServer.start(session_dir / "plain", aws, worker_controller=False) as server:
        yield server


def test_feature_not_enabled_is_explained(
    tmp_path: Path, plain_server: TemporalDevServer, worker: LambdaWorker
) -> None:
    with ProviderProcess.start(
        cwd=tmp_path,
        log_dir=tmp_path / "logs",
        stack_config={"temporal:address": plain_server.address},
    ) as process:
        session = EngineSession(process, ComputeConfigProvider())
        with pytest.raises(ProviderError) as failed:
            session.up(NAME, lambda_inputs(worker, deployment_name=unique_name("off")))

    message = failed.value.message
    assert "does not have serverless workers" in message
    assert "workercontroller.enabled=true" in message


def test_rejected_api_key_is_explained(
    tmp_path: Path, temporal: TemporalDevServer, worker: LambdaWorker
) -> None:
    from pulumi_temporal_compute.testing.auth_proxy import ApiKeyProxy

    wrong_key = "wrong-key-" + "x" * 20
    with (
        ApiKeyProxy(temporal.address, expected_key="the-right-key") as proxy,
        ProviderProcess.start(
            cwd=tmp_path,
            log_dir=tmp_path / "logs",
            stack_config={
                "temporal:address": proxy.address,
                "temporal:apiKey": wrong_key,
                "temporal:tls": "false",
            },
            secret_config_keys=["temporal:apiKey"],
        ) as process,
    ):
        session = EngineSession(process, ComputeConfigProvider())
        with pytest.raises(ProviderError) as failed:
            session.up(NAME, lambda_inputs(worker, deployment_name=unique_name("key")))
        log = process.stderr_text()

    assert proxy.rejected_calls >= 1
    assert "rejected the credentials" in failed.value.message
    assert "TEMPORAL_API_KEY" in failed.value.message
    assert wrong_key not in failed.value.details
    assert wrong_key not in log


def test_right_api_key_passes_proxy(
    tmp_path: Path, temporal: TemporalDevServer, client: TemporalClient, worker: LambdaWorker
) -> None:
    from pulumi_temporal_compute.testing.auth_proxy import ApiKeyProxy

    deployment = unique_name("goodkey")
    with (
        ApiKeyProxy(temporal.address, expected_key="the-right-key") as proxy,
        ProviderProcess.start(
            cwd=tmp_path,
            log_dir=tmp_path / "logs",
            stack_config={"temporal:address": proxy.address, "temporal:tls": "false"},
            env={"TEMPORAL_API_KEY": "the-right-key"},
        ) as process,
    ):
        session = EngineSession(process, ComputeConfigProvider())
        session.up(NAME, lambda_inputs(worker, deployment_name=deployment))
        rejected = proxy.rejected_calls

    assert rejected == 0
    assert provider_arn(client, deployment) == worker.function_arn


# --- secrets ----------------------------------------------------------------------------------


def test_external_id_only_in_secret_state(
    engine: EngineSession, worker: LambdaWorker, client: TemporalClient
) -> None:
    deployment = unique_name("secret")
    inputs = lambda_inputs(worker, deployment_name=deployment)

    engine.up(NAME, inputs, secret_inputs=["external_id"])
    engine.refresh(NAME)
    engine.destroy(NAME)

    log = engine.process.stderr_text() + engine.process.stdout_text()
    assert worker.external_id not in log
    assert engine.provider_is_secret is False
    assert worker.external_id not in engine.provider_value


def test_import_of_cli_created_version(
    engine: EngineSession, temporal: TemporalDevServer, client: TemporalClient, worker: LambdaWorker
) -> None:
    deployment = unique_name("cliimport")
    for args in (
        ("worker", "deployment", "create", "--name", deployment),
        (
            "worker", "deployment", "create-version",
            "--deployment-name", deployment, "--build-id", "b1",
            "--aws-lambda-function-arn", worker.function_arn,
            "--aws-lambda-assume-role-arn", worker.invoke_role_arn,
            "--aws-lambda-assume-role-external-id", worker.external_id,
        ),
    ):  # fmt: skip
        result = temporal.cli(*args)
        assert result.returncode == 0, result.stderr
    program_inputs = lambda_inputs(worker, deployment_name=deployment)
    checked = engine.process.check(
        engine.urn(NAME), {}, {**program_inputs, "__provider": engine.provider_value}
    )

    # `import_` makes the engine send Read with the program's inputs and no state, then
    # compare what Read returns with the program's inputs: they must match.
    read = engine.process.read(f"default/{deployment}/b1", engine.urn(NAME), {}, checked.inputs)

    assert read.id == f"default/{deployment}/b1"
    assert read.inputs is not None
    for key in ("deployment_name", "build_id", "scaling_groups", "external_id"):
        assert read.inputs[key] == checked.inputs[key], key
    engine.state[NAME] = ResourceState(
        urn=engine.urn(NAME), id=read.id, inputs=read.inputs, outputs=read.outputs
    )
    assert engine.preview(NAME, program_inputs).operation == "same"
    changed = lambda_inputs(worker, deployment_name=deployment, function_arn=worker.version_arn)
    assert engine.up(NAME, changed).operation == "update"
    assert provider_arn(client, deployment) == worker.version_arn
    engine.destroy(NAME)
    # An adopted version keeps existing; only its configuration is removed.
    assert client.describe_version(deployment, "b1").groups == {}
