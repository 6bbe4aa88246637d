"""State written by an earlier release keeps working: refresh, update and delete on it.

`fixtures/state-<release>.json` holds what the engine stored for a compute config
resource made by that release, `__provider` pickle included, with placeholders
for the names and ARNs this test creates. Add a fixture for each release that
changes the state's layout, and keep the old ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import lambda_inputs, unique_name

from pulumi_temporal_compute import model
from pulumi_temporal_compute.client import TemporalClient, request_id
from pulumi_temporal_compute.errors import NotFoundError
from pulumi_temporal_compute.provider import SCHEMA_VERSION
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker
from pulumi_temporal_compute.testing.engine import EngineSession, ResourceState

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("state-*.json"))
NAME = "compute"


def load_state(path: Path, values: dict[str, str], urn: str) -> ResourceState:
    text = path.read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    document: dict[str, Any] = json.loads(text)
    return ResourceState(
        urn=urn,
        id=document["id"],
        inputs=document["inputs"],
        outputs=document["outputs"],
        secret_inputs=frozenset(document["secret_inputs"]),
        secret_outputs=frozenset(document["secret_outputs"]),
    )


def test_fixtures_exist() -> None:
    assert [path.name for path in FIXTURES][:1] == ["state-0.1.0.json"]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_old_state_refresh_update_delete(
    fixture: Path,
    engine: EngineSession,
    client: TemporalClient,
    make_worker: Callable[..., LambdaWorker],
) -> None:
    worker = make_worker()
    deployment = unique_name("upgrade")
    state = load_state(
        fixture,
        {
            "deployment": deployment,
            "function_arn": worker.function_arn,
            "role_arn": worker.invoke_role_arn,
            "external_id": worker.external_id,
        },
        engine.urn(NAME),
    )
    # What the old release made on the server, made here the same way.
    groups = {
        name: model.encode_group(group, worker.external_id)
        for name, group in state.inputs["scaling_groups"].items()
    }
    build_id = state.inputs["build_id"]
    client.create_deployment(deployment, request_id("fixture", deployment))
    client.create_version(deployment, build_id, groups, request_id("fixture", deployment, build_id))
    engine.state[NAME] = state

    refreshed = engine.refresh(NAME)
    assert refreshed is not None
    assert refreshed.outputs["schema_version"] == SCHEMA_VERSION
    assert refreshed.outputs["scaling_groups"] == state.outputs["scaling_groups"]
    unchanged = lambda_inputs(worker, deployment_name=deployment, build_id=build_id)
    assert engine.preview(NAME, unchanged).operation == "same"

    changed = lambda_inputs(
        worker, deployment_name=deployment, build_id=build_id, function_arn=worker.version_arn
    )
    assert engine.up(NAME, changed, secret_inputs=["external_id"]).operation == "update"
    arn = client.describe_version(deployment, build_id).groups["default"].provider_details["arn"]
    assert arn == worker.version_arn

    engine.destroy(NAME)
    with pytest.raises(NotFoundError):
        client.describe_version(deployment, build_id)
