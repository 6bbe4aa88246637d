"""The Pulumi dynamic provider for the compute configuration of a Worker Deployment Version.

This is the only module that speaks the engine's vocabulary. It joins the
plain-value model (`model`) and the gRPC client (`client`).

Engine behaviour this module relies on (pulumi 3.272, `pulumi/dynamic/__main__.py`):

- The provider object is pickled into every resource's `__provider` input. The
  class lives in this installed module, so it is pickled by reference, and the
  instance holds no client, channel or configuration (see `__getstate__`).
- `configure` runs once per provider process with the whole stack config.
- `diff` gets the old *outputs* as `olds`. It must return True or False, because
  otherwise the engine compares `__provider` itself and shows a change on every
  upgrade.
- Secret markers are stripped before every call; the engine marks an output
  secret when the input of the same top-level name was secret.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from pulumi_temporal_compute import model
from pulumi_temporal_compute.connection import CONNECTION_KEYS, ConnectionError_, resolve_connection
from pulumi_temporal_compute.provider_base import (
    DEFAULT_IAM_PROPAGATION_TIMEOUT,
    DEFAULT_VALIDATE_TIMEOUT,
    IAM_WAIT_CONFIG_KEY,
    VALIDATE_TIMEOUT_CONFIG_KEY,
    TemporalProvider,
)

SCHEMA_VERSION = 1

# Inputs whose change needs a new Worker Deployment Version.
REPLACE_KEYS = ("namespace", "deployment_name", "build_id")
# Inputs that are compared to decide whether anything changed.
COMPARED_KEYS = (*REPLACE_KEYS, "scaling_groups", "external_id", "connection", "skip_drainage")

INPUT_KEYS = COMPARED_KEYS
# Error kinds that mean "try again later", not "the server refuses this".
TRANSIENT_KINDS = frozenset({"unavailable", "deadline", "exhausted", "credentials", "internal"})
# Keys of the outputs that are not inputs.
OUTPUT_ONLY_KEYS = ("version_created", "deployment_created", "schema_version")
# Outputs that only a refresh fills in, from what the server reports.
READ_ONLY_KEYS = ("status",)


def resource_id(namespace: str, deployment_name: str, build_id: str) -> str:
    """Return the id of a resource: `<namespace>/<deployment name>/<build id>`."""

    return f"{namespace}/{deployment_name}/{build_id}"


def parse_resource_id(value: str) -> tuple[str, str, str]:
    """Split an id made by `resource_id`; the build ID may itself contain '/'."""

    parts = value.split("/", 2)
    if len(parts) != 3 or not all(parts):
        raise ValueError(
            f"invalid resource id {value!r}: expected <namespace>/<deployment name>/<build id>, "
            "for example default/orders/v1"
        )
    return parts[0], parts[1], parts[2]


class ComputeConfigProvider(TemporalProvider):
    """Creates, reads, updates and deletes one Version's compute configuration."""

    def _secrets(self, props: Mapping[str, Any]) -> Sequence[str]:
        return [props.get("external_id") or ""]

    def _check_aws(self, props: Mapping[str, Any]) -> None:
        """Check the Lambda functions and roles with the deployer's AWS credentials."""

        if props.get("check_aws_resources") is False:
            return
        groups = props["scaling_groups"]
        if not any(g["provider"]["type"] == model.AWS_LAMBDA for g in groups.values()):
            return
        from pulumi_temporal_compute.aws.checks import check_lambda_groups

        problems = check_lambda_groups(groups, props.get("external_id") or "")
        if problems:
            raise model.InputError([model.Failure(p.property, p.message) for p in problems])

    def _retry_while_iam_settles(self, action: Callable[[], None], what: str) -> None:
        """Run `action`, retrying while Temporal cannot yet assume a newly changed role."""

        from pulumi_temporal_compute.errors import TemporalComputeError

        limit = self._config_number(IAM_WAIT_CONFIG_KEY, DEFAULT_IAM_PROPAGATION_TIMEOUT)
        deadline = time.monotonic() + limit
        delay = 1.0
        attempt = 1
        while True:
            try:
                action()
                return
            except TemporalComputeError as error:
                if error.kind != "assume_role" or time.monotonic() + delay > deadline:
                    if error.kind == "assume_role" and attempt > 1:
                        raise TemporalComputeError(
                            f"{error} Retried for {limit:.0f} s (stack config "
                            f"{IAM_WAIT_CONFIG_KEY} sets how long).",
                            error.code,
                            error.kind,
                        ) from None
                    raise
                pulumi.log.info(
                    f"Temporal could not assume the role yet while trying to {what} "
                    f"(attempt {attempt}); IAM changes can take a few seconds to apply. "
                    f"Retrying in {delay:.0f} s."
                )
                time.sleep(delay)
                delay = min(delay * 2, 8.0)
                attempt += 1

    # --- check and diff ------------------------------------------------------------------------

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = model.normalize_inputs({k: v for k, v in news.items() if k != "__provider"})
        failures = model.validate_inputs(inputs)

        connection = inputs.get("connection")
        if not (
            connection is None or model.is_unknown(connection) or isinstance(connection, Mapping)
        ):
            failures.append(model.Failure("connection", "must be an object."))
        elif not model.contains_unknown(connection):
            unknown_keys = sorted(set(connection or {}) - CONNECTION_KEYS)
            if unknown_keys:
                failures.append(
                    model.Failure(
                        "connection",
                        f"unknown settings {', '.join(unknown_keys)}; the settings are "
                        f"{', '.join(sorted(CONNECTION_KEYS))}.",
                    )
                )
            # Also without a `connection` input, so that a bad temporal:* stack setting
            # or TEMPORAL_* variable shows in preview and not only in up.
            try:
                resolve_connection(connection or {}, self._stack_config.get)
            except ConnectionError_ as error:
                failures.append(model.Failure("connection", str(error)))

        for key in ("skip_drainage", "validate_on_preview", "check_aws_resources"):
            value = inputs.get(key)
            if value is not None and not model.is_unknown(value) and not isinstance(value, bool):
                failures.append(model.Failure(key, f"must be true or false, not {value!r}."))

        if not failures and olds and not model.contains_unknown(inputs):
            failures.extend(self._validate_on_server(olds, inputs))

        return CheckResult(inputs, [CheckFailure(f.property, f.reason) for f in failures])

    def _validate_on_server(
        self, old_inputs: Mapping[str, Any], inputs: Mapping[str, Any]
    ) -> list[model.Failure]:
        """Ask the server to validate changed scaling groups of an existing version.

        This runs in `check`, so `pulumi preview` shows a wrong ARN or role in code
        review. The validate RPC changes nothing. Temporal Server 1.32 replies only
        for a version that already has a compute configuration (for any other it waits
        until the deadline), so a new version is checked when it is created instead.
        """

        from pulumi_temporal_compute.errors import TemporalComputeError

        if inputs.get("validate_on_preview") is False:
            return []
        if all(old_inputs.get(key) == inputs.get(key) for key in ("scaling_groups", "external_id")):
            return []  # the usual case: nothing the server would check has changed
        old_inputs = model.normalize_inputs(
            {k: v for k, v in old_inputs.items() if k != "__provider"}
        )
        if model.contains_unknown(old_inputs) or model.validate_inputs(old_inputs):
            return []
        if any(old_inputs.get(key) != inputs.get(key) for key in REPLACE_KEYS):
            return []  # a replacement: the version to validate against does not exist yet
        old_groups = self._encoded_groups(old_inputs)
        new_groups = self._encoded_groups(inputs)
        upserts = group_updates(old_groups, new_groups)
        if not upserts:
            return []

        timeout = self._config_number(VALIDATE_TIMEOUT_CONFIG_KEY, DEFAULT_VALIDATE_TIMEOUT)
        try:
            with self._client(inputs, timeout=timeout) as client:
                client.validate_compute_config(
                    inputs["deployment_name"], inputs["build_id"], upserts, (), timeout=timeout
                )
        except TemporalComputeError as error:
            if error.kind in ("unavailable", "deadline", "exhausted", "internal", ""):
                pulumi.log.warn(
                    "Could not validate the compute configuration of "
                    f"{inputs['deployment_name']}/{inputs['build_id']} on the server during "
                    f"preview: {error}. It is checked again when it is applied."
                )
                return []
            names = ", ".join(sorted(upserts))
            return [model.Failure("scaling_groups", f"the server rejected group {names}: {error}")]
        return []

    def _resolved_namespace(self, props: Mapping[str, Any]) -> Any:
        namespace = props.get("namespace")
        if model.is_unknown(namespace) or namespace:
            return namespace
        connection = props.get("connection")
        if model.is_unknown(connection):
            return connection
        if isinstance(connection, Mapping):
            if model.is_unknown(connection.get("namespace")):
                return connection["namespace"]
            # Other settings not known yet (the address, TLS) do not change the namespace.
            connection = {k: v for k, v in connection.items() if not model.contains_unknown(v)}
        return self._settings({**props, "connection": connection}).namespace

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        news = model.normalize_inputs(news)
        olds = model.normalize_inputs(olds)
        changed: list[str] = []
        replaces: list[str] = []
        for key in COMPARED_KEYS:
            if key == "namespace":
                new_value = self._resolved_namespace(news)
                old_value = olds.get("namespace")
            else:
                new_value = news.get(key)
                old_value = olds.get(key)
                if key == "skip_drainage":
                    new_value = bool(new_value) if not model.is_unknown(new_value) else new_value
                    old_value = bool(old_value)
                if key == "connection":
                    new_value = new_value or {}
                    old_value = old_value or {}
            if model.contains_unknown(new_value) or new_value != old_value:
                changed.append(key)
                if key in REPLACE_KEYS:
                    replaces.append(key)

        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            stables=[key for key in REPLACE_KEYS if key not in replaces],
            delete_before_replace=False,
        )

    # --- create --------------------------------------------------------------------------------

    def _encoded_groups(self, props: Mapping[str, Any]) -> dict[str, model.EncodedGroup]:
        external_id = props.get("external_id") or None
        return {
            name: model.encode_group(group, external_id)
            for name, group in sorted(props["scaling_groups"].items())
        }

    def _validate_or_raise(self, props: Mapping[str, Any]) -> None:
        failures = model.validate_inputs(props)
        if failures:
            raise model.InputError(failures)

    def create(self, props: dict[str, Any]) -> CreateResult:
        from pulumi_temporal_compute.client import request_id
        from pulumi_temporal_compute.errors import AlreadyExistsError, TemporalComputeError

        props = model.normalize_inputs({k: v for k, v in props.items() if k != "__provider"})
        self._validate_or_raise(props)
        self._check_aws(props)
        groups = self._encoded_groups(props)
        deployment_name = props["deployment_name"]
        build_id = props["build_id"]

        with self._client(props) as client:
            namespace = client.settings.namespace
            client.describe_namespace()

            # The request id includes the build ID: when the engine sends this Create again
            # after a lost response, the server deduplicates the request and the deployment
            # still counts as made by this resource. One made by anything else gets
            # AlreadyExists.
            deployment_created = False
            try:
                client.create_deployment(
                    deployment_name,
                    request_id("create-deployment", namespace, deployment_name, build_id),
                )
                deployment_created = True
            except AlreadyExistsError:
                pass

            version_created = True
            config_digest = model.canonical_json(
                {name: _group_document(group) for name, group in groups.items()}
            )
            create_request_id = request_id(
                "create-version", namespace, deployment_name, build_id, config_digest
            )
            try:
                self._retry_while_iam_settles(
                    lambda: client.create_version(
                        deployment_name, build_id, groups, create_request_id
                    ),
                    f"create {deployment_name}/{build_id}",
                )
            except AlreadyExistsError:
                version_created = False
                self._attach_to_existing(client, props, groups)
            except TemporalComputeError as error:
                if error.kind == "internal":
                    error = explain_internal_error(client, error)
                if deployment_created:
                    # Leave nothing half done: the deployment was made only for this version.
                    with contextlib.suppress(TemporalComputeError):
                        client.delete_deployment(deployment_name)
                raise error from None

        outputs = dict(props)
        outputs["namespace"] = namespace
        outputs["version_created"] = version_created
        outputs["deployment_created"] = deployment_created
        outputs["schema_version"] = SCHEMA_VERSION
        return CreateResult(resource_id(namespace, deployment_name, build_id), outputs)

    def _attach_to_existing(
        self, client: Any, props: Mapping[str, Any], groups: dict[str, model.EncodedGroup]
    ) -> None:
        from pulumi_temporal_compute.client import GroupUpdate, request_id
        from pulumi_temporal_compute.errors import TemporalComputeError

        deployment_name = props["deployment_name"]
        build_id = props["build_id"]
        state = client.describe_version(deployment_name, build_id)
        if state.groups:
            raise TemporalComputeError(
                f"Worker Deployment Version {deployment_name}/{build_id} already exists in "
                f"namespace {client.settings.namespace!r} with a compute configuration that this "
                "stack does not manage. Adopt it with the resource option "
                f"import_='{resource_id(client.settings.namespace, deployment_name, build_id)}', "
                "or use another build_id."
            )
        pulumi.log.info(
            f"Worker Deployment Version {deployment_name}/{build_id} exists without a compute "
            "configuration; attaching one."
        )
        client.update_compute_config(
            deployment_name,
            build_id,
            {name: GroupUpdate(group, ()) for name, group in groups.items()},
            (),
            request_id(
                "attach",
                client.settings.namespace,
                deployment_name,
                build_id,
                model.canonical_json({n: _group_document(g) for n, g in groups.items()}),
            ),
        )

    # --- update --------------------------------------------------------------------------------

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        from pulumi_temporal_compute.client import request_id
        from pulumi_temporal_compute.errors import TemporalComputeError

        news = model.normalize_inputs({k: v for k, v in news.items() if k != "__provider"})
        olds = model.normalize_inputs(olds)
        self._validate_or_raise(news)

        old_groups = self._encoded_groups(olds)
        new_groups = self._encoded_groups(news)
        upserts = group_updates(old_groups, new_groups)
        removals = sorted(set(old_groups) - set(new_groups))
        if upserts:
            changed = {name: news["scaling_groups"][name] for name in upserts}
            self._check_aws({**news, "scaling_groups": changed})

        with self._client(news) as client:
            namespace = client.settings.namespace
            if upserts or removals:
                update_request_id = request_id(
                    "update",
                    namespace,
                    news["deployment_name"],
                    news["build_id"],
                    model.canonical_json({n: _group_document(g) for n, g in old_groups.items()}),
                    model.canonical_json({n: _group_document(g) for n, g in new_groups.items()}),
                )
                pulumi.log.info(
                    f"Updating the compute config of {news['deployment_name']}/"
                    f"{news['build_id']}: {describe_update(upserts, removals)}."
                )
                try:
                    self._retry_while_iam_settles(
                        lambda: client.update_compute_config(
                            news["deployment_name"],
                            news["build_id"],
                            upserts,
                            removals,
                            update_request_id,
                        ),
                        f"update {news['deployment_name']}/{news['build_id']}",
                    )
                except TemporalComputeError as error:
                    if error.kind != "internal":
                        raise
                    raise explain_internal_error(client, error) from None

        outputs = dict(news)
        outputs["namespace"] = namespace
        for key in OUTPUT_ONLY_KEYS:
            outputs[key] = olds.get(key, False)
        for key in READ_ONLY_KEYS:
            if key in olds:
                outputs[key] = olds[key]
        outputs["schema_version"] = SCHEMA_VERSION
        return UpdateResult(outputs)

    # --- read ----------------------------------------------------------------------------------

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        from pulumi_temporal_compute.errors import NamespaceNotFoundError, NotFoundError

        props = {k: v for k, v in props.items() if k != "__provider"}
        namespace, deployment_name, build_id = parse_resource_id(id_)
        lookup = dict(props)
        lookup.setdefault("namespace", namespace)
        lookup.setdefault("deployment_name", deployment_name)
        lookup.setdefault("build_id", build_id)

        with self._client(lookup) as client:
            try:
                state = client.describe_version(deployment_name, build_id)
            except NamespaceNotFoundError:
                raise
            except NotFoundError:
                pulumi.log.info(f"Worker Deployment Version {id_} no longer exists.")
                return ReadResult("", {})

        groups: dict[str, Any] = {}
        external_ids: set[str] = set()
        for name, encoded in state.groups.items():
            group, external_id = model.decode_group(encoded)
            groups[name] = group
            if external_id:
                external_ids.add(external_id)

        outputs = dict(props)
        outputs["namespace"] = namespace
        outputs["deployment_name"] = deployment_name
        outputs["build_id"] = build_id
        outputs["scaling_groups"] = groups
        old_external_id = props.get("external_id") or ""
        if external_ids and old_external_id not in external_ids:
            # The configuration on the server uses another external ID: show it as drift.
            outputs["external_id"] = sorted(external_ids)[0]
        elif not external_ids:
            outputs["external_id"] = old_external_id if groups else ""
        outputs["status"] = state.status
        outputs.setdefault("version_created", False)
        outputs.setdefault("deployment_created", False)
        outputs["schema_version"] = SCHEMA_VERSION

        inputs: dict[str, Any] = {key: outputs[key] for key in INPUT_KEYS if key in outputs}
        return ReadResult(id_, outputs, inputs)

    # --- delete --------------------------------------------------------------------------------

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        from pulumi_temporal_compute.errors import (
            NamespaceNotFoundError,
            NotFoundError,
            TemporalComputeError,
        )

        props = {k: v for k, v in props.items() if k != "__provider"}
        namespace, deployment_name, build_id = parse_resource_id(id_)
        lookup = dict(props)
        lookup["namespace"] = namespace

        with self._client(lookup) as client:
            if not props.get("version_created", False):
                self._remove_config(client, id_)
                pulumi.log.info(
                    f"Removed the compute configuration of {id_}; the version itself was not "
                    "created by this stack, so it is kept."
                )
                return

            # Deleting the version removes its configuration with it, in one call.
            try:
                client.delete_version(
                    deployment_name, build_id, skip_drainage=bool(props.get("skip_drainage"))
                )
            except NamespaceNotFoundError:
                raise
            except NotFoundError:
                pulumi.log.info(f"Worker Deployment Version {id_} is already gone.")
            except TemporalComputeError as error:
                if error.kind in TRANSIENT_KINDS:
                    raise
                self._remove_config(client, id_)
                pulumi.log.warn(
                    f"Removed the compute configuration of Worker Deployment Version {id_}, but "
                    f"the server would not delete the version: {error}. A version that is current "
                    "or ramping, has pollers, or is draining cannot be deleted; move traffic away "
                    "(or set skip_drainage) and delete it with `temporal worker deployment "
                    "delete-version`."
                )
                return

            if props.get("deployment_created", False):
                # Other versions may remain, or routing still points somewhere: then keep it.
                with contextlib.suppress(TemporalComputeError):
                    client.delete_deployment(deployment_name)

    def _remove_config(self, client: Any, id_: str) -> None:
        """Remove every scaling group of a version; a version already gone is not an error."""

        from pulumi_temporal_compute.client import request_id
        from pulumi_temporal_compute.errors import NamespaceNotFoundError, NotFoundError

        namespace, deployment_name, build_id = parse_resource_id(id_)
        try:
            state = client.describe_version(deployment_name, build_id)
        except NamespaceNotFoundError:
            raise
        except NotFoundError:
            pulumi.log.info(f"Worker Deployment Version {id_} is already gone.")
            return
        if state.groups:
            client.update_compute_config(
                deployment_name,
                build_id,
                {},
                list(state.groups),
                request_id("remove-config", namespace, deployment_name, build_id),
            )


