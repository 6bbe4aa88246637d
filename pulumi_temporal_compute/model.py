"""The compute configuration of a Worker Deployment Version, as plain values.

This module imports neither gRPC nor Pulumi. It defines the shape of the
resource's inputs, checks them with the same rules the Temporal server applies
(and a few stricter ones that catch mistakes before anything is sent), and
converts them to and from the JSON documents the server stores as provider and
scaler details.

Inputs are plain dictionaries because that is what Pulumi hands a dynamic
provider. Their normalized form, produced by :func:`normalize_inputs`, is::

    {
        "namespace": "default",              # "" means: from config or env
        "deployment_name": "orders",
        "build_id": "v1",
        "scaling_groups": {
            "default": {
                "task_queue_types": [],      # empty: every type no group claims
                "provider": {
                    "type": "aws-lambda",
                    "function_arn": "arn:aws:lambda:...",
                    "role_arn": "arn:aws:iam::...:role/...",
                    "nexus_endpoint": "",
                },
                "scaler": {"type": "no-sync"},
            },
        },
        "external_id": "...",                # secret; used by aws-lambda groups
    }
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

AWS_LAMBDA = "aws-lambda"
GCP_CLOUD_RUN = "gcp-cloud-run"
NO_SYNC = "no-sync"
RATE_BASED = "rate-based"

DEFAULT_SCALING_GROUP = "default"

TASK_QUEUE_TYPES = ("workflow", "activity", "nexus")

# Temporal's own limit on deployment names and build IDs is 255 bytes
# (frontend.maxIDLengthLimit on a default server).
MAX_NAME_LENGTH = 255

# The characters IAM allows in an sts:ExternalId. IAM allows 2 to 1224 of them; this package
# accepts 5 to 45, a range short enough to type and long enough not to guess.
EXTERNAL_ID_MIN_LENGTH = 5
EXTERNAL_ID_MAX_LENGTH = 45
EXTERNAL_ID_CHARACTERS = re.compile(r"^[A-Za-z0-9_+=,.@-]*$")

# arn:aws:lambda:us-east-1:123456789012:function:name[:qualifier]
LAMBDA_ARN_PATTERN = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):lambda:(?P<region>[a-z]{2}(-gov)?-[a-z]+-\d):"
    r"(?P<account>\d{12}):function:(?P<name>[A-Za-z0-9_-]{1,64})"
    r"(:(?P<qualifier>\$LATEST|[A-Za-z0-9_-]{1,128}))?$"
)
REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
# arn:aws:iam::123456789012:role/path/name
ROLE_ARN_PATTERN = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>\d{12}):"
    r"role/(?P<path>([\x21-\x7e]+/)*)?(?P<name>[A-Za-z0-9+=,.@_-]{1,64})$"
)
DEPLOYMENT_NAME_FORBIDDEN = re.compile(r"[/\s]")
# Temporal Server 1.32 rejects '.' and ':' in a deployment name and "__" at the start of a
# deployment name or build ID.
DEPLOYMENT_NAME_RESERVED_CHARACTERS = ".:"
RESERVED_PREFIX = "__"
# Maximum length, in characters, of an input value's repr that a message repeats.
MAX_SHOWN_LENGTH = 80


def shown(value: Any) -> str:
    """Return repr(value), cut so that a huge input still gives a short message."""

    text = repr(value)
    if len(text) <= MAX_SHOWN_LENGTH:
        return text
    return f"{text[:MAX_SHOWN_LENGTH]}... ({len(text)} characters)"


SCALING_GROUP_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


@dataclass(frozen=True)
class Failure:
    """An input that failed validation: the property path and what to do."""

    property: str
    reason: str


class InputError(ValueError):
    """Raised when inputs fail validation; carries every failure."""

    def __init__(self, failures: list[Failure]) -> None:
        self.failures = failures
        lines = [f"{f.property}: {f.reason}" for f in failures]
        super().__init__("invalid inputs:\n  " + "\n  ".join(lines))


def is_unknown(value: Any) -> bool:
    """Tell whether a value is not yet known (a preview of a value from another resource)."""

    # The runtime type is pulumi.output.Unknown. Matching on the class name keeps this module
    # free of a Pulumi import, so its rules stay testable with plain values.
    return type(value).__name__ == "Unknown"


def contains_unknown(value: Any) -> bool:
    """Tell whether a value or anything nested in it is not yet known."""

    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


def lambda_arn_parts(arn: str) -> dict[str, str] | None:
    """Split a Lambda function ARN into partition, region, account, name and qualifier."""

    match = LAMBDA_ARN_PATTERN.match(arn)
    if match is None:
        return None
    return {key: value or "" for key, value in match.groupdict().items()}


# --- validation -------------------------------------------------------------------------------


def _check_name(value: Any, prop: str, what: str, failures: list[Failure]) -> None:
    if is_unknown(value):
        return
    if not isinstance(value, str) or value == "":
        failures.append(Failure(prop, f"{what} is required: set `{prop}` to a non-empty string."))
        return
    if len(value.encode()) > MAX_NAME_LENGTH:
        failures.append(
            Failure(
                prop,
                f"{what} is {len(value.encode())} bytes long, over Temporal's limit of "
                f"{MAX_NAME_LENGTH}: use a shorter `{prop}`.",
            )
        )
    if DEPLOYMENT_NAME_FORBIDDEN.search(value):
        failures.append(
            Failure(
                prop,
                f"{what} {shown(value)} contains '/' or whitespace: remove them from `{prop}`.",
            )
        )
    if value.startswith(RESERVED_PREFIX):
        failures.append(
            Failure(
                prop,
                f"{what} {shown(value)} starts with '__', which Temporal reserves: "
                f"rename `{prop}`.",
            )
        )
    reserved = [c for c in DEPLOYMENT_NAME_RESERVED_CHARACTERS if c in value]
    if prop == "deployment_name" and reserved:
        failures.append(
            Failure(
                prop,
                f"{what} {shown(value)} contains {' and '.join(map(repr, reserved))}, which "
                f"Temporal does not allow in a deployment name: remove them from `{prop}`.",
            )
        )


def check_external_id(value: Any, prop: str, failures: list[Failure]) -> None:
    """Check an external ID without ever putting its value in a message."""

    if is_unknown(value):
        return
    if not isinstance(value, str) or value == "":
        failures.append(
            Failure(
                prop,
                "the external ID is required for an aws-lambda provider: set `external_id` to the "
                "value the invoke role's trust policy requires in its sts:ExternalId condition.",
            )
        )
        return
    if not EXTERNAL_ID_MIN_LENGTH <= len(value) <= EXTERNAL_ID_MAX_LENGTH:
        failures.append(
            Failure(
                prop,
                f"the external ID is {len(value)} characters long; it must be "
                f"{EXTERNAL_ID_MIN_LENGTH} to {EXTERNAL_ID_MAX_LENGTH} characters.",
            )
        )
    if not EXTERNAL_ID_CHARACTERS.match(value):
        failures.append(
            Failure(
                prop,
                "the external ID contains characters IAM does not allow; use only letters, "
                "digits and _+=,.@-",
            )
        )


def check_lambda_arn(value: Any, prop: str, failures: list[Failure]) -> None:
    """Check that a value is a Lambda function ARN with a region in AWS's region-name format."""

    if is_unknown(value):
        return
    if not isinstance(value, str) or value == "":
        failures.append(
            Failure(
                prop,
                "the Lambda function ARN is required: set it to "
                "arn:aws:lambda:<region>:<account>:function:<name>[:<version or alias>].",
            )
        )
        return
    if lambda_arn_parts(value) is not None:
        return

    pieces = value.split(":")
    if len(pieces) < 6 or pieces[0] != "arn":
        reason = "is not an ARN"
    elif pieces[1] not in ("aws", "aws-cn", "aws-us-gov"):
        reason = f"has the unknown partition {pieces[1]!r} (expected aws, aws-cn or aws-us-gov)"
    elif pieces[2] != "lambda":
        reason = f"names the service {pieces[2]!r}, not lambda"
    elif not REGION_PATTERN.match(pieces[3]):
        reason = f"has {pieces[3]!r} where a region such as us-east-1 belongs"
    elif not re.fullmatch(r"\d{12}", pieces[4]):
        reason = f"has {pieces[4]!r} where a 12-digit account ID belongs"
    elif pieces[5] != "function":
        reason = f"names a {pieces[5]!r}, not a function"
    else:
        reason = "has an invalid function name or qualifier"
    failures.append(
        Failure(
            prop,
            f"{shown(value)} {reason}: use arn:aws:lambda:<region>:<account>:function:<name>"
            "[:<version or alias>].",
        )
    )


