"""Multi-group updates, preview-time validation and IAM-propagation retries, end to end."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import lambda_inputs, unique_name

from pulumi_temporal_compute.aws import policies
from pulumi_temporal_compute.client import TemporalClient
from pulumi_temporal_compute.provider import ComputeConfigProvider, group_updates
from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker
from pulumi_temporal_compute.testing.engine import (
    CheckFailedError,
    EngineSession,
    ProviderError,
    ProviderProcess,
)
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer

NAME = "groups"


def two_groups(worker: LambdaWorker, deployment: str) -> dict[str, Any]:
    inputs = lambda_inputs(worker, deployment_name=deployment)
    workflow = inputs["scaling_groups"].pop("default")
    workflow["task_queue_types"] = ["workflow"]
    activity = copy.deepcopy(workflow)
    activity["task_queue_types"] = ["activity"]
    activity["provider"]["function_arn"] = worker.version_arn
    inputs["scaling_groups"] = {"workflows": workflow, "activities": activity}
    return inputs


def server_groups(
    client: TemporalClient, deployment: str
) -> dict[str, tuple[tuple[str, ...], str]]:
    state = client.describe_version(deployment, "b1")
    return {
        name: (group.task_queue_types, str(group.provider_details["arn"]))
        for name, group in state.groups.items()
    }


def last_update_line(process: ProviderProcess) -> str:
    lines = [line for line in process.stderr_text().splitlines() if "Updating the compute" in line]
    return lines[-1] if lines else ""


def test_groups_added_changed_removed_minimally(
    engine: EngineSession, client: TemporalClient, worker: LambdaWorker
) -> None:
    deployment = unique_name("groups")
    inputs = two_groups(worker, deployment)
    engine.up(NAME, inputs)
    assert server_groups(client, deployment) == {
        "workflows": (("workflow",), worker.function_arn),
        "activities": (("activity",), worker.version_arn),
    }

    # Add a group for Nexus tasks.
    nexus = copy.deepcopy(inputs["scaling_groups"]["workflows"])
    nexus["task_queue_types"] = ["nexus"]
    inputs["scaling_groups"]["nexus"] = nexus
    assert engine.up(NAME, inputs).operation == "update"
    assert last_update_line(engine.process).endswith("group 'nexus' (new group).")
    assert set(server_groups(client, deployment)) == {"workflows", "activities", "nexus"}

    # Change one group's task queue types only.
    inputs["scaling_groups"]["nexus"]["task_queue_types"] = ["nexus", "activity"]
    inputs["scaling_groups"]["activities"]["task_queue_types"] = []
    engine.up(NAME, inputs)
    line = last_update_line(engine.process)
    assert "group 'activities' (task_queue_types)" in line
    assert "group 'nexus' (task_queue_types)" in line
    assert "workflows" not in line
    assert server_groups(client, deployment)["nexus"] == (
        ("nexus", "activity"),
        worker.function_arn,
    )

    # Remove a group.
    del inputs["scaling_groups"]["nexus"]
    engine.up(NAME, inputs)
    assert last_update_line(engine.process).endswith("remove group 'nexus'.")
    assert set(server_groups(client, deployment)) == {"workflows", "activities"}
    assert engine.preview(NAME, inputs).operation == "same"
    engine.destroy(NAME)


def test_group_updates_use_field_masks(worker: LambdaWorker) -> None:
    from pulumi_temporal_compute import model

    inputs = model.normalize_inputs(two_groups(worker, "orders"))
    old = {
        n: model.encode_group(g, worker.external_id) for n, g in inputs["scaling_groups"].items()
    }
    changed = copy.deepcopy(inputs)
    changed["scaling_groups"]["activities"]["provider"]["function_arn"] = worker.function_arn
    new = {
        n: model.encode_group(g, worker.external_id) for n, g in changed["scaling_groups"].items()
    }

    updates = group_updates(old, new)

    assert list(updates) == ["activities"]
    assert updates["activities"].paths == ("provider.details",)


def test_preview_validates_changed_group_on_server(
    engine: EngineSession,
    client: TemporalClient,
    worker: LambdaWorker,
    make_worker: Callable[..., LambdaWorker],
) -> None:
    deployment = unique_name("validate")
    inputs = lambda_inputs(worker, deployment_name=deployment)
    engine.up(NAME, inputs)
    loose = make_worker(enforce_external_id=False)
    bad = lambda_inputs(worker, deployment_name=deployment, check_aws_resources=False)
    bad["scaling_groups"]["default"]["provider"]["role_arn"] = loose.invoke_role_arn

    with pytest.raises(CheckFailedError) as failed:
        engine.preview(NAME, bad)

    (prop, reason), *_ = failed.value.failures
    assert prop == "scaling_groups"
    assert "does not enforce an external ID" in reason
    assert worker.external_id not in reason
    # The preview changed nothing on the server.
    group = client.describe_version(deployment, "b1").groups["default"]
    assert group.provider_details["role"] == worker.invoke_role_arn

    bad["validate_on_preview"] = False
    assert engine.preview(NAME, bad).operation == "update"
    engine.destroy(NAME)


def test_preview_with_unreachable_server_warns(
    tmp_path: Path, engine: EngineSession, worker: LambdaWorker, aws: AwsEmulator
) -> None:
    deployment = unique_name("offline")
    inputs = lambda_inputs(worker, deployment_name=deployment)
    engine.up(NAME, inputs)
    state = engine.state[NAME]

    # A second provider process whose stack config points at a closed port.
    with ProviderProcess.start(
        cwd=tmp_path,
        log_dir=tmp_path / "offline",
        project="tests",
        stack_config={
            "temporal:address": "127.0.0.1:9",
            "temporal:validateTimeoutSeconds": "2",
        },
        env=aws.aws_env(),
    ) as offline:
        session = EngineSession(offline, ComputeConfigProvider())
        session.state[NAME] = state
        changed = lambda_inputs(worker, deployment_name=deployment, function_arn=worker.version_arn)

        started = time.monotonic()
        plan = session.preview(NAME, changed)
        elapsed = time.monotonic() - started
        log = offline.stderr_text()

    assert plan.operation == "update"
    assert "Could not validate the compute configuration" in log
    assert elapsed < 30
    engine.destroy(NAME)


def test_create_waits_for_iam_to_settle(
    tmp_path: Path,
    aws: AwsEmulator,
    temporal: TemporalDevServer,
    client: TemporalClient,
    make_worker: Callable[..., LambdaWorker],
) -> None:
    # A role whose trust policy does not yet trust the server's account, fixed 3 s later:
    # what a just-created or just-changed role looks like while IAM changes propagate.
    worker = make_worker()
    iam = aws.client("iam")
    role_name = worker.invoke_role_arn.rsplit("/", 1)[-1]
    trusted = policies.invoke_role_trust_policy(
        [f"arn:aws:iam::{aws.account_id}:root"], worker.external_id
    )
    not_yet = copy.deepcopy(trusted)
    not_yet["Statement"][0]["Principal"] = {"AWS": "arn:aws:iam::111111111111:root"}
    iam.update_assume_role_policy(RoleName=role_name, PolicyDocument=json.dumps(not_yet))
    fix = threading.Timer(
        3.0,
        lambda: iam.update_assume_role_policy(
            RoleName=role_name, PolicyDocument=json.dumps(trusted)
        ),
    )
    deployment = unique_name("iam")

    with ProviderProcess.start(
        cwd=tmp_path,
        log_dir=tmp_path / "logs",
        project="tests",
        stack_config={"temporal:address": temporal.address},
        env=aws.aws_env(),
    ) as process:
        session = EngineSession(process, ComputeConfigProvider())
        fix.start()
        try:
            session.up(NAME, lambda_inputs(worker, deployment_name=deployment))
        finally:
            fix.join()
        log = process.stderr_text()

    assert "Temporal could not assume the role yet" in log
    assert client.describe_version(deployment, "b1").groups["default"].provider_type == "aws-lambda"


def test_create_gives_up_on_iam_after_limit(
    tmp_path: Path,
    aws: AwsEmulator,
    temporal: TemporalDevServer,
    client: TemporalClient,
    make_worker: Callable[..., LambdaWorker],
) -> None:
    worker = make_worker()
    iam = aws.client("iam")
    role_name = worker.invoke_role_arn.rsplit("/", 1)[-1]
    never = policies.invoke_role_trust_policy(
        ["arn:aws:iam::111111111111:root"], worker.external_id
    )
    iam.update_assume_role_policy(RoleName=role_name, PolicyDocument=json.dumps(never))
    deployment = unique_name("iamfail")

    with ProviderProcess.start(
        cwd=tmp_path,
        log_dir=tmp_path / "logs",
        project="tests",
        stack_config={
            "temporal:address": temporal.address,
            "temporal:iamPropagationTimeoutSeconds": "2",
        },
        env=aws.aws_env(),
    ) as process:
        session = EngineSession(process, ComputeConfigProvider())
        with pytest.raises(ProviderError) as failed:
            session.up(NAME, lambda_inputs(worker, deployment_name=deployment))

    assert "could not assume the IAM role" in failed.value.message
    assert "temporal:iamPropagationTimeoutSeconds" in failed.value.message
    assert not client.deployment_exists(deployment)
