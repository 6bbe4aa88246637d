"""Routing as code: which version of a Worker Deployment is current, and which one ramps.

`WorkerDeploymentRouting` sets the current version (or unversioned workers)
and, optionally, a ramping version with a percentage. It works for versions
that no worker has polled yet, as serverless versions are until the server
starts a worker, and it checks that each version exists first: with
`allow_no_pollers` the server would otherwise create an empty version.

Every change carries the conflict token of the routing it was computed from,
and a routing that changed since Pulumi last saw it is reported, not
overwritten.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from pulumi_temporal_compute import model
from pulumi_temporal_compute.provider_base import TemporalProvider

ON_DELETE_KEEP = "keep"
ON_DELETE_UNVERSIONED = "unversioned"
ROUTING_KEYS = ("current_build_id", "ramping_build_id", "ramping_percentage")
# Temporal Server 1.32 took about a second to pass a routing change on to the task queues
# of a deployment with one task queue. This bounds the wait.
PROPAGATION_TIMEOUT_SECONDS = 60.0
REPLACE_KEYS = ("namespace", "deployment_name")


def _normalize(props: Mapping[str, Any]) -> dict[str, Any]:
    normalized = {k: v for k, v in props.items() if k != "__provider"}
    for key in ("namespace", "current_build_id", "ramping_build_id"):
        if normalized.get(key) is None:
            normalized[key] = ""
    if normalized.get("ramping_percentage") is None:
        normalized["ramping_percentage"] = 0.0
    if normalized.get("on_delete") is None:
        normalized["on_delete"] = ON_DELETE_KEEP
    percentage = normalized["ramping_percentage"]
    if isinstance(percentage, int | float) and not isinstance(percentage, bool):
        normalized["ramping_percentage"] = float(percentage)
    return normalized


class RoutingProvider(TemporalProvider):
    """Sets and reads a Worker Deployment's current and ramping versions."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = _normalize(news)
        failures: list[CheckFailure] = []

        deployment = inputs.get("deployment_name")
        if not model.is_unknown(deployment) and (not isinstance(deployment, str) or not deployment):
            failures.append(
                CheckFailure("deployment_name", "the Worker Deployment name is required.")
            )
        for key in ("current_build_id", "ramping_build_id"):
            value = inputs[key]
            if not model.is_unknown(value) and not isinstance(value, str):
                failures.append(CheckFailure(key, "must be a build ID string."))

        current, ramping = inputs["current_build_id"], inputs["ramping_build_id"]
        percentage = inputs["ramping_percentage"]
        if not model.is_unknown(percentage):
            if not isinstance(percentage, float) or not 0 <= percentage <= 100:
                failures.append(
                    CheckFailure(
                        "ramping_percentage", f"must be a number from 0 to 100, not {percentage!r}."
                    )
                )
            elif percentage and isinstance(ramping, str) and not ramping:
                failures.append(
                    CheckFailure(
                        "ramping_percentage",
                        "a ramp needs a version: set ramping_build_id, or set the percentage to 0.",
                    )
                )
        if isinstance(current, str) and isinstance(ramping, str) and current and current == ramping:
            failures.append(
                CheckFailure(
                    "ramping_build_id",
                    f"{ramping!r} is already the current version; ramp a different build ID.",
                )
            )
        on_delete = inputs["on_delete"]
        if not model.is_unknown(on_delete) and on_delete not in (
            ON_DELETE_KEEP,
            ON_DELETE_UNVERSIONED,
        ):
            failures.append(
                CheckFailure(
                    "on_delete",
                    f"must be {ON_DELETE_KEEP!r} (leave routing as it is) or "
                    f"{ON_DELETE_UNVERSIONED!r} (route new workflows to unversioned workers).",
                )
            )
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        news = _normalize(news)
        olds = _normalize(olds)
        changed = []
        replaces = []
        for key in (*REPLACE_KEYS, *ROUTING_KEYS, "connection", "on_delete"):
            new_value = news.get(key)
            namespace_from_connection = (
                key == "namespace"
                and not new_value
                and not model.is_unknown(new_value)
                and not model.contains_unknown(news.get("connection"))
            )
            if namespace_from_connection:
                new_value = self._settings(news).namespace
            if model.contains_unknown(new_value) or new_value != olds.get(key):
                changed.append(key)
                if key in REPLACE_KEYS:
                    replaces.append(key)
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=True)

    def _apply(
        self, client: Any, props: Mapping[str, Any], expected: Mapping[str, Any] | None
    ) -> set[str]:
        """Bring the server's routing to `props`; `expected` is the routing Pulumi last saw.

        Returns the build IDs routing pointed at before and after.
        """

        from pulumi_temporal_compute.errors import NotFoundError, TemporalComputeError

        deployment = props["deployment_name"]
        for key in ("current_build_id", "ramping_build_id"):
            build_id = props[key]
            if not build_id:
                continue
            try:
                client.describe_version(deployment, build_id)
            except NotFoundError:
                raise TemporalComputeError(
                    f"{key}: Worker Deployment Version {deployment}/{build_id} does not exist. "
                    "Create it first (for example with WorkerDeploymentVersionComputeConfig, "
                    "and make this resource depend on it); routing to a missing version would "
                    "make the server create an empty one."
                ) from None

        routing = client.describe_routing(deployment)
        seen = {
            "current_build_id": routing.current_build_id,
            "ramping_build_id": routing.ramping_build_id,
            "ramping_percentage": routing.ramping_percentage,
        }
        if expected is not None:
            expected_routing = {key: expected.get(key) for key in ROUTING_KEYS}
            if seen != expected_routing:
                raise TemporalComputeError(
                    f"the routing of Worker Deployment {deployment} changed outside Pulumi: the "
                    f"server has {_describe(seen)}, Pulumi last saw {_describe(expected_routing)}. "
                    "Run `pulumi refresh` to accept the server's routing, then `pulumi up` again."
                )

        token = routing.conflict_token
        current, ramping = props["current_build_id"], props["ramping_build_id"]
        percentage = props["ramping_percentage"]
        # Stop a ramp that is no longer wanted first, so promoting the ramping version to
        # current never leaves it ramping as well.
        if seen["ramping_build_id"] and seen["ramping_build_id"] != ramping:
            token = client.set_ramping_version(deployment, "", 0.0, token)
        if seen["current_build_id"] != current:
            token = client.set_current_version(deployment, current, token)
        if ramping and (
            seen["ramping_build_id"] != ramping or seen["ramping_percentage"] != percentage
        ):
            client.set_ramping_version(deployment, ramping, percentage, token)
        return {current, ramping, seen["current_build_id"], seen["ramping_build_id"]}

    def _wait_until_propagated(self, client: Any, deployment: str, build_ids: set[str]) -> None:
        """Wait until the task queues follow the new routing, so workflows started right after
        `pulumi up` go to the new version. The routing is already set, so a timeout warns.

        The server passes routing on to the task queues of the versions involved. Versions
        that no worker has polled have none, and then the server reports the change as in
        progress for as long as that lasts, so there is nothing to wait for.
        """

        from pulumi_temporal_compute.errors import NotFoundError

        def has_task_queues(build_id: str) -> bool:
            try:
                return bool(client.describe_version(deployment, build_id).task_queues)
            except NotFoundError:
                return False

        if not any(has_task_queues(build_id) for build_id in build_ids if build_id):
            return
        give_up_at = time.monotonic() + PROPAGATION_TIMEOUT_SECONDS
        while not client.describe_routing(deployment).propagated:
            if time.monotonic() > give_up_at:
                pulumi.log.warn(
                    f"The routing of Worker Deployment {deployment} is set, but the server had "
                    f"not passed it on to every task queue after {PROPAGATION_TIMEOUT_SECONDS:.0f} "
                    "s; workflows started until it has follow the old routing."
                )
                return
            time.sleep(0.2)

    def create(self, props: dict[str, Any]) -> CreateResult:
        props = _normalize(props)
        with self._client(props) as client:
            namespace = client.settings.namespace
            involved = self._apply(client, props, None)
            self._wait_until_propagated(client, props["deployment_name"], involved)
        outputs = dict(props, namespace=namespace)
        return CreateResult(f"{namespace}/{props['deployment_name']}", outputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        news = _normalize(news)
        olds = _normalize(olds)
        with self._client(news) as client:
            namespace = client.settings.namespace
            if any(news[key] != olds.get(key) for key in ROUTING_KEYS):
                involved = self._apply(client, news, olds)
                self._wait_until_propagated(client, news["deployment_name"], involved)
        return UpdateResult(dict(news, namespace=namespace))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        from pulumi_temporal_compute.errors import NamespaceNotFoundError, NotFoundError

        namespace, _, deployment = id_.partition("/")
        props = _normalize(props)
        lookup = dict(props, namespace=namespace, deployment_name=deployment)
        with self._client(lookup) as client:
            try:
                routing = client.describe_routing(deployment)
            except NamespaceNotFoundError:
                raise
            except NotFoundError:
                return ReadResult("", {})
        outputs = dict(
            lookup,
            current_build_id=routing.current_build_id,
            ramping_build_id=routing.ramping_build_id,
            ramping_percentage=routing.ramping_percentage,
        )
        inputs_keys = (*REPLACE_KEYS, *ROUTING_KEYS, "connection", "on_delete")
        return ReadResult(id_, outputs, {k: outputs[k] for k in inputs_keys if k in outputs})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        from pulumi_temporal_compute.errors import NotFoundError

        props = _normalize(props)
        deployment = props["deployment_name"]
        if props["on_delete"] != ON_DELETE_UNVERSIONED:
            pulumi.log.info(
                f"Left the routing of Worker Deployment {deployment} as it is (on_delete='keep')."
            )
            return
        with self._client(props) as client:
            try:
                routing = client.describe_routing(deployment)
            except NotFoundError:
                return
            token = routing.conflict_token
            if routing.ramping_build_id:
                token = client.set_ramping_version(deployment, "", 0.0, token)
            if routing.current_build_id:
                client.set_current_version(deployment, "", token)
        pulumi.log.info(f"Routed new workflows of {deployment} to unversioned workers.")


def _describe(routing: Mapping[str, Any]) -> str:
    current = routing.get("current_build_id") or "unversioned"
    text = f"current {current}"
    if routing.get("ramping_build_id"):
        text += f", ramping {routing['ramping_build_id']} at {routing['ramping_percentage']:g}%"
    return text


@dataclass
class WorkerDeploymentRoutingArgs:
    """Inputs of `WorkerDeploymentRouting`."""

    deployment_name: pulumi.Input[str]
    """Worker Deployment whose routing this sets. Changing it replaces the resource."""
    current_build_id: pulumi.Input[str] | None = None
    """Build ID of the current version; empty or None routes to unversioned workers."""
    ramping_build_id: pulumi.Input[str] | None = None
    """Build ID that gets `ramping_percentage` of new workflows; None for no ramp."""
    ramping_percentage: pulumi.Input[float] | None = None
    """Share of new workflows, 0 to 100, sent to the ramping version."""
    namespace: pulumi.Input[str] | None = None
    connection: Any = None
    """`ConnectionArgs` from pulumi_temporal_compute.resource; see its documentation."""
    on_delete: pulumi.Input[str] | None = None
    """`keep` (default): deleting this resource leaves routing as it is. `unversioned`:
    it routes new workflows to unversioned workers and stops any ramp."""


class WorkerDeploymentRouting(pulumi.dynamic.Resource):
    """The current and ramping versions of one Worker Deployment."""

    current_build_id: pulumi.Output[str]
    ramping_build_id: pulumi.Output[str]
    ramping_percentage: pulumi.Output[float]

    def __init__(
        self,
        resource_name: str,
        args: WorkerDeploymentRoutingArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "namespace": args.namespace,
            "deployment_name": args.deployment_name,
            "current_build_id": args.current_build_id,
            "ramping_build_id": args.ramping_build_id,
            "ramping_percentage": args.ramping_percentage,
            "connection": args.connection.to_props() if args.connection else None,
            "on_delete": args.on_delete,
        }
        secret_outputs = pulumi.ResourceOptions(additional_secret_outputs=["connection"])
        super().__init__(
            RoutingProvider(),
            resource_name,
            props,
            pulumi.ResourceOptions.merge(secret_outputs, opts),
        )
