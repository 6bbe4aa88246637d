"""A small client for the Worker Deployment RPCs of Temporal's WorkflowService.

It does not import Pulumi. Channels are shared per process in a module-level
cache (see `_shared_channel`), never stored in a provider object, so no
pickled provider contains one.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, NoReturn

import grpc

from pulumi_temporal_compute import model
from pulumi_temporal_compute._proto.temporal.api.common.v1 import message_pb2 as common_pb2
from pulumi_temporal_compute._proto.temporal.api.compute.v1 import config_pb2
from pulumi_temporal_compute._proto.temporal.api.deployment.v1 import (
    message_pb2 as deployment_pb2,
)
from pulumi_temporal_compute._proto.temporal.api.enums.v1 import (
    deployment_pb2 as deployment_enums_pb2,
)
from pulumi_temporal_compute._proto.temporal.api.enums.v1 import task_queue_pb2
from pulumi_temporal_compute._proto.temporal.api.workflowservice.v1 import (
    request_response_pb2 as rr,
)
from pulumi_temporal_compute._proto.temporal.api.workflowservice.v1 import service_pb2_grpc
from pulumi_temporal_compute.connection import ConnectionSettings
from pulumi_temporal_compute.errors import (
    NamespaceNotFoundError,
    NotFoundError,
    TemporalComputeError,
    translate,
)

# Transport retries are gRPC's own (service config retry policy): the same request,
# request id included, is sent again on UNAVAILABLE or RESOURCE_EXHAUSTED, with
# exponential backoff. Five attempts with backoff capped at 4 s bound the wait to
# about 10 s per call on top of each attempt's own deadline.
_SERVICE_CONFIG = {
    "methodConfig": [
        {
            "name": [{"service": "temporal.api.workflowservice.v1.WorkflowService"}],
            "retryPolicy": {
                "maxAttempts": 5,
                "initialBackoff": "0.5s",
                "maxBackoff": "4s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE", "RESOURCE_EXHAUSTED"],
            },
        }
    ]
}

DEFAULT_TIMEOUT_SECONDS = 30.0

# Beyond gRPC's quick transport retries, calls that fail with these codes are sent again,
# unchanged and so with the same request id, until this many seconds have passed. The
# server rate limits each Worker Deployment ("too many requests issued to Worker
# Deployment"), which parallel creates in one deployment reach within seconds, and a
# restarting server is unavailable for a few seconds.
DEFAULT_RETRY_BUDGET_SECONDS = 60.0
_RETRIED_CODES = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
    }
)

_TASK_QUEUE_TYPE_TO_ENUM = {
    "workflow": task_queue_pb2.TASK_QUEUE_TYPE_WORKFLOW,
    "activity": task_queue_pb2.TASK_QUEUE_TYPE_ACTIVITY,
    "nexus": task_queue_pb2.TASK_QUEUE_TYPE_NEXUS,
}
_ENUM_TO_TASK_QUEUE_TYPE = {value: name for name, value in _TASK_QUEUE_TYPE_TO_ENUM.items()}

# The request ids this package sends are UUIDv5 values in its own name space, so the
# same operation on the same inputs always carries the same id and a retry is a no-op.
_REQUEST_ID_NAMESPACE = uuid.UUID("8f0f6b52-1c35-4b55-9f5b-2b8d2f7e4a11")


def request_id(*parts: str | bytes) -> str:
    """Derive a stable request id from the parts that identify one operation."""

    digest = b"\x00".join(p.encode() if isinstance(p, str) else p for p in parts)
    return str(uuid.uuid5(_REQUEST_ID_NAMESPACE, digest.hex()))


def encode_payload(document: Mapping[str, Any]) -> common_pb2.Payload:
    """Encode a details document as the SDKs' default converter does (json/plain)."""

    payload = common_pb2.Payload(data=model.canonical_json(document))
    payload.metadata["encoding"] = b"json/plain"
    return payload


def decode_payload(payload: common_pb2.Payload) -> dict[str, Any]:
    """Decode a json/plain details payload; an empty payload is an empty document."""

    if not payload.data:
        return {}
    encoding = payload.metadata.get("encoding", b"json/plain")
    if encoding != b"json/plain":
        raise TemporalComputeError(
            "the server returned provider details encoded as "
            f"{encoding.decode(errors='replace')!r}; only json/plain is supported"
        )
    document = json.loads(payload.data)
    if not isinstance(document, dict):
        raise TemporalComputeError(
            "the server returned provider details that are not a JSON object"
        )
    return document


