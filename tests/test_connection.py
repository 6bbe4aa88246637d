"""Where connection settings come from: inputs, then stack config, then TEMPORAL_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_temporal_compute.connection import ConnectionError_, resolve_connection


def config(values: dict[str, str]):  # type: ignore[no-untyped-def]
    return values.get


def test_defaults_without_any_source() -> None:
    settings = resolve_connection({}, config({}), {})

    assert settings.address == "127.0.0.1:7233"
    assert settings.namespace == "default"
    assert settings.api_key is None
    assert settings.tls is None


def test_inputs_win_over_config_and_env() -> None:
    settings = resolve_connection(
        {"address": "input:1"},
        config({"temporal:address": "config:2"}),
        {"TEMPORAL_ADDRESS": "env:3"},
    )

    assert settings.address == "input:1"


def test_config_wins_over_env() -> None:
    settings = resolve_connection(
        {}, config({"temporal:address": "config:2"}), {"TEMPORAL_ADDRESS": "env:3"}
    )

    assert settings.address == "config:2"


def test_env_used_last() -> None:
    settings = resolve_connection(
        {}, config({}), {"TEMPORAL_ADDRESS": "env:3", "TEMPORAL_NAMESPACE": "ns-env"}
    )

    assert settings.address == "env:3"
    assert settings.namespace == "ns-env"


def test_resource_namespace_overrides_all() -> None:
    settings = resolve_connection(
        {"namespace": "input-ns"}, config({}), {"TEMPORAL_NAMESPACE": "env-ns"}, namespace="own"
    )

    assert settings.namespace == "own"


def test_api_key_enables_tls() -> None:
    settings = resolve_connection({}, config({"temporal:apiKey": "key-123456"}), {})

    assert settings.tls is not None
    assert "key-123456" not in repr(settings)


def test_tls_false_keeps_api_key_without_tls() -> None:
    settings = resolve_connection(
        {}, config({}), {"TEMPORAL_API_KEY": "k", "TEMPORAL_TLS": "false"}
    )

    assert settings.tls is None
    assert settings.api_key == "k"


def test_tls_files_are_read(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_bytes(b"CA")
    (tmp_path / "cert.pem").write_bytes(b"CERT")
    (tmp_path / "key.pem").write_bytes(b"KEY")

    settings = resolve_connection(
        {
            "tls_server_ca_cert_path": str(tmp_path / "ca.pem"),
            "tls_client_cert_path": str(tmp_path / "cert.pem"),
            "tls_client_key_path": str(tmp_path / "key.pem"),
            "tls_server_name": "temporal.internal",
        },
        config({}),
        {},
    )

    assert settings.tls is not None
    assert settings.tls.server_ca_cert == b"CA"
    assert settings.tls.client_cert == b"CERT"
    assert settings.tls.client_key == b"KEY"
    assert settings.tls.server_name == "temporal.internal"


def test_unreadable_tls_file_names_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"

    with pytest.raises(ConnectionError_) as failed:
        resolve_connection({"tls_server_ca_cert_path": str(missing)}, config({}), {})

    assert str(missing) in str(failed.value)
    assert "server CA certificate" in str(failed.value)


def test_client_cert_without_key_rejected() -> None:
    with pytest.raises(ConnectionError_) as failed:
        resolve_connection({"tls_client_cert_data": "CERT"}, config({}), {})

    assert "tls_client_key" in str(failed.value)


def test_bad_tls_flag_rejected() -> None:
    with pytest.raises(ConnectionError_) as failed:
        resolve_connection({}, config({}), {"TEMPORAL_TLS": "maybe"})

    assert "TEMPORAL_TLS" in str(failed.value)
