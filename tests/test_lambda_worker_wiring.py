"""Wiring of `LambdaWorker` and of both example programs, run through the Pulumi SDK.

No Pulumi CLI can run here, so the programs run under `pulumi.runtime.set_mocks`:
the SDK builds and serializes every RegisterResource request as it does under
`pulumi up`, and `EngineMocks` responds in the engine's place. It keeps each
resource's state between runs of a program, as a stack does, and returns the
old outputs when a resource's inputs are unchanged. The dynamic provider's
methods never run under mocks; `test_compute_config_passes_provider_check` sends
the captured inputs to a real `python -m pulumi.dynamic` process instead.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import runpy
import secrets
import shutil
import string
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pulumi
import pytest
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.rpc import is_rpc_secret
from pulumi.runtime.settings import set_root_resource

from pulumi_temporal_compute.aws import lambda_worker
from pulumi_temporal_compute.aws.lambda_worker import (
    TEMPORAL_CLOUD_PRINCIPALS,
    LambdaWorker,
    LambdaWorkerArgs,
)
from pulumi_temporal_compute.resource import ConnectionArgs
from pulumi_temporal_compute.testing.engine import (
    DYNAMIC_RESOURCE_TYPE,
    ProviderProcess,
    strip_secrets,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKER_EXAMPLE = REPO_ROOT / "examples" / "aws-lambda-worker"
EXISTING_FUNCTION_EXAMPLE = REPO_ROOT / "examples" / "existing-function"

PROJECT = "demo"
STACK = "dev"
ACCOUNT = "123456789012"
REGION = "us-east-1"
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:temporal-api-key-AbCdEf"
SERVER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/temporal-server"
API_KEY = "api-key-5f1c-not-a-real-secret"

COMPONENT = "temporal-compute:aws:LambdaWorker"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
FUNCTION = "aws:lambda/function:Function"
LAYER = "aws:lambda/layerVersion:LayerVersion"
RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword"


# --- the engine's part -----------------------------------------------------------------------


@dataclass
class Registration:
    """One RegisterResource request as the mocks saw it, with the state they returned."""

    type: str
    name: str
    urn: str
    parent: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    dependencies: list[str]
    additional_secret_outputs: list[str]
    delete_before_replace: bool
    replace_on_changes: list[str]


@dataclass
class _Stored:
    inputs: dict[str, Any]
    id: str
    outputs: dict[str, Any]


class EngineMocks(pulumi.runtime.Mocks):
    """The engine's stand-in: computed outputs for each resource, and state kept between runs.

    A resource whose plain inputs equal those of the last run keeps its id and
    outputs, as the engine keeps them for a resource with no diff. A Lambda
    function whose inputs changed gets the next version number, as `publish`
    does on every update.
    """

    def __init__(self) -> None:
        self.state: dict[tuple[str, str], _Stored] = {}
        self.versions: dict[str, int] = {}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any] | None]:
        raise AssertionError(f"unexpected invoke {args.token}")

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        key = (args.typ, args.name)
        plain_inputs = comparable(strip_secrets(args.inputs))
        stored = self.state.get(key)
        if stored is not None and stored.inputs == plain_inputs:
            return stored.id, stored.outputs

        resource_id, computed = self._computed(args.typ, args.name, plain_inputs)
        outputs = {**args.inputs, **computed}
        self.state[key] = _Stored(plain_inputs, resource_id, outputs)
        return resource_id, outputs

    def _computed(
        self, type_: str, name: str, inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        if type_ == ROLE:
            return name, {"name": name, "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}"}
        if type_ == FUNCTION:
            function_name = inputs.get("name") or name
            arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function_name}"
            version = self.versions.get(arn, 0) + 1
            self.versions[arn] = version
            return function_name, {
                "name": function_name,
                "arn": arn,
                "version": str(version),
                "qualifiedArn": f"{arn}:{version}",
            }
        if type_ == LAYER:
            return name, {"arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:{name}:1"}
        if type_ == RANDOM_PASSWORD:
            alphabet = string.ascii_letters + string.digits
            result = "".join(secrets.choice(alphabet) for _ in range(int(inputs["length"])))
            return "none", {"result": result}
        if type_ == DYNAMIC_RESOURCE_TYPE:
            namespace = inputs.get("namespace") or "default"
            return f"{namespace}/{inputs['deployment_name']}/{inputs['build_id']}", {}
        return f"{name}-id", {}


def comparable(value: Any) -> Any:
    """Replace assets and archives by their content, which is what the engine compares."""

    if isinstance(value, pulumi.StringAsset):
        return ("StringAsset", value.text)
    if isinstance(value, pulumi.FileAsset | pulumi.FileArchive):
        return (type(value).__name__, str(value.path))
    if isinstance(value, pulumi.AssetArchive):
        return ("AssetArchive", comparable(dict(value.assets)))
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    return value


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The SDK's mock monitor, keeping each request's options that `MockResourceArgs` omits."""

    def __init__(self, mocks: EngineMocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            stored = self.resources[response.urn]
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    parent=request.parent,
                    inputs=pulumi.runtime.rpc.deserialize_properties(request.object),
                    outputs=stored.state,
                    dependencies=list(request.dependencies),
                    additional_secret_outputs=list(request.additionalSecretOutputs),
                    delete_before_replace=request.deleteBeforeReplace,
                    replace_on_changes=list(request.replaceOnChanges),
                )
            )
        return response