def group_to_proto(encoded: model.EncodedGroup) -> config_pb2.ComputeConfigScalingGroup:
    group = config_pb2.ComputeConfigScalingGroup()
    group.task_queue_types.extend(_TASK_QUEUE_TYPE_TO_ENUM[t] for t in encoded.task_queue_types)
    group.provider.type = encoded.provider_type
    group.provider.details.CopyFrom(encode_payload(encoded.provider_details))
    if encoded.nexus_endpoint:
        group.provider.nexus_endpoint = encoded.nexus_endpoint
    group.scaler.type = encoded.scaler_type
    if encoded.scaler_details:
        group.scaler.details.CopyFrom(encode_payload(encoded.scaler_details))
    return group


def group_from_proto(group: config_pb2.ComputeConfigScalingGroup) -> model.EncodedGroup:
    scaler_details = decode_payload(group.scaler.details) if group.HasField("scaler") else {}
    return model.EncodedGroup(
        task_queue_types=tuple(
            _ENUM_TO_TASK_QUEUE_TYPE.get(t, str(t)) for t in group.task_queue_types
        ),
        provider_type=group.provider.type,
        provider_details=decode_payload(group.provider.details),
        nexus_endpoint=group.provider.nexus_endpoint,
        scaler_type=group.scaler.type,
        scaler_details=scaler_details or None,
    )


@dataclass(frozen=True)
class GroupUpdate:
    """One scaling group to add or change, with the field paths that changed."""

    group: model.EncodedGroup
    paths: tuple[str, ...]  # empty for a new group: the server ignores the mask then


@dataclass(frozen=True)
class VersionState:
    """The server's description of one Worker Deployment Version."""

    groups: dict[str, model.EncodedGroup]
    status: str  # "inactive", "current", "ramping", "draining", "drained", ...
    is_current: bool
    is_ramping: bool
    task_queues: tuple[str, ...]


def _status_name(status: int) -> str:
    name: str = deployment_enums_pb2.WorkerDeploymentVersionStatus.Name(status)
    return name.removeprefix("WORKER_DEPLOYMENT_VERSION_STATUS_").lower()


def _version(deployment_name: str, build_id: str) -> deployment_pb2.WorkerDeploymentVersion:
    return deployment_pb2.WorkerDeploymentVersion(
        deployment_name=deployment_name, build_id=build_id
    )


@dataclass(frozen=True)
class Routing:
    """A Worker Deployment's routing: "" as a build ID means unversioned workers."""

    current_build_id: str
    ramping_build_id: str
    ramping_percentage: float
    conflict_token: bytes
    # False while the server is still passing a routing change on to the task queues;
    # workflows started until then follow the old routing.
    propagated: bool = True


# One channel per set of connection settings for the life of the process. The provider
# process serves every operation of a `pulumi up`, and a new channel per operation repeats
# the connection and, to Temporal Cloud, the TLS handshake. The cache lives in this module,
# never in the provider object, so no pickle of the provider can capture a channel.
_channels: dict[str, grpc.Channel] = {}
_channels_lock = threading.Lock()


def _shared_channel(
    settings: ConnectionSettings, open_channel: Callable[[], grpc.Channel]
) -> grpc.Channel:
    tls = settings.tls
    key = hashlib.sha256(
        repr(
            (
                settings.address,
                settings.api_key,
                None
                if tls is None
                else (tls.server_ca_cert, tls.client_cert, tls.client_key, tls.server_name),
            )
        ).encode()
    ).hexdigest()
    with _channels_lock:
        channel = _channels.get(key)
        if channel is None:
            channel = _channels[key] = open_channel()
        return channel


class _ApiKeyAuth(grpc.AuthMetadataPlugin):
    def __init__(self, api_key: str) -> None:
        self._header = f"Bearer {api_key}"

    def __call__(
        self, context: grpc.AuthMetadataContext, callback: grpc.AuthMetadataPluginCallback
    ) -> None:
        callback((("authorization", self._header),), None)