def check_role_arn(value: Any, prop: str, failures: list[Failure]) -> None:
    """Check that a value is an IAM role ARN."""

    if is_unknown(value):
        return
    if not isinstance(value, str) or value == "":
        failures.append(
            Failure(
                prop,
                "the IAM role ARN is required for an aws-lambda provider: set it to the role "
                "Temporal assumes to invoke the function (arn:aws:iam::<account>:role/<name>).",
            )
        )
        return
    if ROLE_ARN_PATTERN.match(value):
        return
    pieces = value.split(":")
    if len(pieces) >= 6 and pieces[2] == "iam" and not pieces[5].startswith("role/"):
        kind = pieces[5].split("/", 1)[0]
        reason = f"is an IAM {kind}, not a role"
    elif len(pieces) >= 3 and pieces[0] == "arn" and pieces[2] != "iam":
        reason = f"names the service {pieces[2]!r}, not iam"
    else:
        reason = "is not an IAM role ARN"
    failures.append(Failure(prop, f"{value!r} {reason}: use arn:aws:iam::<account>:role/<name>."))


# Settings each known provider type takes, besides `type` and `nexus_endpoint`.
PROVIDER_FIELDS: dict[str, tuple[str, ...]] = {
    AWS_LAMBDA: ("function_arn", "role_arn"),
    GCP_CLOUD_RUN: ("project", "region", "worker_pool", "service_account"),
}
# Settings of the rate-based scaler; the server needs the three counts all or none.
RATE_BASED_COUNTS = ("min_count", "max_count", "initial_count")
RATE_BASED_FIELDS = (*RATE_BASED_COUNTS, "utilization_target")

