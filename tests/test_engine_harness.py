"""Tests of the engine harness against a real `python -m pulumi.dynamic` process."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import _harness_provider
import dill
import pytest
from _harness_provider import FileStoreProvider
from pulumi.runtime.rpc import wrap_rpc_secret

from pulumi_temporal_compute.testing.engine import (
    PROVIDER_KEY,
    UNKNOWN,
    CheckFailedError,
    EngineSession,
    ProviderError,
    ProviderProcess,
    serialize_provider,
    unknown,
    urn,
)

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
API_TOKEN = "token-7f3a-not-a-real-secret"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN_TYPE = "pulumi.output.Unknown"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.json"


@pytest.fixture
def process(tmp_path: Path, store_path: Path) -> Iterator[ProviderProcess]:
    # The provider process runs in the tests folder, as the engine runs it in
    # the program's folder, so dill finds `_harness_provider` by reference.
    provider_process = ProviderProcess.start(
        cwd=TESTS_DIR,
        log_dir=tmp_path / "logs",
        stack_config={"storePath": str(store_path), "apiToken": API_TOKEN},
        secret_config_keys={"apiToken"},
        env={"PYTHONPATH": os.pathsep.join([str(TESTS_DIR), str(REPO_ROOT)])},
    )
    with provider_process:
        yield provider_process


@pytest.fixture
def session(process: ProviderProcess) -> EngineSession:
    return EngineSession(process, FileStoreProvider())


def read_calls(store_path: Path) -> list[dict[str, Any]]:
    calls_path = store_path.with_name(store_path.name + ".calls")
    if not calls_path.exists():
        return []
    return [json.loads(line) for line in calls_path.read_text().splitlines()]


def call_methods(store_path: Path) -> list[str]:
    return [call["method"] for call in read_calls(store_path)]


def read_store(store_path: Path) -> dict[str, Any]:
    return json.loads(store_path.read_text())


def test_urn_helper_builds_engine_format() -> None:
    assert urn("pulumi-python:dynamic:Resource", "r1", "demo", "dev") == (
        "urn:pulumi:dev::demo::pulumi-python:dynamic:Resource::r1"
    )


def test_serialize_provider_unpickles_to_same_class() -> None:
    value = serialize_provider(FileStoreProvider())

    restored = dill.loads(base64.b64decode(value))

    assert type(restored) is _harness_provider.FileStoreProvider


def test_provider_round_trip_over_grpc(process: ProviderProcess, store_path: Path) -> None:
    resource_urn = urn("pulumi-python:dynamic:Resource", "r1", "demo", "dev")
    provider_value = serialize_provider(FileStoreProvider())
    news = {"key": "k1", "value": "v1", PROVIDER_KEY: provider_value}

    checked = process.check(resource_urn, {}, news)
    assert checked.failures == []
    assert checked.inputs == news

    created = process.create(resource_urn, checked.inputs)
    assert created.id
    assert created.outputs["value"] == "v1"
    assert created.outputs["revision"] == 1
    assert created.outputs[PROVIDER_KEY] == provider_value
    assert read_store(store_path)[created.id]["value"] == "v1"

    same = process.diff(created.id, resource_urn, created.outputs, checked.inputs, checked.inputs)
    assert same.changes == "none"
    assert same.replaces == []

    changed_inputs = {**checked.inputs, "value": "v2"}
    changed = process.diff(
        created.id, resource_urn, created.outputs, changed_inputs, checked.inputs
    )
    assert changed.changes == "some"
    assert changed.replaces == []

    updated = process.update(
        created.id, resource_urn, created.outputs, changed_inputs, checked.inputs
    )
    assert updated["value"] == "v2"
    assert updated["revision"] == 2
    assert read_store(store_path)[created.id]["revision"] == 2

    read = process.read(created.id, resource_urn, updated, changed_inputs)
    assert read.id == created.id
    assert read.outputs["value"] == "v2"
    assert read.inputs is not None
    assert read.inputs["value"] == "v2"
    assert read.inputs[PROVIDER_KEY] == provider_value

    process.delete(created.id, resource_urn, updated, changed_inputs)
    assert read_store(store_path) == {}

    read_after_delete = process.read(created.id, resource_urn, updated, changed_inputs)
    assert read_after_delete.id == ""

    methods = call_methods(store_path)
    assert methods == [
        "configure",
        "check",
        "create",
        "diff",
        "diff",
        "update",
        "read",
        "delete",
        "read",
    ]


def test_session_up_create_same_update(session: EngineSession, store_path: Path) -> None:
    created = session.up("r1", {"key": "k1", "value": "v1"})
    assert created.operation == "create"
    assert created.calls == ["Check", "Create"]
    first_id = session.state["r1"].id
    # With no engine to send it to, pulumi.log writes to the provider's stderr.
    assert f"created harness resource {first_id}" in session.process.stderr_text()

    unchanged = session.up("r1", {"key": "k1", "value": "v1"})
    assert unchanged.operation == "same"
    assert unchanged.calls == ["Check", "Diff"]
    assert session.state["r1"].id == first_id

    updated = session.up("r1", {"key": "k1", "value": "v2"})
    assert updated.operation == "update"
    assert updated.calls == ["Check", "Diff", "Update"]
    assert session.state["r1"].outputs["value"] == "v2"
    assert session.state["r1"].outputs["revision"] == 2
    assert session.state["r1"].inputs["value"] == "v2"

    update_call = read_calls(store_path)[-1]
    assert update_call["method"] == "update"
    assert update_call["olds"]["value"] == "v1"
    assert update_call["olds"]["revision"] == 1


def test_session_replace_creates_before_delete(session: EngineSession, store_path: Path) -> None:
    session.up("r1", {"key": "k1", "value": "v1"})
    old_id = session.state["r1"].id

    replaced = session.up("r1", {"key": "k2", "value": "v1"})

    assert replaced.operation == "replace"
    assert replaced.delete_before_replace is False
    assert replaced.calls == ["Check", "Diff", "Check", "Create", "Delete"]
    new_id = session.state["r1"].id
    assert new_id != old_id
    assert list(read_store(store_path)) == [new_id]
    assert call_methods(store_path)[-2:] == ["create", "delete"]


def test_session_replace_delete_before_replace(session: EngineSession, store_path: Path) -> None:
    session.up("r1", {"key": "k1", "value": "v1", "exclusive": True})

    replaced = session.up("r1", {"key": "k2", "value": "v1", "exclusive": True})

    assert replaced.operation == "replace"
    assert replaced.delete_before_replace is True
    assert replaced.calls == ["Check", "Diff", "Check", "Delete", "Create"]
    assert call_methods(store_path)[-2:] == ["delete", "create"]
    assert list(read_store(store_path)) == [session.state["r1"].id]


def test_session_refresh_stores_read_inputs(session: EngineSession, store_path: Path) -> None:
    session.up("r1", {"key": "k1", "value": "v1"})
    resource_id = session.state["r1"].id
    store = read_store(store_path)
    store[resource_id]["value"] = "changed outside pulumi"
    store_path.write_text(json.dumps(store))

    refreshed = session.refresh("r1")

    assert refreshed is not None
    assert refreshed.outputs["value"] == "changed outside pulumi"
    assert refreshed.inputs["value"] == "changed outside pulumi"
    assert PROVIDER_KEY in refreshed.inputs
    read_call = read_calls(store_path)[-1]
    assert read_call["method"] == "read"
    assert read_call["values"]["value"] == "v1"


def test_session_refresh_drops_deleted_resource(session: EngineSession, store_path: Path) -> None:
    session.up("r1", {"key": "k1", "value": "v1"})
    store_path.write_text("{}")

    refreshed = session.refresh("r1")

    assert refreshed is None
    assert "r1" not in session.state


def test_session_destroy_deletes(session: EngineSession, store_path: Path) -> None:
    session.up("r1", {"key": "k1", "value": "v1"})

    session.destroy("r1")

    assert session.state == {}
    assert read_store(store_path) == {}
    delete_call = read_calls(store_path)[-1]
    assert delete_call["method"] == "delete"
    assert delete_call["values"]["revision"] == 1


def test_preview_unknown_reaches_check_and_diff(session: EngineSession, store_path: Path) -> None:
    session.up("r1", {"key": "k1", "value": "v1"})
    methods_before = call_methods(store_path)

    plan = session.preview("r1", {"key": "k1", "value": unknown()})

    assert plan.operation == "update"
    calls = read_calls(store_path)[len(methods_before) :]
    assert [call["method"] for call in calls] == ["check", "diff"]
    assert calls[0]["types"]["value"] == UNKNOWN_TYPE
    assert calls[1]["types"]["value"] == UNKNOWN_TYPE
    assert calls[0]["types"]["key"] == "builtins.str"
    check_traffic = [record for record in session.process.traffic if record.method == "Check"][-1]
    assert UNKNOWN in check_traffic.request_json


def test_preview_of_new_resource_calls_only_check(session: EngineSession, store_path: Path) -> None:
    plan = session.preview("r1", {"key": "k1", "value": unknown()})

    assert plan.operation == "create"
    assert plan.calls == ["Check"]
    assert call_methods(store_path) == ["configure", "check"]
    assert "r1" not in session.state


def test_up_rejects_unknown_inputs(session: EngineSession) -> None:
    with pytest.raises(ValueError, match="unknown values"):
        session.up("r1", {"key": "k1", "value": unknown()})


def test_secret_input_arrives_stripped(session: EngineSession, store_path: Path) -> None:
    password = "pw-9c1e-not-a-real-secret"

    session.up("r1", {"key": "k1", "value": "v1", "password": password}, secret_inputs={"password"})

    create_call = read_calls(store_path)[-1]
    assert create_call["method"] == "create"
    assert create_call["values"]["password"] == password
    assert create_call["types"]["password"] == "builtins.str"
    state = session.state["r1"]
    assert "password" in state.secret_inputs
    assert "password" in state.secret_outputs
    assert PROVIDER_KEY in state.secret_outputs
    assert "value" not in state.secret_outputs
    resource_traffic = [r for r in session.process.traffic if r.method in {"Check", "Create"}]
    assert resource_traffic
    for record in resource_traffic:
        assert SECRET_SIG not in record.request_json
        assert password in record.request_json


def test_wrapped_secret_is_stripped(process: ProviderProcess, store_path: Path) -> None:
    password = "pw-51d0-not-a-real-secret"
    resource_urn = urn("pulumi-python:dynamic:Resource", "r1", "demo", "dev")
    news = {
        "key": "k1",
        "password": wrap_rpc_secret(password),
        PROVIDER_KEY: wrap_rpc_secret(serialize_provider(FileStoreProvider())),
    }

    checked = process.check(resource_urn, {}, news)

    check_call = read_calls(store_path)[-1]
    assert check_call["method"] == "check"
    assert check_call["values"]["password"] == password
    assert check_call["types"]["password"] == "builtins.str"
    assert checked.inputs["password"] == password
    assert SECRET_SIG not in process.traffic[-1].request_json


def test_secret_config_wrapped_then_unwrapped(process: ProviderProcess, store_path: Path) -> None:
    EngineSession(process, FileStoreProvider()).up("r1", {"key": "k1", "value": "v1"})

    configure_call = read_calls(store_path)[0]
    assert configure_call["method"] == "configure"
    assert configure_call["values"]["apiToken"] == API_TOKEN
    configure_traffic = [r for r in process.traffic if r.method == "Configure"]
    assert len(configure_traffic) == 1
    assert SECRET_SIG in configure_traffic[0].request_json
    assert configure_traffic[0].response_json is not None
    configure_response = json.loads(configure_traffic[0].response_json)
    assert configure_response.get("acceptSecrets", False) is False


def test_provider_exception_surfaces_message(session: EngineSession) -> None:
    with pytest.raises(ProviderError) as raised:
        session.up("r1", {"key": "k1", "value": "v1", "fail": "bucket k1 is locked"})

    error = raised.value
    assert error.method == "Create"
    assert error.message == "bucket k1 is locked"
    assert error.exception_type == "_harness_provider.HarnessProviderError"
    assert "Traceback (most recent call last):" in error.details
    assert "r1" not in session.state


def test_provider_exception_keeps_multiline_message(session: EngineSession) -> None:
    session.up("r1", {"key": "k1", "value": "v1"})

    with pytest.raises(ProviderError) as raised:
        session.up("r1", {"key": "k1", "value": "v2", "fail": "first line\nsecond line"})

    assert raised.value.method == "Update"
    assert raised.value.message == "first line\nsecond line"


def test_check_failures_stop_the_step(session: EngineSession, store_path: Path) -> None:
    with pytest.raises(CheckFailedError) as raised:
        session.up("r1", {"key": "k1", "value": "v1", "size": -1})

    # Struct numbers are doubles, so the provider receives -1.0 for the input -1.
    assert raised.value.failures == [("size", "size must be 0 or more, got -1.0")]
    assert call_methods(store_path) == ["configure", "check"]


def test_process_is_stopped_after_context(tmp_path: Path, store_path: Path) -> None:
    with ProviderProcess.start(
        cwd=TESTS_DIR,
        log_dir=tmp_path / "logs",
        stack_config={"storePath": str(store_path)},
    ) as provider_process:
        pid = provider_process.pid
        os.kill(pid, 0)
        assert provider_process.stdout_text().strip().isdigit()

    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_start_failure_reports_stderr(tmp_path: Path) -> None:
    # A `pulumi` package in the working directory shadows the SDK, so the
    # server exits before it prints a port.
    shadow = tmp_path / "program" / "pulumi"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("shadowed pulumi package")\n')

    with pytest.raises(RuntimeError, match="exited with code 1") as raised:
        ProviderProcess.start(cwd=shadow.parent, log_dir=tmp_path / "logs")

    assert "shadowed pulumi package" in str(raised.value)