class TemporalClient:
    """Calls Temporal's WorkflowService with one connection's settings.

    Use it as a context manager; the channel is closed on exit.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        secrets: Sequence[str] = (),
        retry_budget: float = DEFAULT_RETRY_BUDGET_SECONDS,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.timeout = timeout
        self.retry_budget = retry_budget
        self.on_retry = on_retry
        # Values never to repeat in a message, even if the server echoes them.
        self._secrets = [s for s in (*secrets, settings.api_key or "") if s]
        self._channel = _shared_channel(settings, self._open_channel)
        self._stub = service_pb2_grpc.WorkflowServiceStub(self._channel)

    def _open_channel(self) -> grpc.Channel:
        settings = self.settings
        options: list[tuple[str, Any]] = [
            ("grpc.service_config", json.dumps(_SERVICE_CONFIG)),
            # Channels are shared for the life of the process. After an outage they must try
            # the server again within seconds, not after gRPC's default of up to 120 s.
            ("grpc.initial_reconnect_backoff_ms", 500),
            ("grpc.max_reconnect_backoff_ms", 5000),
            ("grpc.enable_retries", 1),
        ]
        if settings.tls is None:
            if settings.api_key:
                # Sending an API key in the clear is only sensible to a local test server.
                # gRPC refuses call credentials on an insecure channel, so the key goes in
                # each call's metadata instead (see _metadata).
                pass
            return grpc.insecure_channel(settings.address, options=options)

        tls = settings.tls
        credentials = grpc.ssl_channel_credentials(
            root_certificates=tls.server_ca_cert,
            private_key=tls.client_key,
            certificate_chain=tls.client_cert,
        )
        if settings.api_key:
            credentials = grpc.composite_channel_credentials(
                credentials, grpc.metadata_call_credentials(_ApiKeyAuth(settings.api_key))
            )
        if tls.server_name:
            options.append(("grpc.ssl_target_name_override", tls.server_name))
        return grpc.secure_channel(settings.address, credentials, options=options)

    def _metadata(self) -> list[tuple[str, str]]:
        metadata = [("temporal-namespace", self.settings.namespace)]
        if self.settings.api_key and self.settings.tls is None:
            metadata.append(("authorization", f"Bearer {self.settings.api_key}"))
        return metadata

    def close(self) -> None:
        """Release the client. The channel stays open for the next client with the same settings."""

    def __enter__(self) -> TemporalClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def redact(self, text: str) -> str:
        """Replace every known secret value in a text with [secret]."""

        for secret in self._secrets:
            text = text.replace(secret, "[secret]")
        return text

    def _call(self, method: str, request: Any, action: str, timeout: float | None = None) -> Any:
        rpc = getattr(self._stub, method)
        give_up_at = time.monotonic() + self.retry_budget
        delay = 0.5
        attempt = 1
        while True:
            try:
                return rpc(request, timeout=timeout or self.timeout, metadata=self._metadata())
            except grpc.RpcError as error:
                code = error.code() if isinstance(error, grpc.Call) else None
                details = (error.details() if isinstance(error, grpc.Call) else "") or ""
                # A namespace limit ("reached maximum ...") does not clear by waiting.
                hard_limit = details.lower().startswith("reached maximum")
                if (
                    code not in _RETRIED_CODES
                    or hard_limit
                    or time.monotonic() + delay > give_up_at
                ):
                    self._raise(error, action)
                if self.on_retry is not None:
                    name = code.name if code is not None else "an error"
                    self.on_retry(
                        f"Retrying to {action} in {delay:.1f} s after {name} (attempt {attempt})."
                    )
                # Jitter spreads out parallel callers that hit the same rate limit together.
                time.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, 8.0)
                attempt += 1

    def _raise(self, error: grpc.RpcError, action: str) -> NoReturn:
        translated = translate(
            error, action=action, address=self.settings.address, namespace=self.settings.namespace
        )
        raise type(translated)(
            self.redact(str(translated)), translated.code, translated.kind
        ) from None

    # --- the RPCs ------------------------------------------------------------------------------

    def get_system_info(self) -> rr.GetSystemInfoResponse:
        return self._call(
            "GetSystemInfo", rr.GetSystemInfoRequest(), "get the server's capabilities"
        )

    def describe_namespace(self) -> None:
        self._call(
            "DescribeNamespace",
            rr.DescribeNamespaceRequest(namespace=self.settings.namespace),
            f"describe namespace {self.settings.namespace}",
        )

    def deployment_exists(self, deployment_name: str) -> bool:
        try:
            self._call(
                "DescribeWorkerDeployment",
                rr.DescribeWorkerDeploymentRequest(
                    namespace=self.settings.namespace, deployment_name=deployment_name
                ),
                f"describe Worker Deployment {deployment_name}",
            )
        except NamespaceNotFoundError:
            raise
        except NotFoundError:
            return False
        return True

    def create_deployment(self, deployment_name: str, request_id_: str) -> None:
        self._call(
            "CreateWorkerDeployment",
            rr.CreateWorkerDeploymentRequest(
                namespace=self.settings.namespace,
                deployment_name=deployment_name,
                identity=self.settings.identity,
                request_id=request_id_,
            ),
            f"create Worker Deployment {deployment_name}",
        )

    def delete_deployment(self, deployment_name: str) -> None:
        self._call(
            "DeleteWorkerDeployment",
            rr.DeleteWorkerDeploymentRequest(
                namespace=self.settings.namespace,
                deployment_name=deployment_name,
                identity=self.settings.identity,
            ),
            f"delete Worker Deployment {deployment_name}",
        )

    def create_version(
        self,
        deployment_name: str,
        build_id: str,
        groups: Mapping[str, model.EncodedGroup],
        request_id_: str,
    ) -> None:
        request = rr.CreateWorkerDeploymentVersionRequest(
            namespace=self.settings.namespace,
            deployment_version=_version(deployment_name, build_id),
            identity=self.settings.identity,
            request_id=request_id_,
        )
        for name, group in groups.items():
            request.compute_config.scaling_groups[name].CopyFrom(group_to_proto(group))
        self._call(
            "CreateWorkerDeploymentVersion",
            request,
            f"create Worker Deployment Version {deployment_name}/{build_id} "
            "with its compute config",
        )

    def describe_version(self, deployment_name: str, build_id: str) -> VersionState:
        response = self._call(
            "DescribeWorkerDeploymentVersion",
            rr.DescribeWorkerDeploymentVersionRequest(
                namespace=self.settings.namespace,
                deployment_version=_version(deployment_name, build_id),
            ),
            f"describe Worker Deployment Version {deployment_name}/{build_id}",
        )
        info = response.worker_deployment_version_info
        groups = {
            name: group_from_proto(group)
            for name, group in sorted(info.compute_config.scaling_groups.items())
        }
        return VersionState(
            groups=groups,
            status=_status_name(info.status),
            is_current=info.HasField("current_since_time"),
            is_ramping=info.HasField("ramping_since_time"),
            task_queues=tuple(sorted({q.name for q in response.version_task_queues})),
        )

    def _update_request(
        self,
        request_type: type,
        deployment_name: str,
        build_id: str,
        upserts: Mapping[str, GroupUpdate],
        removals: Iterable[str],
    ) -> Any:
        request = request_type(
            namespace=self.settings.namespace,
            deployment_version=_version(deployment_name, build_id),
            identity=self.settings.identity,
        )
        for name, update in upserts.items():
            entry = request.compute_config_scaling_groups[name]
            entry.scaling_group.CopyFrom(group_to_proto(update.group))
            entry.update_mask.paths.extend(update.paths)
        request.remove_compute_config_scaling_groups.extend(sorted(removals))
        return request

    def update_compute_config(
        self,
        deployment_name: str,
        build_id: str,
        upserts: Mapping[str, GroupUpdate],
        removals: Iterable[str],
        request_id_: str,
    ) -> None:
        request = self._update_request(
            rr.UpdateWorkerDeploymentVersionComputeConfigRequest,
            deployment_name,
            build_id,
            upserts,
            removals,
        )
        request.request_id = request_id_
        self._call(
            "UpdateWorkerDeploymentVersionComputeConfig",
            request,
            f"update the compute config of Worker Deployment Version {deployment_name}/{build_id}",
        )

    def validate_compute_config(
        self,
        deployment_name: str,
        build_id: str,
        upserts: Mapping[str, GroupUpdate],
        removals: Iterable[str] = (),
        timeout: float | None = None,
    ) -> None:
        request = self._update_request(
            rr.ValidateWorkerDeploymentVersionComputeConfigRequest,
            deployment_name,
            build_id,
            upserts,
            removals,
        )
        self._call(
            "ValidateWorkerDeploymentVersionComputeConfig",
            request,
            "validate the compute config of Worker Deployment Version "
            f"{deployment_name}/{build_id}",
            timeout=timeout,
        )

    def delete_version(self, deployment_name: str, build_id: str, *, skip_drainage: bool) -> None:
        self._call(
            "DeleteWorkerDeploymentVersion",
            rr.DeleteWorkerDeploymentVersionRequest(
                namespace=self.settings.namespace,
                deployment_version=_version(deployment_name, build_id),
                skip_drainage=skip_drainage,
                identity=self.settings.identity,
            ),
            f"delete Worker Deployment Version {deployment_name}/{build_id}",
        )

    def count_configured_versions(self, max_deployments: int = 1000) -> int:
        """Count the namespace's versions that have a compute configuration.

        Each one runs a Worker Controller Instance, which the server limits per namespace.
        Looks at no more than `max_deployments` deployments, so the count can be low.
        """

        count = 0
        seen = 0
        token = b""
        while seen < max_deployments:
            page = self._call(
                "ListWorkerDeployments",
                rr.ListWorkerDeploymentsRequest(
                    namespace=self.settings.namespace, page_size=100, next_page_token=token
                ),
                "list Worker Deployments",
            )
            for summary in page.worker_deployments:
                seen += 1
                described = self._call(
                    "DescribeWorkerDeployment",
                    rr.DescribeWorkerDeploymentRequest(
                        namespace=self.settings.namespace, deployment_name=summary.name
                    ),
                    f"describe Worker Deployment {summary.name}",
                )
                count += sum(
                    1
                    for version in described.worker_deployment_info.version_summaries
                    if version.compute_config.scaling_groups
                )
            token = page.next_page_token
            if not token:
                break
        return count

    def describe_routing(self, deployment_name: str) -> Routing:
        response = self._call(
            "DescribeWorkerDeployment",
            rr.DescribeWorkerDeploymentRequest(
                namespace=self.settings.namespace, deployment_name=deployment_name
            ),
            f"describe Worker Deployment {deployment_name}",
        )
        routing = response.worker_deployment_info.routing_config
        ramping = routing.ramping_deployment_version.build_id
        state = response.worker_deployment_info.routing_config_update_state
        return Routing(
            propagated=state != task_queue_pb2.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS,
            current_build_id=routing.current_deployment_version.build_id,
            ramping_build_id=ramping,
            ramping_percentage=round(float(routing.ramping_version_percentage), 4)
            if ramping
            else 0.0,
            conflict_token=response.conflict_token,
        )

    def set_current_version(
        self, deployment_name: str, build_id: str, conflict_token: bytes
    ) -> bytes:
        target = build_id or "unversioned workers"
        response = self._call(
            "SetWorkerDeploymentCurrentVersion",
            rr.SetWorkerDeploymentCurrentVersionRequest(
                namespace=self.settings.namespace,
                deployment_name=deployment_name,
                build_id=build_id,
                conflict_token=conflict_token,
                identity=self.settings.identity,
                # A serverless version has no pollers until the server starts a worker.
                allow_no_pollers=True,
            ),
            f"make {target} current in Worker Deployment {deployment_name}",
        )
        token: bytes = response.conflict_token
        return token

    def set_ramping_version(
        self,
        deployment_name: str,
        build_id: str,
        percentage: float,
        conflict_token: bytes,
    ) -> bytes:
        action = (
            f"ramp {percentage:g}% of new workflows to {build_id} "
            f"in Worker Deployment {deployment_name}"
            if build_id
            else f"stop the ramp in Worker Deployment {deployment_name}"
        )
        response = self._call(
            "SetWorkerDeploymentRampingVersion",
            rr.SetWorkerDeploymentRampingVersionRequest(
                namespace=self.settings.namespace,
                deployment_name=deployment_name,
                build_id=build_id,
                percentage=percentage,
                conflict_token=conflict_token,
                identity=self.settings.identity,
                allow_no_pollers=True,
            ),
            action,
        )
        token: bytes = response.conflict_token
        return token