def _group_document(group: model.EncodedGroup) -> dict[str, Any]:
    return {
        "task_queue_types": list(group.task_queue_types),
        "provider_type": group.provider_type,
        "provider_details": group.provider_details,
        "nexus_endpoint": group.nexus_endpoint,
        "scaler_type": group.scaler_type,
        "scaler_details": group.scaler_details,
    }


# The server's default for `workercontroller.maxInstances`: how many versions with a compute
# configuration one namespace may have (Temporal Server 1.32; Temporal Cloud's default too).
DEFAULT_MAX_CONFIGURED_VERSIONS = 100


def explain_internal_error(client: Any, error: Any) -> Any:
    """Add the namespace's count of configured versions to a masked internal error.

    Temporal Server 1.32 reports two known failures of a create the same way ("something
    went wrong"): a namespace at its limit of configured versions, and a deployment name
    and build ID whose configuration was removed before. The count separates them only in
    part, because versions deleted before still take a place in that limit and are not
    counted.
    """

    from pulumi_temporal_compute.errors import TemporalComputeError

    limit = DEFAULT_MAX_CONFIGURED_VERSIONS
    try:
        count = client.count_configured_versions()
        if count < limit:
            # The list of deployments comes from the server's visibility store, which can
            # lag a moment behind versions created just before.
            time.sleep(2.0)
            count = max(count, client.count_configured_versions())
    except TemporalComputeError:
        return error
    if count >= limit:
        advice = (
            "The likely cause: "
            f"namespace {client.settings.namespace!r} already has {count} Worker Deployment "
            f"Versions with a compute configuration, and the server allows {limit} per namespace "
            "by default (dynamic config workercontroller.maxInstances; on Temporal Cloud, ask "
            "support to raise it). Raise the limit or use another namespace: on Temporal Server "
            "1.32 deleting versions does not free their places."
        )
    else:
        advice = (
            f"Namespace {client.settings.namespace!r} has {count} Worker Deployment Versions "
            "with a compute configuration now. Known causes: (1) the server's limit of "
            f"configured versions (workercontroller.maxInstances, {limit} by default) was "
            "reached, counting versions whose configuration was removed or that were deleted, "
            "because Temporal Server 1.32 does not free their place: raise the limit; or (2) "
            "this deployment name and build ID had a configuration before, which Temporal "
            "Server 1.32 cannot configure again: use a new build_id."
        )
    return TemporalComputeError(f"{error} {advice}", error.code, error.kind)