GCP_PROJECT_PATTERN = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
GCP_REGION_PATTERN = re.compile(r"^[a-z]+-[a-z]+\d+$")
GCP_WORKER_POOL_PATTERN = re.compile(r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
SERVICE_ACCOUNT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*@[a-z0-9][a-z0-9.-]*\.[a-z]+$")
PROVIDER_TYPE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def _check_pattern(
    value: Any, prop: str, pattern: re.Pattern[str], what: str, failures: list[Failure]
) -> None:
    if is_unknown(value):
        return
    if not isinstance(value, str) or value == "":
        failures.append(Failure(prop, f"{what} is required: set `{prop.rsplit('.', 1)[-1]}`."))
    elif not pattern.match(value):
        failures.append(Failure(prop, f"{value!r} is not a valid {what}."))


def _check_gcp_cloud_run(provider: Mapping[str, Any], prop: str, failures: list[Failure]) -> None:
    _check_pattern(
        provider.get("project"), f"{prop}.project", GCP_PROJECT_PATTERN,
        "GCP project ID (6 to 30 lowercase letters, digits or hyphens)", failures,
    )  # fmt: skip
    _check_pattern(
        provider.get("region"), f"{prop}.region", GCP_REGION_PATTERN,
        "GCP region (such as us-central1)", failures,
    )  # fmt: skip
    _check_pattern(
        provider.get("worker_pool"), f"{prop}.worker_pool", GCP_WORKER_POOL_PATTERN,
        "Cloud Run worker pool name (lowercase letters, digits and hyphens)", failures,
    )  # fmt: skip
    _check_pattern(
        provider.get("service_account"), f"{prop}.service_account", SERVICE_ACCOUNT_PATTERN,
        "service account e-mail (such as worker@my-project.iam.gserviceaccount.com)", failures,
    )  # fmt: skip


def _check_provider(provider: Any, prop: str, external_id: Any, failures: list[Failure]) -> None:
    if is_unknown(provider):
        return
    if not isinstance(provider, Mapping):
        failures.append(Failure(prop, "the compute provider is required and must be an object."))
        return
    provider_type = provider.get("type")
    if is_unknown(provider_type):
        return
    if not isinstance(provider_type, str) or not PROVIDER_TYPE_PATTERN.match(provider_type):
        failures.append(
            Failure(
                f"{prop}.type",
                f"the provider type {shown(provider_type)} is invalid: use {AWS_LAMBDA!r}, "
                f"{GCP_CLOUD_RUN!r}, or the name of a custom provider your server enables.",
            )
        )
        return

    known = PROVIDER_FIELDS.get(provider_type)
    allowed = {"type", "nexus_endpoint", *(known if known is not None else ("details",))}
    extra = sorted(set(provider) - allowed)
    if extra:
        failures.append(
            Failure(
                prop,
                f"a {provider_type} provider takes {', '.join(sorted(allowed - {'type'}))}; "
                f"remove {', '.join(extra)} (one scaling group has exactly one provider).",
            )
        )

    if provider_type == AWS_LAMBDA:
        check_lambda_arn(provider.get("function_arn"), f"{prop}.function_arn", failures)
        check_role_arn(provider.get("role_arn"), f"{prop}.role_arn", failures)
        check_external_id(external_id, "external_id", failures)
    elif provider_type == GCP_CLOUD_RUN:
        _check_gcp_cloud_run(provider, prop, failures)
    else:
        details = provider.get("details", {})
        if not is_unknown(details) and not isinstance(details, Mapping):
            failures.append(
                Failure(f"{prop}.details", "must be a JSON object of the provider's settings.")
            )

    nexus_endpoint = provider.get("nexus_endpoint", "")
    if not is_unknown(nexus_endpoint) and not isinstance(nexus_endpoint, str | type(None)):
        failures.append(Failure(f"{prop}.nexus_endpoint", "must be a string."))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_rate_based(scaler: Mapping[str, Any], prop: str, failures: list[Failure]) -> None:
    counts: dict[str, Any] = {name: scaler.get(name) for name in RATE_BASED_COUNTS}
    if any(is_unknown(v) for v in counts.values()):
        return
    given = [name for name, value in counts.items() if value is not None]
    if given and len(given) != len(RATE_BASED_COUNTS):
        missing = [name for name in RATE_BASED_COUNTS if name not in given]
        failures.append(
            Failure(
                prop,
                "min_count, max_count and initial_count go together: "
                f"set {', '.join(missing)} as well, or none of them.",
            )
        )
    for name in given:
        value = counts[name]
        if not _is_number(value) or value != int(value) or value < 0:
            failures.append(
                Failure(f"{prop}.{name}", f"must be a whole number >= 0, not {value!r}.")
            )
    if len(given) == len(RATE_BASED_COUNTS) and all(_is_number(v) for v in counts.values()):
        low, high, initial = counts["min_count"], counts["max_count"], counts["initial_count"]
        if high < 1:
            failures.append(Failure(f"{prop}.max_count", f"must be at least 1, not {high!r}."))
        if not low <= initial <= high:
            failures.append(
                Failure(
                    prop,
                    f"need min_count <= initial_count <= max_count; got {low!r}, {initial!r}, "
                    f"{high!r}.",
                )
            )
    target = scaler.get("utilization_target")
    if target is None or is_unknown(target):
        return
    if not _is_number(target) or not 0 < target <= 1:
        failures.append(
            Failure(
                f"{prop}.utilization_target",
                f"must be a fraction in (0, 1], such as 0.8; not {target!r}.",
            )
        )


def _check_scaler(scaler: Any, prop: str, failures: list[Failure]) -> None:
    if is_unknown(scaler):
        return
    if not isinstance(scaler, Mapping):
        failures.append(Failure(prop, "the scaler must be an object such as {'type': 'no-sync'}."))
        return
    scaler_type = scaler.get("type")
    if is_unknown(scaler_type):
        return
    if not isinstance(scaler_type, str) or not PROVIDER_TYPE_PATTERN.match(scaler_type):
        failures.append(
            Failure(
                f"{prop}.type",
                f"the scaler type {shown(scaler_type)} is invalid: use {NO_SYNC!r}, "
                f"{RATE_BASED!r}, or the name of a custom scaler your server enables.",
            )
        )
        return

    if scaler_type == NO_SYNC:
        allowed: set[str] = {"type"}
    elif scaler_type == RATE_BASED:
        allowed = {"type", *RATE_BASED_FIELDS}
        _check_rate_based(scaler, prop, failures)
    else:
        allowed = {"type", "details"}
        details = scaler.get("details", {})
        if not is_unknown(details) and not isinstance(details, Mapping):
            failures.append(Failure(f"{prop}.details", "must be a JSON object of settings."))
    extra = sorted(set(scaler) - allowed)
    if extra:
        takes = ", ".join(sorted(allowed - {"type"})) or "no settings"
        failures.append(
            Failure(prop, f"the {scaler_type} scaler takes {takes}; remove {', '.join(extra)}.")
        )


def _check_task_queue_types(value: Any, prop: str, failures: list[Failure]) -> None:
    if is_unknown(value):
        return
    if not isinstance(value, list | tuple):
        failures.append(Failure(prop, "must be a list of task queue types."))
        return
    seen: set[str] = set()
    for index, item in enumerate(value):
        if is_unknown(item):
            continue
        if item not in TASK_QUEUE_TYPES:
            failures.append(
                Failure(
                    f"{prop}[{index}]",
                    f"{shown(item)} is not a task queue type; use one of "
                    f"{', '.join(TASK_QUEUE_TYPES)}.",
                )
            )
        elif item in seen:
            failures.append(Failure(f"{prop}[{index}]", f"{item!r} is listed twice."))
        seen.add(str(item))


def validate_inputs(inputs: Mapping[str, Any]) -> list[Failure]:
    """Return every problem with the normalized inputs; unknown values pass."""

    failures: list[Failure] = []
    namespace = inputs.get("namespace", "")
    if not is_unknown(namespace) and not isinstance(namespace, str):
        failures.append(Failure("namespace", "must be a string."))
    _check_name(inputs.get("deployment_name"), "deployment_name", "the deployment name", failures)
    _check_name(inputs.get("build_id"), "build_id", "the build ID", failures)

    groups = inputs.get("scaling_groups")
    if is_unknown(groups):
        return failures
    if not isinstance(groups, Mapping) or not groups:
        failures.append(
            Failure(
                "scaling_groups",
                "at least one scaling group is required: set `aws_lambda` (or `scaling_groups`).",
            )
        )
        return failures

    claimed: dict[str, str] = {}
    for name, group in groups.items():
        prop = f"scaling_groups.{name}"
        if not SCALING_GROUP_NAME_PATTERN.match(name):
            failures.append(
                Failure(
                    prop,
                    f"the scaling group name {shown(name)} is invalid: use 1 to 63 letters, "
                    "digits, '_', '.' or '-', starting with a letter or digit.",
                )
            )
        if is_unknown(group):
            continue
        if not isinstance(group, Mapping):
            failures.append(Failure(prop, "the scaling group must be an object."))
            continue
        unknown_keys = sorted(set(group) - {"task_queue_types", "provider", "scaler"})
        if unknown_keys:
            failures.append(
                Failure(
                    prop,
                    f"unknown settings {', '.join(unknown_keys)}; a scaling group takes "
                    "task_queue_types, provider and scaler.",
                )
            )
        types = group.get("task_queue_types", [])
        _check_task_queue_types(types, f"{prop}.task_queue_types", failures)
        if isinstance(types, list | tuple):
            for task_type in types:
                if isinstance(task_type, str) and task_type in claimed:
                    failures.append(
                        Failure(
                            f"{prop}.task_queue_types",
                            f"{task_type!r} is already claimed by scaling group "
                            f"{claimed[task_type]!r}; a task queue type belongs to one group.",
                        )
                    )
                elif isinstance(task_type, str):
                    claimed[task_type] = name
        _check_provider(
            group.get("provider"), f"{prop}.provider", inputs.get("external_id"), failures
        )
        _check_scaler(group.get("scaler", {"type": NO_SYNC}), f"{prop}.scaler", failures)

    # An external ID that no group uses is still checked, so a typo shows up before it matters.
    if "external_id" in inputs and inputs["external_id"] not in (None, ""):
        already = any(f.property == "external_id" for f in failures)
        if not already:
            check_external_id(inputs["external_id"], "external_id", failures)
    return _dedupe(failures)


def _dedupe(failures: list[Failure]) -> list[Failure]:
    seen: set[Failure] = set()
    unique = []
    for failure in failures:
        if failure not in seen:
            seen.add(failure)
            unique.append(failure)
    return unique


# --- normalization ----------------------------------------------------------------------------


def normalize_group(group: Mapping[str, Any]) -> dict[str, Any]:
    """Fill a scaling group's defaults so equal configurations compare equal."""

    if is_unknown(group):
        return group  # type: ignore[return-value]
    normalized: dict[str, Any] = dict(group)
    types = normalized.get("task_queue_types")
    if types is None:
        normalized["task_queue_types"] = []
    elif isinstance(types, list | tuple):
        normalized["task_queue_types"] = list(types)

    provider = normalized.get("provider")
    if isinstance(provider, Mapping):
        provider = dict(provider)
        if provider.get("nexus_endpoint") is None:
            provider["nexus_endpoint"] = ""
        if provider.get("type") not in (*PROVIDER_FIELDS, None):
            provider.setdefault("details", {})
        normalized["provider"] = provider

    scaler = normalized.get("scaler")
    if scaler is None:
        normalized["scaler"] = {"type": NO_SYNC}
    elif isinstance(scaler, Mapping) and scaler.get("type") == RATE_BASED:
        # Numbers arrive from the engine as floats; keep the counts whole so they compare equal.
        scaler = dict(scaler)
        for key in RATE_BASED_COUNTS:
            value: Any = scaler.get(key)
            if _is_number(value) and value == int(value):
                scaler[key] = int(value)
        normalized["scaler"] = scaler
    elif isinstance(scaler, Mapping) and scaler.get("type") not in (NO_SYNC, None):
        scaler = dict(scaler)
        scaler.setdefault("details", {})
        normalized["scaler"] = scaler
    return normalized


def normalize_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Return the inputs with defaults filled in and every scaling group normalized."""

    normalized = dict(inputs)
    if normalized.get("namespace") is None:
        normalized["namespace"] = ""
    groups = normalized.get("scaling_groups")
    if isinstance(groups, Mapping):
        normalized["scaling_groups"] = {
            name: normalize_group(group) for name, group in groups.items()
        }
    return normalized


# --- details documents ------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodedGroup:
    """A scaling group as the server stores it: types, and provider and scaler documents."""

    task_queue_types: tuple[str, ...]
    provider_type: str
    provider_details: dict[str, Any]
    nexus_endpoint: str
    scaler_type: str
    scaler_details: dict[str, Any] | None


def encode_group(group: Mapping[str, Any], external_id: str | None) -> EncodedGroup:
    """Build the provider and scaler documents for one normalized, validated group."""

    provider = group["provider"]
    provider_type = provider["type"]
    details: dict[str, Any]
    if provider_type == AWS_LAMBDA:
        details = {"arn": provider["function_arn"]}
        if provider.get("role_arn"):
            details["role"] = provider["role_arn"]
        if external_id:
            details["role_external_id"] = external_id
    elif provider_type == GCP_CLOUD_RUN:
        details = {key: provider[key] for key in PROVIDER_FIELDS[GCP_CLOUD_RUN]}
    else:
        details = dict(provider.get("details") or {})

    scaler = group.get("scaler") or {"type": NO_SYNC}
    scaler_details: dict[str, Any] | None
    if scaler["type"] == RATE_BASED:
        scaler_details = {
            key: scaler[key] for key in RATE_BASED_FIELDS if scaler.get(key) is not None
        }
        for key in RATE_BASED_COUNTS:
            if key in scaler_details:
                scaler_details[key] = int(scaler_details[key])
    elif scaler["type"] == NO_SYNC:
        scaler_details = None
    else:
        scaler_details = dict(scaler.get("details") or {})
    return EncodedGroup(
        task_queue_types=tuple(group.get("task_queue_types") or ()),
        provider_type=provider_type,
        provider_details=details,
        nexus_endpoint=provider.get("nexus_endpoint") or "",
        scaler_type=scaler["type"],
        scaler_details=scaler_details or None,
    )


def decode_group(encoded: EncodedGroup) -> tuple[dict[str, Any], str | None]:
    """Rebuild a normalized scaling group, and its external ID, from what the server stores."""

    details = encoded.provider_details
    provider: dict[str, Any] = {
        "type": encoded.provider_type,
        "nexus_endpoint": encoded.nexus_endpoint,
    }
    external_id: str | None = None
    if encoded.provider_type == AWS_LAMBDA:
        provider["function_arn"] = str(details.get("arn", ""))
        provider["role_arn"] = str(details.get("role", ""))
        external_id = details.get("role_external_id") or None
    elif encoded.provider_type == GCP_CLOUD_RUN:
        for key in PROVIDER_FIELDS[GCP_CLOUD_RUN]:
            provider[key] = str(details.get(key, ""))
    else:
        provider["details"] = details

    scaler: dict[str, Any] = {"type": encoded.scaler_type}
    if encoded.scaler_type == RATE_BASED:
        scaler.update(encoded.scaler_details or {})
    elif encoded.scaler_type != NO_SYNC:
        scaler["details"] = encoded.scaler_details or {}
    group = {
        "task_queue_types": list(encoded.task_queue_types),
        "provider": provider,
        "scaler": scaler,
    }
    return group, external_id


def canonical_json(value: Any) -> bytes:
    """Serialize a document with sorted keys and no spaces, so equal documents are equal bytes."""

    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
