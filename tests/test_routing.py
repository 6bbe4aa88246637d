"""WorkerDeploymentRouting through the real dynamic-provider server against the dev server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import lambda_inputs, unique_name

from pulumi_temporal_compute.client import TemporalClient
from pulumi_temporal_compute.errors import NotFoundError
from pulumi_temporal_compute.provider import ComputeConfigProvider
from pulumi_temporal_compute.routing import RoutingProvider
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker
from pulumi_temporal_compute.testing.engine import (
    CheckFailedError,
    EngineSession,
    ProviderError,
    ProviderProcess,
)
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer


@pytest.fixture
def routing(provider_process: ProviderProcess) -> EngineSession:
    return EngineSession(provider_process, RoutingProvider())


@pytest.fixture
def versions(
    provider_process: ProviderProcess, worker: LambdaWorker
) -> Callable[..., tuple[str, EngineSession]]:
    """Create serverless versions (never polled) of a fresh deployment."""

    def make(*build_ids: str) -> tuple[str, EngineSession]:
        deployment = unique_name("route")
        configs = EngineSession(provider_process, ComputeConfigProvider())
        for build_id in build_ids:
            configs.up(
                build_id,
                lambda_inputs(worker, deployment_name=deployment, build_id=build_id),
            )
        return deployment, configs

    return make


def route(
    deployment: str, current: str = "", ramping: str = "", percentage: float = 0
) -> dict[str, Any]:
    return {
        "deployment_name": deployment,
        "current_build_id": current,
        "ramping_build_id": ramping,
        "ramping_percentage": percentage,
    }


def test_rollout_ramp_promote_retire(
    routing: EngineSession,
    versions: Callable[..., tuple[str, EngineSession]],
    client: TemporalClient,
) -> None:
    deployment, configs = versions("v1", "v2")

    plan = routing.up("routing", route(deployment, current="v1"))
    assert plan.operation == "create"
    state = client.describe_routing(deployment)
    assert state.current_build_id == "v1"
    assert client.describe_version(deployment, "v1").status == "current"

    routing.up("routing", route(deployment, current="v1", ramping="v2", percentage=25))
    state = client.describe_routing(deployment)
    assert (state.ramping_build_id, state.ramping_percentage) == ("v2", 25.0)
    assert routing.preview("routing", route(deployment, "v1", "v2", 25)).operation == "same"

    routing.up("routing", route(deployment, current="v2"))
    state = client.describe_routing(deployment)
    assert state.current_build_id == "v2"
    assert state.ramping_build_id == ""

    # Retire v1: it drains after leaving current, so skip drainage to delete it now.
    v1_inputs = {k: v for k, v in configs.state["v1"].inputs.items() if k != "__provider"}
    configs.up("v1", {**v1_inputs, "skip_drainage": True})
    configs.destroy("v1")
    with pytest.raises(NotFoundError):
        client.describe_version(deployment, "v1")
    assert client.describe_routing(deployment).current_build_id == "v2"


def test_missing_version_rejected_and_not_created(
    routing: EngineSession,
    versions: Callable[..., tuple[str, EngineSession]],
    client: TemporalClient,
) -> None:
    deployment, _ = versions("v1")

    with pytest.raises(ProviderError) as failed:
        routing.up("routing", route(deployment, current="v9"))

    assert "current_build_id" in failed.value.message
    assert f"{deployment}/v9 does not exist" in failed.value.message
    with pytest.raises(NotFoundError):
        client.describe_version(deployment, "v9")


def test_change_outside_pulumi_is_not_overwritten(
    routing: EngineSession,
    versions: Callable[..., tuple[str, EngineSession]],
    temporal: TemporalDevServer,
    client: TemporalClient,
) -> None:
    deployment, _ = versions("v1", "v2")
    routing.up("routing", route(deployment, current="v1"))
    result = temporal.cli(
        "worker", "deployment", "set-current-version", "--allow-no-pollers", "--yes",
        "--deployment-name", deployment, "--build-id", "v2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    with pytest.raises(ProviderError) as failed:
        routing.up("routing", route(deployment, current="v1", ramping="v2", percentage=10))

    assert "changed outside Pulumi" in failed.value.message
    assert "pulumi refresh" in failed.value.message
    assert client.describe_routing(deployment).current_build_id == "v2"

    refreshed = routing.refresh("routing")
    assert refreshed is not None
    assert refreshed.outputs["current_build_id"] == "v2"
    routing.up("routing", route(deployment, current="v1"))
    assert client.describe_routing(deployment).current_build_id == "v1"


@pytest.mark.parametrize(("on_delete", "expected"), [("keep", "v1"), ("unversioned", "")])
def test_delete_follows_on_delete(
    routing: EngineSession,
    versions: Callable[..., tuple[str, EngineSession]],
    client: TemporalClient,
    on_delete: str,
    expected: str,
) -> None:
    deployment, _ = versions("v1")
    routing.up("routing", {**route(deployment, current="v1"), "on_delete": on_delete})

    routing.destroy("routing")

    assert client.describe_routing(deployment).current_build_id == expected


@pytest.mark.parametrize(
    ("inputs", "prop"),
    [
        ({"ramping_build_id": "v2", "ramping_percentage": 101}, "ramping_percentage"),
        ({"ramping_percentage": 10}, "ramping_percentage"),
        (
            {"current_build_id": "v1", "ramping_build_id": "v1", "ramping_percentage": 5},
            "ramping_build_id",
        ),
        ({"on_delete": "erase"}, "on_delete"),
        ({"deployment_name": ""}, "deployment_name"),
    ],
    ids=[
        "percentage over 100",
        "ramp without version",
        "ramp current",
        "on_delete",
        "no deployment",
    ],
)
def test_bad_routing_input_names_property(
    routing: EngineSession, inputs: dict[str, Any], prop: str
) -> None:
    with pytest.raises(CheckFailedError) as failed:
        routing.preview("routing", {**route("orders", current="v1"), **inputs})

    assert prop in {name for name, _ in failed.value.failures}
