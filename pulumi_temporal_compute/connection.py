"""Connection settings: the Temporal address, namespace and credentials.

Each setting is taken from the first place that has it:

1. the resource's `connection` input;
2. the Pulumi stack configuration, under the `temporal:` namespace
   (for example `pulumi config set temporal:address ...`);
3. the environment variables the Temporal CLI and SDKs read
   (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS*`).

With none of them, the address is `127.0.0.1:7233` and the namespace `default`,
the defaults of the Temporal CLI.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_ADDRESS = "127.0.0.1:7233"
DEFAULT_NAMESPACE = "default"
DEFAULT_IDENTITY = "pulumi-temporal-compute"

# Setting name -> (stack config key, environment variable).
_SOURCES: dict[str, tuple[str, str]] = {
    "address": ("temporal:address", "TEMPORAL_ADDRESS"),
    "namespace": ("temporal:namespace", "TEMPORAL_NAMESPACE"),
    "api_key": ("temporal:apiKey", "TEMPORAL_API_KEY"),
    "tls": ("temporal:tls", "TEMPORAL_TLS"),
    "tls_server_ca_cert_path": ("temporal:tlsServerCaCertPath", "TEMPORAL_TLS_SERVER_CA_CERT_PATH"),
    "tls_server_ca_cert_data": ("temporal:tlsServerCaCertData", "TEMPORAL_TLS_SERVER_CA_CERT_DATA"),
    "tls_client_cert_path": ("temporal:tlsClientCertPath", "TEMPORAL_TLS_CLIENT_CERT_PATH"),
    "tls_client_cert_data": ("temporal:tlsClientCertData", "TEMPORAL_TLS_CLIENT_CERT_DATA"),
    "tls_client_key_path": ("temporal:tlsClientKeyPath", "TEMPORAL_TLS_CLIENT_KEY_PATH"),
    "tls_client_key_data": ("temporal:tlsClientKeyData", "TEMPORAL_TLS_CLIENT_KEY_DATA"),
    "tls_server_name": ("temporal:tlsServerName", "TEMPORAL_TLS_SERVER_NAME"),
    "identity": ("temporal:identity", "TEMPORAL_IDENTITY"),
}

CONNECTION_KEYS = frozenset(_SOURCES)
STACK_CONFIG_KEYS = tuple(config_key for config_key, _ in _SOURCES.values())


class ConnectionError_(ValueError):
    """Raised when connection settings are invalid; the message names the setting and the fix."""


@dataclass(frozen=True)
class TlsSettings:
    """TLS material as bytes, already read from files where paths were given."""

    server_ca_cert: bytes | None = None
    client_cert: bytes | None = None
    client_key: bytes | None = field(default=None, repr=False)
    server_name: str | None = None


@dataclass(frozen=True)
class ConnectionSettings:
    """Resolved settings for one Temporal namespace. The API key never appears in repr()."""

    address: str = DEFAULT_ADDRESS
    namespace: str = DEFAULT_NAMESPACE
    api_key: str | None = field(default=None, repr=False)
    tls: TlsSettings | None = None
    identity: str = DEFAULT_IDENTITY

    def with_namespace(self, namespace: str) -> ConnectionSettings:
        return replace(self, namespace=namespace)


def _parse_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConnectionError_(f"{name} must be true or false, not {value!r}.")


def _read_pem(path_value: str, name: str) -> bytes:
    path = Path(path_value).expanduser()
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConnectionError_(
            f"cannot read {name} at {str(path)!r}: {error.strerror or error}. "
            "Fix the path or pass the PEM text in the matching *_data setting."
        ) from None


def _require_text(name: str, value: Any, source: str) -> Any:
    # Every setting is text (an address, a path, PEM data); only `tls` may also be a boolean.
    if isinstance(value, str) or (name == "tls" and isinstance(value, bool)):
        return value
    raise ConnectionError_(f"{source} must be a string, not {type(value).__name__}.")


def lookup_setting(
    name: str,
    inputs: Mapping[str, Any] | None,
    stack_config: Callable[[str], Any] | None,
    environ: Mapping[str, str],
) -> tuple[Any, str]:
    """Find one setting and return it with its source, for messages that must never show it."""

    config_key, env_name = _SOURCES[name]
    if inputs and inputs.get(name) not in (None, ""):
        source = f"connection.{name}"
        return _require_text(name, inputs[name], source), source
    if stack_config is not None:
        value = stack_config(config_key)
        if value not in (None, ""):
            source = f"stack config {config_key}"
            return _require_text(name, value, source), source
    value = environ.get(env_name)
    if value not in (None, ""):
        return value, f"environment variable {env_name}"
    return None, ""


def resolve_connection(
    inputs: Mapping[str, Any] | None = None,
    stack_config: Callable[[str], Any] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    namespace: str | None = None,
) -> ConnectionSettings:
    """Resolve settings from inputs, then stack config, then environment variables.

    `namespace`, when given and not empty, overrides every source: it is the
    resource's own `namespace` input.
    """

    env = os.environ if environ is None else environ

    def get(name: str) -> tuple[Any, str]:
        return lookup_setting(name, inputs, stack_config, env)

    address, _ = get("address")
    resolved_namespace, _ = get("namespace")
    api_key, _ = get("api_key")
    identity, _ = get("identity")

    tls_flag, tls_source = get("tls")
    tls_requested = None if tls_flag is None else _parse_bool(tls_flag, tls_source)

    ca_data, _ = get("tls_server_ca_cert_data")
    ca_path, _ = get("tls_server_ca_cert_path")
    cert_data, _ = get("tls_client_cert_data")
    cert_path, _ = get("tls_client_cert_path")
    key_data, _ = get("tls_client_key_data")
    key_path, _ = get("tls_client_key_path")
    server_name, _ = get("tls_server_name")

    ca = (
        ca_data.encode()
        if ca_data
        else (_read_pem(ca_path, "the server CA certificate") if ca_path else None)
    )
    cert = (
        cert_data.encode()
        if cert_data
        else (_read_pem(cert_path, "the client certificate") if cert_path else None)
    )
    key = (
        key_data.encode()
        if key_data
        else (_read_pem(key_path, "the client key") if key_path else None)
    )
    if (cert is None) != (key is None):
        missing = "tls_client_key" if key is None else "tls_client_cert"
        raise ConnectionError_(
            f"a client certificate and key go together: set {missing}_path or {missing}_data "
            "as well (or the matching TEMPORAL_TLS_* variable)."
        )

    # As in the Temporal SDKs: TLS is on when asked for, when any TLS material is
    # given, or when an API key is used (Temporal Cloud requires TLS with API keys).
    has_material = any(v is not None for v in (ca, cert, server_name))
    use_tls = tls_requested if tls_requested is not None else (has_material or api_key is not None)
    tls = TlsSettings(ca, cert, key, server_name) if use_tls else None

    return ConnectionSettings(
        address=str(address or DEFAULT_ADDRESS),
        namespace=str(namespace or resolved_namespace or DEFAULT_NAMESPACE),
        api_key=str(api_key) if api_key else None,
        tls=tls,
        identity=str(identity or DEFAULT_IDENTITY),
    )
