"""Errors from Temporal, turned into messages the person running `pulumi up` can act on."""

from __future__ import annotations

import grpc


class TemporalComputeError(Exception):
    """An operation on Temporal failed. Its message names the fix."""

    def __init__(self, message: str, code: grpc.StatusCode | None = None, kind: str = "") -> None:
        super().__init__(message)
        self.code = code
        # What went wrong, for callers that react to it: "assume_role", "external_id",
        # "function", "feature_off", "credentials", "unavailable", "deadline",
        # "exhausted", "internal", or "" when unclassified.
        self.kind = kind


class NotFoundError(TemporalComputeError):
    """The deployment, version or namespace does not exist."""


class NamespaceNotFoundError(NotFoundError):
    """The namespace does not exist: a configuration mistake, never "the version is gone"."""


class AlreadyExistsError(TemporalComputeError):
    """The deployment or version exists already."""


# Server message fragments (Temporal Server 1.32) and the advice that goes with them.
_FEATURE_OFF = (
    "The Temporal server does not have serverless workers (the worker controller) enabled for "
    "this provider type. On a self-hosted server set the dynamic config values "
    'workercontroller.enabled=true, workercontroller.compute_providers.enabled=["aws-lambda"] '
    'and workercontroller.scaling_algorithms.enabled=["no-sync"]; on Temporal Cloud ask for '
    "serverless workers to be enabled on the namespace."
)
_EXTERNAL_ID = (
    "The IAM role's trust policy does not enforce an external ID: Temporal could assume the role "
    'without one. Add a Condition {"StringEquals": {"sts:ExternalId": "<external id>"}} to '
    "the statement that trusts Temporal, with the same value as this resource's `external_id`."
)
# Server limits by the words of their message (Temporal Server 1.32), and their settings.
_LIMIT_SETTINGS = {
    "worker controller instances": "workercontroller.maxInstances, 100 by default",
    "versions": "matching.maxVersionsInDeployment, 100 versions per deployment by default",
    "deployments": "matching.maxDeployments, 100 Worker Deployments by default",
}
_API_KEY = (
    "Temporal rejected the credentials. Check the API key (connection.api_key, stack config "
    "temporal:apiKey or TEMPORAL_API_KEY): it may be expired, revoked, or for another account, "
    "and it needs write access to the namespace."
)


def _describe(error: grpc.RpcError) -> tuple[grpc.StatusCode | None, str]:
    code = error.code() if hasattr(error, "code") else None
    details = error.details() if hasattr(error, "details") else str(error)
    return code, details or ""


def translate(
    error: grpc.RpcError, *, action: str, address: str, namespace: str
) -> TemporalComputeError:
    """Map a gRPC error to a TemporalComputeError whose message names the fix.

    `action` is a phrase such as "create Worker Deployment Version orders/v1".
    The server's own text is kept at the end of every message.
    """

    code, details = _describe(error)
    lowered = details.lower()
    suffix = f" (server said: {details})" if details else ""

    if code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
        return TemporalComputeError(f"Failed to {action}: {_API_KEY}{suffix}", code, "credentials")

    if code == grpc.StatusCode.NOT_FOUND and "namespace" in lowered:
        return NamespaceNotFoundError(
            f"Failed to {action}: namespace {namespace!r} was not found on {address}. Create it "
            "(`temporal operator namespace create`), or set `namespace` to one that exists."
            f"{suffix}",
            code,
        )

    if "could not instantiate compute provider" in lowered or (
        "not enabled" in lowered
        and ("compute" in lowered or "worker controller" in lowered or "scaling" in lowered)
    ):
        return TemporalComputeError(
            f"Failed to {action}: {_FEATURE_OFF}{suffix}", code, "feature_off"
        )

    if (
        "invalid compute provider type" in lowered
        or "invalid scaling algorithm type" in lowered
        or "could not instantiate scaling algorithm" in lowered
    ):
        return TemporalComputeError(
            f"Failed to {action}: the Temporal server does not enable this provider or scaler "
            "type. Use a type the server enables; on a self-hosted server add it to the "
            "dynamic config value workercontroller.compute_providers.enabled (provider) or "
            f"workercontroller.scaling_algorithms.enabled (scaler).{suffix}",
            code,
            "feature_off",
        )

    if "external" in lowered and (
        "trust" in lowered or "without" in lowered or "externalid" in lowered
    ):
        return TemporalComputeError(
            f"Failed to {action}: {_EXTERNAL_ID}{suffix}", code, "external_id"
        )

    if (
        "getfunction" in lowered
        or "function not found" in lowered
        or ("lambda" in lowered and ("not found" in lowered or "resourcenotfound" in lowered))
    ):
        return TemporalComputeError(
            f"Failed to {action}: Temporal could not see the Lambda function. Check that the "
            "function ARN is right (region and account included), that the function exists, and "
            "that the invoke role allows lambda:GetFunction and lambda:InvokeFunction on it."
            f"{suffix}",
            code,
            "function",
        )

    if (
        "assumerole" in lowered
        or "assume role" in lowered
        or "not authorized to perform: sts" in lowered
    ):
        return TemporalComputeError(
            f"Failed to {action}: Temporal could not assume the IAM role. Check the role ARN, that "
            "its trust policy trusts the principal Temporal runs as, and that the external ID "
            "matches its sts:ExternalId condition. Right after IAM changes AWS can take a few "
            f"seconds to accept a new role.{suffix}",
            code,
            "assume_role",
        )

    if code == grpc.StatusCode.UNAVAILABLE:
        return TemporalComputeError(
            f"Failed to {action}: the Temporal server at {address} is unavailable. Check the "
            "address (connection.address, stack config temporal:address or TEMPORAL_ADDRESS), "
            f"TLS settings, and that the server is running.{suffix}",
            code,
            "unavailable",
        )
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return TemporalComputeError(
            f"Failed to {action}: the Temporal server at {address} did not respond in time; the "
            f"operation is safe to retry.{suffix}",
            code,
            "deadline",
        )
    if "reached maximum" in lowered:
        setting = next(
            (name for fragment, name in _LIMIT_SETTINGS.items() if fragment in lowered),
            "the matching namespace limit",
        )
        return TemporalComputeError(
            f"Failed to {action}: the namespace {namespace!r} reached a limit of the server "
            f"({setting}). Delete what you no longer need, or raise the limit (self-hosted: "
            f"dynamic config; Temporal Cloud: ask support).{suffix}",
            code,
            "limit",
        )
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        return TemporalComputeError(
            f"Failed to {action}: the Temporal server is rate limiting, and retries for "
            "temporal:retryTimeoutSeconds did not get through. Run `pulumi up --parallel 2`, "
            f"or raise temporal:retryTimeoutSeconds, and retry.{suffix}",
            code,
            "exhausted",
        )
    if code == grpc.StatusCode.INTERNAL:
        # Temporal Server 1.32 masks some failures as "something went wrong, please retry
        # (<error id>)"; the provider adds what it can find out (see explain_internal_error).
        return TemporalComputeError(
            f"Failed to {action}: the Temporal server failed internally; its log has the "
            f"details under the error id.{suffix}",
            code,
            "internal",
        )
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFoundError(f"Failed to {action}: not found{suffix}", code)
    if code == grpc.StatusCode.ALREADY_EXISTS:
        return AlreadyExistsError(f"Failed to {action}: already exists{suffix}", code)
    return TemporalComputeError(f"Failed to {action}{suffix}", code)
