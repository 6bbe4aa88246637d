"""What both dynamic providers share: stack config, connection settings and the client.

The provider object is pickled into every resource's `__provider` input, so it
keeps no client and pickles none of the stack config (which can contain
credentials). Each provider process reads the stack config once, in `configure`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi.dynamic import ConfigureRequest, ResourceProvider

from pulumi_temporal_compute.connection import (
    STACK_CONFIG_KEYS,
    ConnectionSettings,
    resolve_connection,
)

# Stack config keys of the providers' own behaviour (besides the connection's).
IAM_WAIT_CONFIG_KEY = "temporal:iamPropagationTimeoutSeconds"
VALIDATE_TIMEOUT_CONFIG_KEY = "temporal:validateTimeoutSeconds"
RETRY_TIMEOUT_CONFIG_KEY = "temporal:retryTimeoutSeconds"
PROVIDER_CONFIG_KEYS = (IAM_WAIT_CONFIG_KEY, VALIDATE_TIMEOUT_CONFIG_KEY, RETRY_TIMEOUT_CONFIG_KEY)

# AWS can reject a new or changed role for a while after IAM changes. So creates and
# updates are retried this long (seconds) while Temporal cannot assume the role.
DEFAULT_IAM_PROPAGATION_TIMEOUT = 60.0
# How long a call is retried while the server is unavailable, slow or rate limiting.
DEFAULT_RETRY_TIMEOUT = 30.0
# Preview-time validation must not hold up `pulumi preview` for long.
DEFAULT_VALIDATE_TIMEOUT = 5.0


class TemporalProvider(ResourceProvider):
    """Base of the package's dynamic providers: configuration and Temporal clients."""

    # Only the class reference is pickled, so the value contains no secret. A secret
    # captured by accident would still make the SDK store it as a secret.
    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()
        self._stack_config: dict[str, Any] = {}

    def __getstate__(self) -> dict[str, Any]:
        # Never pickle the stack config, which contains credentials, into `__provider`.
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._stack_config = {}

    def configure(self, req: ConfigureRequest) -> None:
        self._stack_config = {}
        for key in (*STACK_CONFIG_KEYS, *PROVIDER_CONFIG_KEYS):
            value = req.config.get(key)
            if value is not None:
                self._stack_config[key] = value

    def _config_number(self, key: str, default: float) -> float:
        value = self._stack_config.get(key)
        try:
            return float(value) if value is not None else default
        except ValueError:
            return default

    def _settings(self, props: Mapping[str, Any]) -> ConnectionSettings:
        return resolve_connection(
            props.get("connection") or {},
            self._stack_config.get,
            namespace=props.get("namespace") or None,
        )

    def _secrets(self, props: Mapping[str, Any]) -> Sequence[str]:
        """Return the values in `props` that no message may repeat."""

        return ()

    def _client(self, props: Mapping[str, Any], timeout: float | None = None) -> Any:
        """Return a client; with `timeout`, one quick attempt and no retries (for previews)."""

        # Imported here so that `diff` never loads the gRPC stubs.
        from pulumi_temporal_compute.client import DEFAULT_TIMEOUT_SECONDS, TemporalClient

        if timeout:
            retry_budget = 0.0
        else:
            retry_budget = self._config_number(RETRY_TIMEOUT_CONFIG_KEY, DEFAULT_RETRY_TIMEOUT)
        return TemporalClient(
            self._settings(props),
            secrets=self._secrets(props),
            timeout=timeout or DEFAULT_TIMEOUT_SECONDS,
            retry_budget=retry_budget,
            on_retry=pulumi.log.info,
        )