@dataclass
class ProgramRun:
    """What one run of a program registered, and the values its `collect` callback resolved."""

    registrations: list[Registration]
    values: dict[str, Any] = field(default_factory=dict)

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> Registration:
        found = [r for r in self.of_type(type_) if name is None or r.name == name]
        assert len(found) == 1, f"expected one {type_} named {name}, got {[r.name for r in found]}"
        return found[0]

    def type_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for registration in self.registrations:
            counts[registration.type] = counts.get(registration.type, 0) + 1
        return counts


def run_program(
    mocks: EngineMocks,
    program: Callable[[], dict[str, pulumi.Output[Any]] | None],
    *,
    config: dict[str, str] | None = None,
    secret_keys: tuple[str, ...] = (),
    project: str = PROJECT,
) -> ProgramRun:
    """Run `program` as one `pulumi up` of the mocked stack and wait for every registration.

    `program` may return named outputs, whose resolved values (and, under
    `<name>.secret`, their secret-ness) land in `ProgramRun.values`.
    """

    monitor = RecordingMonitor(mocks)
    set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_mocks(mocks, project=project, stack=STACK, preview=False, monitor=monitor)
    pulumi.runtime.set_all_config(config or {}, list(secret_keys))
    run = ProgramRun(monitor.registrations)

    @pulumi.runtime.test
    def body() -> pulumi.Output[Any]:
        outputs = program() or {}
        pending: list[pulumi.Output[Any]] = []
        for name, output in outputs.items():
            pending.append(output.apply(functools.partial(run.values.__setitem__, name)))
            secret: pulumi.Output[bool] = pulumi.Output.from_input(
                cast("Awaitable[bool]", output.is_secret())
            )
            pending.append(
                secret.apply(functools.partial(run.values.__setitem__, f"{name}.secret"))
            )
        return pulumi.Output.all(*pending)

    try:
        body()
    finally:
        _cancel_leftover_tasks()
    return run


def _cancel_leftover_tasks() -> None:
    # A failed program leaves registrations pending on the shared event loop; they
    # would fail inside the next test's run if they were left to finish.
    loop = asyncio.get_event_loop()
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


def lambda_worker_args(**overrides: Any) -> LambdaWorkerArgs:
    values: dict[str, Any] = {
        "deployment_name": "orders",
        "build_id": "build-1",
        "task_queue": "orders-queue",
        "namespace": "orders-ns",
        "address": "orders-ns.a1b2c.tmprl.cloud:7233",
        "code": pulumi.AssetArchive({"handler.py": pulumi.StringAsset("def h(e, c): pass\n")}),
        "api_key_secret_arn": SECRET_ARN,
    }
    values.update(overrides)
    return LambdaWorkerArgs(**values)


def worker_program(**overrides: Any) -> Callable[[], dict[str, pulumi.Output[Any]]]:
    def program() -> dict[str, pulumi.Output[Any]]:
        worker = LambdaWorker("orders", lambda_worker_args(**overrides))
        return {
            "function_arn": worker.function_arn,
            "function_version_arn": worker.function_version_arn,
            "execution_role_arn": worker.execution_role_arn,
            "invoke_role_arn": worker.invoke_role_arn,
            "external_id": worker.external_id,
            "compute_config_id": worker.compute_config_id,
        }

    return program