def describe_update(upserts: Mapping[str, Any], removals: list[str]) -> str:
    """Summarize an update for the log: each group with its field paths, then removals."""

    parts = []
    for name, update in sorted(upserts.items()):
        paths = ", ".join(update.paths) if update.paths else "new group"
        parts.append(f"group {name!r} ({paths})")
    parts.extend(f"remove group {name!r}" for name in removals)
    return "; ".join(parts)


def group_updates(
    old_groups: Mapping[str, model.EncodedGroup], new_groups: Mapping[str, model.EncodedGroup]
) -> dict[str, Any]:
    """Return the minimal update for each new or changed group, keyed by group name."""

    from pulumi_temporal_compute.client import GroupUpdate

    updates: dict[str, Any] = {}
    for name, new in new_groups.items():
        old = old_groups.get(name)
        if old is None:
            updates[name] = GroupUpdate(new, ())
            continue
        paths: list[str] = []
        if old.task_queue_types != new.task_queue_types:
            paths.append("task_queue_types")
        if old.provider_type != new.provider_type:
            paths.append("provider")
        else:
            if old.provider_details != new.provider_details:
                paths.append("provider.details")
            if old.nexus_endpoint != new.nexus_endpoint:
                paths.append("provider.nexus_endpoint")
        if old.scaler_type != new.scaler_type:
            paths.append("scaler")
        elif old.scaler_details != new.scaler_details:
            paths.append("scaler.details")
        if paths:
            updates[name] = GroupUpdate(new, tuple(paths))
    return updates