def plain(value: Any) -> Any:
    return strip_secrets(value)


def policy_document(registration: Registration, key: str) -> dict[str, Any]:
    return json.loads(plain(registration.inputs[key]))


@pytest.fixture
def mocks() -> EngineMocks:
    return EngineMocks()


@pytest.fixture
def default_run(mocks: EngineMocks) -> ProgramRun:
    return run_program(mocks, worker_program())


# --- resources and policy documents ----------------------------------------------------------


def test_worker_resource_counts(default_run: ProgramRun) -> None:
    assert default_run.type_counts() == {
        COMPONENT: 1,
        ROLE: 2,
        ATTACHMENT: 1,
        ROLE_POLICY: 2,
        FUNCTION: 1,
        RANDOM_PASSWORD: 1,
        DYNAMIC_RESOURCE_TYPE: 1,
    }


def test_worker_children_parented(default_run: ProgramRun) -> None:
    component = default_run.one(COMPONENT)
    parents = {r.urn: r.parent for r in default_run.registrations}
    for registration in default_run.registrations:
        if registration is component:
            continue
        ancestor = registration.parent
        while ancestor in parents and ancestor != component.urn:
            ancestor = parents[ancestor]
        assert ancestor == component.urn, registration.urn


def test_execution_role_trusts_lambda(default_run: ProgramRun) -> None:
    role = default_run.one(ROLE, "orders-execution")
    trust = policy_document(role, "assumeRolePolicy")
    assert trust["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]


def test_execution_role_gets_basic_logging(default_run: ProgramRun) -> None:
    attachment = default_run.one(ATTACHMENT, "orders-logs")
    assert attachment.inputs["policyArn"] == (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    )
    assert attachment.inputs["role"] == "orders-execution"


def test_execution_role_reads_only_api_key_secret(default_run: ProgramRun) -> None:
    grant = default_run.one(ROLE_POLICY, "orders-api-key")
    assert grant.inputs["role"] == "orders-execution"
    document = policy_document(grant, "policy")
    assert document["Statement"] == [
        {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": SECRET_ARN}
    ]


def test_extra_policy_arns_attached(mocks: EngineMocks) -> None:
    extra = [
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        f"arn:aws:iam::{ACCOUNT}:policy/orders-db",
    ]
    run = run_program(mocks, worker_program(extra_policy_arns=extra))
    attached = sorted(
        r.inputs["policyArn"] for r in run.of_type(ATTACHMENT) if r.name != "orders-logs"
    )
    assert attached == sorted(extra)


def test_invoke_role_trust_requires_external_id(default_run: ProgramRun) -> None:
    role = default_run.one(ROLE, "orders-invoke")
    external_id = default_run.values["external_id"]
    trust = policy_document(role, "assumeRolePolicy")
    assert trust["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"AWS": sorted(TEMPORAL_CLOUD_PRINCIPALS)},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
        }
    ]


def test_invoke_role_trust_is_secret(default_run: ProgramRun) -> None:
    role = default_run.one(ROLE, "orders-invoke")
    assert is_rpc_secret(role.inputs["assumeRolePolicy"])


def test_invoke_role_trusts_self_hosted_server(mocks: EngineMocks) -> None:
    run = run_program(mocks, worker_program(temporal_principals=[SERVER_ROLE]))
    trust = policy_document(run.one(ROLE, "orders-invoke"), "assumeRolePolicy")
    assert trust["Statement"][0]["Principal"] == {"AWS": SERVER_ROLE}


def test_invoke_permissions_exactly_function(default_run: ProgramRun) -> None:
    function_arn = default_run.values["function_arn"]
    grant = default_run.one(ROLE_POLICY, "orders-invoke")
    assert grant.inputs["role"] == "orders-invoke"
    document = policy_document(grant, "policy")
    assert document["Statement"] == [
        {
            "Effect": "Allow",
            "Action": ["lambda:GetFunction", "lambda:InvokeFunction"],
            "Resource": [function_arn, f"{function_arn}:*"],
        }
    ]


def test_temporal_cloud_principals_shape() -> None:
    assert len(TEMPORAL_CLOUD_PRINCIPALS) == len(set(TEMPORAL_CLOUD_PRINCIPALS))
    for principal in TEMPORAL_CLOUD_PRINCIPALS:
        prefix, _, account_and_role = principal.partition("arn:aws:iam::")
        account, _, role = account_and_role.partition(":")
        assert prefix == ""
        assert account.isdigit(), principal
        assert len(account) == 12, principal
        assert role == "role/wci-lambda-invoke", principal


# --- the function ----------------------------------------------------------------------------


def test_function_defaults(default_run: ProgramRun) -> None:
    function = default_run.one(FUNCTION)
    inputs = function.inputs
    assert inputs["publish"] is True
    assert inputs["timeout"] == 600
    assert inputs["memorySize"] == 512
    assert inputs["runtime"] == "python3.12"
    assert inputs["handler"] == "handler.lambda_handler"
    assert inputs["packageType"] == "Zip"
    assert inputs["role"] == default_run.values["execution_role_arn"]


def test_function_waits_for_role_grants(default_run: ProgramRun) -> None:
    function = default_run.one(FUNCTION)
    assert default_run.one(ATTACHMENT, "orders-logs").urn in function.dependencies
    assert default_run.one(ROLE_POLICY, "orders-api-key").urn in function.dependencies


def test_function_environment(default_run: ProgramRun) -> None:
    variables = plain(default_run.one(FUNCTION).inputs["environment"])["variables"]
    assert variables == {
        "TEMPORAL_ADDRESS": "orders-ns.a1b2c.tmprl.cloud:7233",
        "TEMPORAL_NAMESPACE": "orders-ns",
        "TEMPORAL_TASK_QUEUE": "orders-queue",
        "TEMPORAL_DEPLOYMENT_NAME": "orders",
        "TEMPORAL_BUILD_ID": "build-1",
        "TEMPORAL_API_KEY_SECRET_ARN": SECRET_ARN,
    }


def test_function_environment_not_secret_without_key(default_run: ProgramRun) -> None:
    function = default_run.one(FUNCTION)
    assert not is_rpc_secret(function.inputs["environment"])
    assert "environment" not in function.additional_secret_outputs


def test_user_environment_overrides(mocks: EngineMocks) -> None:
    run = run_program(
        mocks,
        worker_program(environment={"TEMPORAL_TASK_QUEUE": "other", "TEMPORAL_TLS": "true"}),
    )
    variables = plain(run.one(FUNCTION).inputs["environment"])["variables"]
    assert variables["TEMPORAL_TASK_QUEUE"] == "other"
    assert variables["TEMPORAL_TLS"] == "true"


def test_address_defaults_to_connection(mocks: EngineMocks) -> None:
    run = run_program(
        mocks,
        worker_program(address=None, connection=ConnectionArgs(address="10.0.0.5:7233")),
    )
    variables = plain(run.one(FUNCTION).inputs["environment"])["variables"]
    assert variables["TEMPORAL_ADDRESS"] == "10.0.0.5:7233"


def test_plain_api_key_is_secret(mocks: EngineMocks) -> None:
    run = run_program(mocks, worker_program(api_key_secret_arn=None, api_key=API_KEY))
    function = run.one(FUNCTION)
    environment = function.inputs["environment"]
    assert is_rpc_secret(environment)
    assert plain(environment)["variables"]["TEMPORAL_API_KEY"] == API_KEY
    assert "TEMPORAL_API_KEY_SECRET_ARN" not in plain(environment)["variables"]
    assert function.additional_secret_outputs == ["environment"]
    assert run.of_type(ROLE_POLICY) == [run.one(ROLE_POLICY, "orders-invoke")]


def test_api_key_never_outside_function(mocks: EngineMocks) -> None:
    run = run_program(mocks, worker_program(api_key_secret_arn=None, api_key=API_KEY))
    for registration in run.registrations:
        if registration.type != FUNCTION:
            assert API_KEY not in json.dumps(plain(registration.inputs), default=str), (
                registration.name
            )


def test_image_function(mocks: EngineMocks) -> None:
    image = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/orders-worker:build-1"
    run = run_program(mocks, worker_program(code=None, image_uri=image, layers=["arn:layer"]))
    inputs = run.one(FUNCTION).inputs
    assert inputs["packageType"] == "Image"
    assert inputs["imageUri"] == image
    for zip_only in ("handler", "runtime", "code", "layers"):
        assert zip_only not in inputs, zip_only


# --- the compute configuration ---------------------------------------------------------------


def test_compute_config_gets_version_arn(default_run: ProgramRun) -> None:
    config = default_run.one(DYNAMIC_RESOURCE_TYPE)
    provider = config.inputs["scaling_groups"]["default"]["provider"]
    version_arn = default_run.values["function_version_arn"]
    assert version_arn == f"{default_run.values['function_arn']}:1"
    assert provider == {
        "type": "aws-lambda",
        "function_arn": version_arn,
        "role_arn": default_run.values["invoke_role_arn"],
    }


def test_compute_config_inputs(default_run: ProgramRun) -> None:
    inputs = default_run.one(DYNAMIC_RESOURCE_TYPE).inputs
    assert inputs["deployment_name"] == "orders"
    assert inputs["build_id"] == "build-1"
    assert inputs["namespace"] == "orders-ns"
    assert inputs["scaling_groups"]["default"]["task_queue_types"] == []
    assert inputs["scaling_groups"]["default"]["scaler"] == {"type": "no-sync"}
    assert plain(inputs["external_id"]) == default_run.values["external_id"]


def test_compute_config_depends_on_invoke_policy(default_run: ProgramRun) -> None:
    config = default_run.one(DYNAMIC_RESOURCE_TYPE)
    invoke_policy = default_run.one(ROLE_POLICY, "orders-invoke")
    assert invoke_policy.urn in config.dependencies


def test_compute_config_replaces_new_first(default_run: ProgramRun) -> None:
    config = default_run.one(DYNAMIC_RESOURCE_TYPE)
    assert config.delete_before_replace is False
    assert config.replace_on_changes == []


def test_compute_config_group_options(mocks: EngineMocks) -> None:
    run = run_program(
        mocks, worker_program(scaling_group_name="workflows", task_queue_types=["workflow"])
    )
    groups = run.one(DYNAMIC_RESOURCE_TYPE).inputs["scaling_groups"]
    assert list(groups) == ["workflows"]
    assert groups["workflows"]["task_queue_types"] == ["workflow"]


def test_outputs_resolved(default_run: ProgramRun) -> None:
    values = default_run.values
    assert values["compute_config_id"] == "orders-ns/orders/build-1"
    assert values["invoke_role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/orders-invoke"
    assert values["execution_role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/orders-execution"


# --- the external ID -------------------------------------------------------------------------


def test_generated_external_id_valid(default_run: ProgramRun) -> None:
    external_id = default_run.values["external_id"]
    assert 5 <= len(external_id) <= 45
    assert all(c in string.ascii_letters + string.digits + "_+=,.@-" for c in external_id)


def test_external_id_output_secret(default_run: ProgramRun) -> None:
    assert default_run.values["external_id.secret"] is True


def test_external_id_input_secret(default_run: ProgramRun) -> None:
    config = default_run.one(DYNAMIC_RESOURCE_TYPE)
    assert is_rpc_secret(config.inputs["external_id"])
    assert "external_id" in config.additional_secret_outputs


def test_given_external_id_used_and_secret(mocks: EngineMocks) -> None:
    run = run_program(mocks, worker_program(external_id="orders-external-id"))
    assert run.of_type(RANDOM_PASSWORD) == []
    assert run.values["external_id"] == "orders-external-id"
    assert run.values["external_id.secret"] is True
    trust = policy_document(run.one(ROLE, "orders-invoke"), "assumeRolePolicy")
    assert trust["Statement"][0]["Condition"] == {
        "StringEquals": {"sts:ExternalId": "orders-external-id"}
    }


@pytest.mark.parametrize("bad", ["abc", "x" * 46, "has space in it"])
def test_invalid_external_id_rejected(mocks: EngineMocks, bad: str) -> None:
    with pytest.raises(ValueError, match="external ID"):
        run_program(mocks, worker_program(external_id=bad))


def test_external_id_stable_across_runs(mocks: EngineMocks) -> None:
    first = run_program(mocks, worker_program())
    second = run_program(
        mocks,
        worker_program(
            build_id="build-2",
            code=pulumi.AssetArchive({"handler.py": pulumi.StringAsset("# changed\n")}),
        ),
    )

    assert second.values["external_id"] == first.values["external_id"]
    assert plain(second.one(RANDOM_PASSWORD).inputs) == plain(first.one(RANDOM_PASSWORD).inputs)
    assert second.one(RANDOM_PASSWORD).urn == first.one(RANDOM_PASSWORD).urn


def test_new_build_gets_new_version(mocks: EngineMocks) -> None:
    first = run_program(mocks, worker_program())
    second = run_program(mocks, worker_program(build_id="build-2"))

    assert first.values["function_version_arn"].endswith(":1")
    assert second.values["function_version_arn"].endswith(":2")
    provider = second.one(DYNAMIC_RESOURCE_TYPE).inputs["scaling_groups"]["default"]["provider"]
    assert provider["function_arn"] == second.values["function_version_arn"]


def test_unchanged_program_keeps_version(mocks: EngineMocks) -> None:
    first = run_program(mocks, worker_program())
    second = run_program(mocks, worker_program())
    assert second.values["function_version_arn"] == first.values["function_version_arn"]


# --- input validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": None}, "exactly one of `code` and `image_uri`"),
        ({"image_uri": "repo/image:1"}, "exactly one of `code` and `image_uri`"),
        ({"api_key": API_KEY}, "at most one of `api_key_secret_arn` and `api_key`"),
        ({"address": None}, "the Temporal address is missing"),
        ({"temporal_principals": []}, "`temporal_principals` is empty"),
    ],
)
def test_invalid_args_rejected(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        lambda_worker_args(**overrides).validate()


# --- against the real dynamic provider -------------------------------------------------------


def test_compute_config_passes_provider_check(default_run: ProgramRun, tmp_path: Path) -> None:
    config = default_run.one(DYNAMIC_RESOURCE_TYPE)
    with ProviderProcess.start(
        cwd=tmp_path,
        log_dir=tmp_path / "logs",
        project=PROJECT,
        env={"PYTHONPATH": str(REPO_ROOT)},
    ) as process:
        response = process.check(config.urn, {}, config.inputs)

    assert response.failures == []
    group = response.inputs["scaling_groups"]["default"]
    assert group["provider"]["function_arn"] == default_run.values["function_version_arn"]


# --- the worker code of the example ----------------------------------------------------------


def run_example_python(
    code: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    clean_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=WORKER_EXAMPLE,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_handler_imports_cleanly() -> None:
    result = run_example_python("import worker.handler")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_handler_env_names_match_component() -> None:
    result = run_example_python(
        "import json, worker.handler as h; "
        "print(json.dumps([h.ENV_DEPLOYMENT_NAME, h.ENV_BUILD_ID, h.ENV_API_KEY_SECRET_ARN]))"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        lambda_worker.ENV_DEPLOYMENT_NAME,
        lambda_worker.ENV_BUILD_ID,
        lambda_worker.ENV_API_KEY_SECRET_ARN,
    ]


def test_handler_names_missing_variable() -> None:
    result = run_example_python("import worker.handler as h; h.lambda_handler({}, None)")
    assert result.returncode != 0
    assert "RuntimeError: environment variable TEMPORAL_DEPLOYMENT_NAME is missing" in (
        result.stderr
    )


def test_workflow_declares_versioning_behavior() -> None:
    result = run_example_python(
        "from temporalio.workflow import _Definition; "
        "from worker.workflows import GreetingWorkflow; "
        "print(_Definition.must_from_class(GreetingWorkflow).versioning_behavior.name)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "PINNED"


# --- the example programs --------------------------------------------------------------------


@pytest.fixture
def worker_example_copy(tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "aws-lambda-worker"
    shutil.copytree(WORKER_EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__", "build"))
    (copy / "build" / "layer" / "python").mkdir(parents=True)
    yield copy


def example_config(project: str, **values: str) -> dict[str, str]:
    return {f"{project}:{key}" if ":" not in key else key: value for key, value in values.items()}


def test_worker_example_program(mocks: EngineMocks, worker_example_copy: Path) -> None:
    config = example_config(
        "aws-lambda-worker",
        **{
            "temporal:address": "orders-ns.a1b2c.tmprl.cloud:7233",
            "temporal:namespace": "orders-ns.a1b2c",
            "buildId": "build-9",
            "apiKeySecretArn": SECRET_ARN,
        },
    )
    run = run_program(
        mocks,
        lambda: runpy.run_path(str(worker_example_copy / "__main__.py")) and None,
        config=config,
        project="aws-lambda-worker",
    )

    function = run.one(FUNCTION)
    assert function.inputs["handler"] == "worker.handler.lambda_handler"
    assert function.inputs["layers"] == [run.one(LAYER).outputs["arn"]]
    variables = plain(function.inputs["environment"])["variables"]
    assert variables["TEMPORAL_BUILD_ID"] == "build-9"
    assert variables["TEMPORAL_API_KEY_SECRET_ARN"] == SECRET_ARN
    compute = run.one(DYNAMIC_RESOURCE_TYPE).inputs
    assert compute["namespace"] == "orders-ns.a1b2c"
    assert compute["scaling_groups"]["default"]["provider"]["function_arn"].endswith(":1")


def test_worker_example_requires_layer(mocks: EngineMocks, worker_example_copy: Path) -> None:
    shutil.rmtree(worker_example_copy / "build")
    config = example_config(
        "aws-lambda-worker",
        **{"temporal:address": "a:7233", "temporal:namespace": "n", "buildId": "b"},
    )
    with pytest.raises(RuntimeError, match="build the dependency layer first"):
        run_program(
            mocks,
            lambda: runpy.run_path(str(worker_example_copy / "__main__.py")) and None,
            config=config,
            project="aws-lambda-worker",
        )


EXISTING_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:legacy-worker:7"


def run_existing_function(mocks: EngineMocks, **values: str) -> ProgramRun:
    settings = {"functionVersionArn": EXISTING_ARN, "deploymentName": "legacy", "buildId": "b7"}
    settings.update(values)
    secret_keys = ("existing-function:externalId",) if "externalId" in values else ()
    return run_program(
        mocks,
        lambda: runpy.run_path(str(EXISTING_FUNCTION_EXAMPLE / "__main__.py")) and None,
        config=example_config("existing-function", **settings),
        secret_keys=secret_keys,
        project="existing-function",
    )


def test_existing_function_resources(mocks: EngineMocks) -> None:
    run = run_existing_function(mocks)
    assert run.type_counts() == {
        RANDOM_PASSWORD: 1,
        ROLE: 1,
        ROLE_POLICY: 1,
        DYNAMIC_RESOURCE_TYPE: 1,
    }


def test_existing_function_wiring(mocks: EngineMocks) -> None:
    run = run_existing_function(mocks, externalId="legacy-external-id")
    role = run.one(ROLE)
    trust = policy_document(role, "assumeRolePolicy")
    assert trust["Statement"][0]["Condition"] == {
        "StringEquals": {"sts:ExternalId": "legacy-external-id"}
    }
    assert trust["Statement"][0]["Principal"] == {"AWS": sorted(TEMPORAL_CLOUD_PRINCIPALS)}
    permissions = policy_document(run.one(ROLE_POLICY), "policy")
    unqualified = EXISTING_ARN.rsplit(":", 1)[0]
    assert permissions["Statement"][0]["Resource"] == [unqualified, f"{unqualified}:*"]

    compute = run.one(DYNAMIC_RESOURCE_TYPE)
    provider = compute.inputs["scaling_groups"]["default"]["provider"]
    assert provider["function_arn"] == EXISTING_ARN
    assert provider["role_arn"] == role.outputs["arn"]
    assert is_rpc_secret(compute.inputs["external_id"])
    assert run.one(ROLE_POLICY).urn in compute.dependencies


def test_existing_function_self_hosted(mocks: EngineMocks) -> None:
    run = run_existing_function(mocks, temporalServerRoleArn=SERVER_ROLE)
    trust = policy_document(run.one(ROLE), "assumeRolePolicy")
    assert trust["Statement"][0]["Principal"] == {"AWS": SERVER_ROLE}


def test_existing_function_rejects_unqualified(mocks: EngineMocks) -> None:
    with pytest.raises(ValueError, match="has no version"):
        run_existing_function(mocks, functionVersionArn=EXISTING_ARN.rsplit(":", 1)[0])


def test_provider_modules_skip_pulumi_aws() -> None:
    code = (
        "import sys\n"
        "import pulumi_temporal_compute.aws\n"
        "import pulumi_temporal_compute.aws.policies\n"
        "import pulumi_temporal_compute.provider\n"
        "import pulumi_temporal_compute.resource\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(loaded & {'pulumi_aws', 'pulumi_random'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
