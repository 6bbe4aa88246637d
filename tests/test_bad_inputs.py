"""Bad inputs sent through the real dynamic-provider server: each gets a clear message and
changes nothing on the Temporal server.

Every case runs `EngineSession.up` against the dev server from conftest.py. A case that
Check rejects must name the property and the fix. A case that reaches the server must fail
with a message that names the fix, and leave the server as it was. No message, traceback
or provider log may contain the external ID, so every case uses a distinctive one.
"""

from __future__ import annotations

import copy
import secrets
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import lambda_inputs, unique_name

from pulumi_temporal_compute.client import TemporalClient
from pulumi_temporal_compute.connection import ConnectionSettings
from pulumi_temporal_compute.errors import TemporalComputeError
from pulumi_temporal_compute.provider import ComputeConfigProvider
from pulumi_temporal_compute.testing.auth_proxy import ApiKeyProxy
from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker, create_lambda_worker
from pulumi_temporal_compute.testing.engine import (
    CheckFailedError,
    EngineSession,
    ProviderError,
    ProviderProcess,
)
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer

# Distinctive, so a leak into any message or log is unmistakable. It uses every
# punctuation character IAM allows in an external ID.
SECRET_EXTERNAL_ID = "Zq9.secret+ext=id,@_-" + secrets.token_hex(8)

# Max length of one reason, in characters, so that a huge input is never repeated whole.
MAX_REASON_LENGTH = 1000

ACCOUNT = "123456789012"
LAMBDA_PREFIX = f"arn:aws:lambda:us-east-1:{ACCOUNT}"
LAMBDA_FIX = "use arn:aws:lambda:<region>:<account>:function:<name>"
ROLE_FIX = "use arn:aws:iam::<account>:role/<name>"
MISSING_PEM_PATH = "/nonexistent/pulumi-temporal-compute-tests/ca.pem"
CERT_PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
KEY_PEM = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"

NAME = "bad"

# How long the provider retries when Temporal cannot assume the role, in seconds.
IAM_WAIT_CONFIG = "temporal:iamPropagationTimeoutSeconds"


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def secret_worker(aws: AwsEmulator) -> LambdaWorker:
    """A Lambda function whose invoke role requires SECRET_EXTERNAL_ID."""

    return create_lambda_worker(aws, f"fn-bad-{uuid.uuid4().hex[:8]}", SECRET_EXTERNAL_ID)


def start_provider(
    directory: Path,
    aws: AwsEmulator,
    stack_config: dict[str, str],
    secret_keys: tuple[str, ...] | list[str] = (),
) -> ProviderProcess:
    """Start a provider process whose AWS SDK reaches only the emulator.

    Temporal's refusal to assume a role is not retried, so a wrong external ID fails at once.
    """

    return ProviderProcess.start(
        cwd=directory,
        log_dir=directory / "provider",
        project="tests",
        stack_config={IAM_WAIT_CONFIG: "0", **stack_config},
        secret_config_keys=secret_keys,
        env=aws.aws_env(),
    )


@pytest.fixture(scope="module")
def module_engine(
    tmp_path_factory: pytest.TempPathFactory, temporal: TemporalDevServer, aws: AwsEmulator
) -> Iterator[EngineSession]:
    """One provider process for the whole table, because starting one per case is slow."""

    directory = tmp_path_factory.mktemp("bad-inputs")
    with start_provider(directory, aws, {"temporal:address": temporal.address}) as process:
        yield EngineSession(process, ComputeConfigProvider())


@pytest.fixture(scope="module")
def plain_server(
    tmp_path_factory: pytest.TempPathFactory, aws: AwsEmulator
) -> Iterator[TemporalDevServer]:
    """A dev server without the worker controller."""

    directory = tmp_path_factory.mktemp("plain-server")
    with TemporalDevServer.start(directory, aws, worker_controller=False) as server:
        yield server


# --- helpers ----------------------------------------------------------------------------------


Inputs = dict[str, Any]
Mutation = Callable[[Inputs], None]


def provider_of(inputs: Inputs, group: str = "default") -> dict[str, Any]:
    provider: dict[str, Any] = inputs["scaling_groups"][group]["provider"]
    return provider


def set_top(**values: Any) -> Mutation:
    return lambda inputs: inputs.update(values)


def set_provider(**values: Any) -> Mutation:
    return lambda inputs: provider_of(inputs).update(values)


def set_function(arn: str) -> Mutation:
    return set_provider(function_arn=arn)


def set_role(arn: str) -> Mutation:
    return set_provider(role_arn=arn)


def set_group(**values: Any) -> Mutation:
    return lambda inputs: inputs["scaling_groups"]["default"].update(values)


def set_connection(**values: Any) -> Mutation:
    return lambda inputs: inputs.update(connection=values)


def add_group(name: str, task_queue_types: list[str]) -> Mutation:
    def mutate(inputs: Inputs) -> None:
        group = copy.deepcopy(inputs["scaling_groups"]["default"])
        group["task_queue_types"] = task_queue_types
        inputs["scaling_groups"][name] = group

    return mutate


def claim_types(task_queue_types: list[str]) -> Mutation:
    return set_group(task_queue_types=task_queue_types)


def rename_default_group(name: str) -> Mutation:
    def mutate(inputs: Inputs) -> None:
        inputs["scaling_groups"] = {name: inputs["scaling_groups"]["default"]}

    return mutate


def rate_based(**settings: Any) -> dict[str, Any]:
    """A rate-based scaler with valid counts, changed by `settings`."""

    return {"type": "rate-based", "min_count": 0, "max_count": 4, "initial_count": 1, **settings}


def both(*mutations: Mutation) -> Mutation:
    def mutate(inputs: Inputs) -> None:
        for mutation in mutations:
            mutation(inputs)

    return mutate


def deployment_exists(client: TemporalClient, deployment_name: Any) -> bool:
    """Tell whether the server has a deployment of that name. A name it rejects cannot exist."""

    if not isinstance(deployment_name, str) or not deployment_name:
        return False
    try:
        return client.deployment_exists(deployment_name)
    except TemporalComputeError:
        return False


def assert_no_secret(text: str) -> None:
    assert SECRET_EXTERNAL_ID not in text


@dataclass(frozen=True)
class CheckCase:
    """One bad input that Check must reject: the failing property and words of the fix.

    `props` lists the acceptable property paths; the first one that fails must carry
    every fragment.
    """

    id: str
    mutate: Mutation
    props: tuple[str, ...]
    fragments: tuple[str, ...]
    external_id: str | None = None  # a bad external ID this case sends instead of the secret

    def param(self) -> Any:
        return pytest.param(self, id=self.id)


def case(
    case_id: str,
    mutate: Mutation,
    prop: str | tuple[str, ...],
    *fragments: str,
    external_id: str | None = None,
) -> CheckCase:
    props = (prop,) if isinstance(prop, str) else prop
    return CheckCase(case_id, mutate, props, fragments, external_id)


PROVIDER = "scaling_groups.default.provider"
FUNCTION = f"{PROVIDER}.function_arn"
ROLE = f"{PROVIDER}.role_arn"
TYPES = "scaling_groups.default.task_queue_types"
SCALER = "scaling_groups.default.scaler"

CHECK_CASES = [
    # Lambda function ARN: partition, service, region, account, shape.
    case("fn-partition", set_function(f"arn:aws-xx:lambda:us-east-1:{ACCOUNT}:function:f"),
         FUNCTION, "unknown partition 'aws-xx'", LAMBDA_FIX).param(),
    case("fn-service", set_function(f"arn:aws:lambdas:us-east-1:{ACCOUNT}:function:f"),
         FUNCTION, "names the service 'lambdas', not lambda", LAMBDA_FIX).param(),
    case("fn-s3-arn", set_provider(function_arn="arn:aws:s3:::my-bucket"),
         FUNCTION, "names the service 's3'", LAMBDA_FIX).param(),
    case("fn-region", set_provider(function_arn=f"arn:aws:lambda:nowhere:{ACCOUNT}:function:f"),
         FUNCTION, "'nowhere' where a region", LAMBDA_FIX).param(),
    case("fn-region-case", set_function(f"arn:aws:lambda:US-EAST-1:{ACCOUNT}:function:f"),
         FUNCTION, "'US-EAST-1' where a region", LAMBDA_FIX).param(),
    case("fn-account", set_provider(function_arn="arn:aws:lambda:us-east-1:12345:function:f"),
         FUNCTION, "'12345' where a 12-digit account ID", LAMBDA_FIX).param(),
    case("fn-not-arn", set_provider(function_arn="orders-worker"),
         FUNCTION, "'orders-worker' is not an ARN", LAMBDA_FIX).param(),
    case("fn-layer", set_provider(function_arn=f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:f"),
         FUNCTION, "names a 'layer', not a function", LAMBDA_FIX).param(),
    case("fn-qualifier", set_function(f"{LAMBDA_PREFIX}:function:f:v1.2"),
         FUNCTION, "invalid function name or qualifier", LAMBDA_FIX).param(),
    case("fn-name-65-chars", set_function(f"{LAMBDA_PREFIX}:function:" + "f" * 65),
         FUNCTION, "invalid function name or qualifier", LAMBDA_FIX).param(),
    case("fn-empty", set_provider(function_arn=""),
         FUNCTION, "function ARN is required", "arn:aws:lambda:<region>").param(),
    case("fn-number", set_provider(function_arn=7),
         FUNCTION, "function ARN is required", "arn:aws:lambda:<region>").param(),
    case("fn-1mb", set_function(f"{LAMBDA_PREFIX}:function:" + "f" * 1_000_000),
         FUNCTION, "invalid function name or qualifier", LAMBDA_FIX).param(),
    # IAM role ARN: a role and nothing else.
    case("role-is-user", set_provider(role_arn=f"arn:aws:iam::{ACCOUNT}:user/bob"),
         ROLE, "is an IAM user, not a role", ROLE_FIX).param(),
    case("role-is-policy", set_provider(role_arn=f"arn:aws:iam::{ACCOUNT}:policy/invoke"),
         ROLE, "is an IAM policy, not a role", ROLE_FIX).param(),
    case("role-is-instance-profile", set_role(f"arn:aws:iam::{ACCOUNT}:instance-profile/p"),
         ROLE, "is an IAM instance-profile, not a role", ROLE_FIX).param(),
    case("role-is-assumed-role", set_role(f"arn:aws:sts::{ACCOUNT}:assumed-role/r/session"),
         ROLE, "names the service 'sts', not iam", ROLE_FIX).param(),
    case("role-partition", set_provider(role_arn=f"arn:azure:iam::{ACCOUNT}:role/r"),
         ROLE, "is not an IAM role ARN", ROLE_FIX).param(),
    case("role-with-region", set_provider(role_arn=f"arn:aws:iam:us-east-1:{ACCOUNT}:role/r"),
         ROLE, "is not an IAM role ARN", ROLE_FIX).param(),
    case("role-missing", set_provider(role_arn=None),
         ROLE, "IAM role ARN is required", "arn:aws:iam::<account>:role/<name>").param(),
    # External ID: length and characters, and never its value in a message.
    case("external-id-short", set_top(external_id="Qz9x"), "external_id",
         "4 characters long", "5 to 45 characters", external_id="Qz9x").param(),
    case("external-id-long", set_top(external_id="Qz9x" * 12), "external_id",
         "48 characters long", "5 to 45 characters", external_id="Qz9x" * 12).param(),
    case("external-id-spaces", set_top(external_id="Qz9x secret ext id!"), "external_id",
         "characters IAM does not allow", "_+=,.@-", external_id="Qz9x secret ext id!").param(),
    case("external-id-unicode", set_top(external_id="Qz9x-sécret-ext-id"), "external_id",
         "characters IAM does not allow", "_+=,.@-", external_id="Qz9x-sécret-ext-id").param(),
    case("external-id-missing", set_top(external_id=None), "external_id",
         "external ID is required", "sts:ExternalId").param(),
    # Deployment names and build IDs.
    case("deployment-empty", set_top(deployment_name=""), "deployment_name",
         "deployment name is required", "non-empty string").param(),
    case("deployment-none", set_top(deployment_name=None), "deployment_name",
         "deployment name is required", "non-empty string").param(),
    case("deployment-number", set_top(deployment_name=42), "deployment_name",
         "deployment name is required", "non-empty string").param(),
    case("deployment-256-bytes", set_top(deployment_name="d" * 256), "deployment_name",
         "256 bytes long", "use a shorter `deployment_name`").param(),
    case("deployment-slash", set_top(deployment_name="orders/v1"), "deployment_name",
         "contains '/' or whitespace", "remove them").param(),
    case("deployment-space", set_top(deployment_name="my orders"), "deployment_name",
         "contains '/' or whitespace", "remove them").param(),
    case("deployment-dot", set_top(deployment_name="orders.v1"), "deployment_name",
         "'.'").param(),
    case("deployment-colon", set_top(deployment_name="orders:v1"), "deployment_name",
         "':'").param(),
    case("deployment-dunder", set_top(deployment_name="__orders"), "deployment_name",
         "'__'").param(),
    case("build-empty", set_top(build_id=""), "build_id",
         "build ID is required", "non-empty string").param(),
    case("build-256-bytes-unicode", set_top(build_id="é" * 128), "build_id",
         "256 bytes long", "use a shorter `build_id`").param(),
    case("build-1mb", set_top(build_id="b" * 1_000_000), "build_id",
         "1000000 bytes long", "use a shorter `build_id`").param(),
    case("build-slash", set_top(build_id="v1/linux"), "build_id",
         "contains '/' or whitespace", "remove them").param(),
    case("build-tab", set_top(build_id="v1\tlinux"), "build_id",
         "contains '/' or whitespace", "remove them").param(),
    case("build-dunder", set_top(build_id="__v1"), "build_id",
         "'__'").param(),
    # Task queue types.
    case("types-typo", claim_types(["workflows"]), f"{TYPES}[0]",
         "'workflows' is not a task queue type", "workflow, activity, nexus").param(),
    case("types-capitalized", claim_types(["Activity"]), f"{TYPES}[0]",
         "'Activity' is not a task queue type", "workflow, activity, nexus").param(),
    case("types-nested-list", claim_types([["workflow"]]), f"{TYPES}[0]",  # type: ignore[list-item]
         "is not a task queue type", "workflow, activity, nexus").param(),
    case("types-1mb", claim_types(["w" * 1_000_000]), f"{TYPES}[0]",
         "is not a task queue type", "workflow, activity, nexus").param(),
    case("deployment-1mb-slash", set_top(deployment_name="a/" + "x" * 1_000_000),
         "deployment_name", "contains '/' or whitespace").param(),
    case("types-twice", claim_types(["activity", "activity"]), f"{TYPES}[1]",
         "'activity' is listed twice").param(),
    case("types-string", set_group(task_queue_types="workflow"), TYPES,
         "must be a list").param(),
    case("types-across-groups", both(claim_types(["workflow"]), add_group("second", ["workflow"])),
         # Which group comes first depends on the order of the map on the wire.
         ("scaling_groups.second.task_queue_types", "scaling_groups.default.task_queue_types"),
         "'workflow' is already claimed by scaling group", "belongs to one group").param(),
    # Scalers: only known types with settings in range.
    case("scaler-type-spaces", set_group(scaler={"type": "Auto Scale"}), f"{SCALER}.type",
         "'Auto Scale' is invalid", "use 'no-sync'").param(),
    case("scaler-type-number", set_group(scaler={"type": 7}), f"{SCALER}.type",
         "is invalid", "use 'no-sync'").param(),
    case("scaler-no-sync-max", set_group(scaler={"type": "no-sync", "max_instances": 1000}),
         SCALER, "takes no settings", "remove max_instances").param(),
    case("scaler-string", set_group(scaler="no-sync"), SCALER,
         "must be an object", "{'type': 'no-sync'}").param(),
    case("rate-negative-min", set_group(scaler=rate_based(min_count=-1)), f"{SCALER}.min_count",
         "whole number >= 0", "-1").param(),
    case("rate-fraction-count", set_group(scaler=rate_based(max_count=2.5)), f"{SCALER}.max_count",
         "whole number >= 0", "2.5").param(),
    case("rate-string-count", set_group(scaler=rate_based(initial_count="3")),
         f"{SCALER}.initial_count", "whole number >= 0", "'3'").param(),
    case("rate-zero-max", set_group(scaler=rate_based(min_count=0, max_count=0, initial_count=0)),
         f"{SCALER}.max_count", "at least 1").param(),
    case("rate-initial-over-max", set_group(scaler=rate_based(initial_count=9)), SCALER,
         "min_count <= initial_count <= max_count").param(),
    case("rate-partial-counts", set_group(scaler={"type": "rate-based", "min_count": 1}), SCALER,
         "go together", "max_count, initial_count").param(),
    case("rate-utilization-1.5", set_group(scaler=rate_based(utilization_target=1.5)),
         f"{SCALER}.utilization_target", "fraction in (0, 1]", "1.5").param(),
    case("rate-utilization-zero", set_group(scaler=rate_based(utilization_target=0)),
         f"{SCALER}.utilization_target", "fraction in (0, 1]").param(),
    case("rate-unknown-setting", set_group(scaler=rate_based(max_instances=5)), SCALER,
         "remove max_instances").param(),
    # Providers: one known provider per group, with only its own settings.
    case("provider-type-spaces", set_provider(type="Kubernetes Pod"), f"{PROVIDER}.type",
         "'Kubernetes Pod' is invalid", "use 'aws-lambda'").param(),
    case("provider-type-number", set_provider(type=3), f"{PROVIDER}.type",
         "is invalid", "use 'aws-lambda'").param(),
    case("provider-gcp-with-aws-fields", set_provider(type="gcp-cloud-run"), PROVIDER,
         "remove function_arn, role_arn").param(),
    case("provider-custom-with-aws-fields", set_provider(type="kubernetes"), PROVIDER,
         "remove function_arn, role_arn").param(),
    case("provider-aws-and-gcp-fields", set_provider(project="my-project", region="us-central1"),
         PROVIDER, "remove project, region", "exactly one provider").param(),
    case("provider-extra-key", set_provider(project_id="my-gcp-project"), PROVIDER,
         "remove project_id").param(),
    case("provider-missing", set_group(provider=None), PROVIDER,
         "compute provider is required").param(),
    case("group-second-provider", set_group(gcp_cloud_run={"type": "gcp-cloud-run"}),
         "scaling_groups.default", "unknown settings gcp_cloud_run",
         "task_queue_types, provider and scaler").param(),
    case("nexus-endpoint-number", set_provider(nexus_endpoint=5), f"{PROVIDER}.nexus_endpoint",
         "must be a string").param(),
    case("groups-empty", set_top(scaling_groups={}), "scaling_groups",
         "at least one scaling group is required", "set `aws_lambda`").param(),
    case("group-name-space", rename_default_group("my group"), "scaling_groups.my group",
         "'my group' is invalid", "1 to 63 letters").param(),
    # Other inputs.
    case("skip-drainage-string", set_top(skip_drainage="yes"), "skip_drainage",
         "must be true or false").param(),
    case("namespace-number", set_top(namespace=5), "namespace", "must be a string").param(),
    case("connection-string", set_top(connection="127.0.0.1:7233"), "connection",
         "must be an object").param(),
    case("connection-tls-maybe", set_connection(tls="maybe"), "connection",
         "connection.tls must be true or false", "'maybe'").param(),
    case("tls-ca-missing-file", set_connection(tls_server_ca_cert_path=MISSING_PEM_PATH),
         "connection", "cannot read the server CA certificate", MISSING_PEM_PATH,
         "Fix the path").param(),
    case("tls-ca-directory", set_connection(tls_server_ca_cert_path=tempfile.gettempdir()),
         "connection", "cannot read the server CA certificate", "Is a directory",
         "Fix the path").param(),
    case("tls-cert-without-key", set_connection(tls_client_cert_data=CERT_PEM), "connection",
         "client certificate and key go together", "tls_client_key_path").param(),
    case("tls-key-without-cert", set_connection(tls_client_key_data=KEY_PEM), "connection",
         "client certificate and key go together", "tls_client_cert_path").param(),
    case("tls-ca-path-number", set_connection(tls_server_ca_cert_path=5), "connection",
         "tls_server_ca_cert_path").param(),
    case("tls-ca-data-number", set_connection(tls_server_ca_cert_data=5), "connection",
         "tls_server_ca_cert_data").param(),
    case("connection-key-typo", set_connection(adress="127.0.0.1:1"), "connection",
         "adress").param(),
]  # fmt: skip


@pytest.mark.parametrize("bad", CHECK_CASES)
def test_check_rejects_bad_input(
    bad: CheckCase,
    module_engine: EngineSession,
    client: TemporalClient,
    secret_worker: LambdaWorker,
) -> None:
    inputs = lambda_inputs(secret_worker, deployment_name=unique_name("bad"))
    bad.mutate(inputs)
    resource = f"{NAME}-{bad.id}"

    with pytest.raises(CheckFailedError) as failed:
        module_engine.up(resource, inputs, secret_inputs=["external_id"])

    reasons = dict(failed.value.failures)
    failing = [prop for prop in bad.props if prop in reasons]
    assert failing, failed.value.failures
    reason = reasons[failing[0]]
    for fragment in bad.fragments:
        assert fragment in reason
    for prop, text in failed.value.failures:
        assert len(text) <= MAX_REASON_LENGTH, prop
        assert_no_secret(text)
        if bad.external_id is not None:
            assert bad.external_id not in text
    assert resource not in module_engine.state
    assert not deployment_exists(client, inputs["deployment_name"])
    assert_no_secret(module_engine.process.stderr_text())


# --- inputs that reach the server -------------------------------------------------------------

# Each alternative is a set of fragments that must all appear. The provider's own AWS check
# (with the deployer's credentials) may find a problem before the Temporal server does, so a
# case accepts the clear message of either.
Alternatives = tuple[tuple[str, ...], ...]
ServerMutation = Callable[[Inputs, LambdaWorker, LambdaWorker], None]

WRONG_EXTERNAL_ID = "Qz9x-wrong-external-id"


def missing_function(inputs: Inputs, worker: LambdaWorker, _loose: LambdaWorker) -> None:
    provider_of(inputs)["function_arn"] = worker.function_arn.replace(
        worker.function_name, "no-such-function"
    )


def missing_role(inputs: Inputs, worker: LambdaWorker, _loose: LambdaWorker) -> None:
    provider_of(inputs)["role_arn"] = f"arn:aws:iam::{ACCOUNT}:role/no-such-role"


def role_without_condition(inputs: Inputs, _worker: LambdaWorker, loose: LambdaWorker) -> None:
    provider_of(inputs)["role_arn"] = loose.invoke_role_arn


def wrong_external_id(inputs: Inputs, _worker: LambdaWorker, _loose: LambdaWorker) -> None:
    inputs["external_id"] = WRONG_EXTERNAL_ID


def missing_namespace(inputs: Inputs, _worker: LambdaWorker, _loose: LambdaWorker) -> None:
    inputs["namespace"] = "no-such-namespace"


def namespace_with_spaces(inputs: Inputs, _worker: LambdaWorker, _loose: LambdaWorker) -> None:
    inputs["namespace"] = "my namespace"


def custom_provider(inputs: Inputs, _worker: LambdaWorker, _loose: LambdaWorker) -> None:
    inputs["scaling_groups"]["default"]["provider"] = {
        "type": "kubernetes",
        "details": {"pod": "worker"},
    }


def rate_based_scaler(inputs: Inputs, _worker: LambdaWorker, _loose: LambdaWorker) -> None:
    inputs["scaling_groups"]["default"]["scaler"] = rate_based()


def custom_scaler(inputs: Inputs, _worker: LambdaWorker, _loose: LambdaWorker) -> None:
    inputs["scaling_groups"]["default"]["scaler"] = {"type": "my-scaler", "details": {}}


FUNCTION_MISSING: Alternatives = (
    ("could not see the Lambda function", "lambda:GetFunction"),
    (FUNCTION, "no-such-function", "does not exist"),
)
ROLE_MISSING: Alternatives = (
    ("could not assume the IAM role", "Check the role ARN"),
    (ROLE, "no-such-role", "does not exist"),
)
ROLE_LOOSE: Alternatives = (
    ("does not enforce an external ID", "sts:ExternalId"),
    (ROLE, "without an external ID", "sts:ExternalId"),
)
EXTERNAL_ID_WRONG: Alternatives = (
    ("requires another external ID", "sts:ExternalId condition"),  # the AWS pre-check
    ("could not assume the IAM role", "external ID matches"),  # the server's own check
)

SERVER_CASES = [
    pytest.param(missing_namespace,
                 (("namespace 'no-such-namespace' was not found", "namespace create"),),
                 id="missing-namespace"),
    pytest.param(namespace_with_spaces,
                 (("namespace 'my namespace' was not found", "set `namespace`"),),
                 id="namespace-spaces"),
    pytest.param(missing_function, FUNCTION_MISSING, id="missing-function"),
    pytest.param(missing_role, ROLE_MISSING, id="missing-role"),
    pytest.param(role_without_condition, ROLE_LOOSE, id="role-without-condition"),
    pytest.param(wrong_external_id, EXTERNAL_ID_WRONG, id="wrong-external-id"),
    pytest.param(custom_provider,
                 (("'kubernetes'", "workercontroller.compute_providers.enabled"),),
                 id="provider-type-not-enabled"),
    pytest.param(rate_based_scaler,
                 (("'rate-based'", "workercontroller.scaling_algorithms.enabled"),),
                 id="rate-based-not-enabled"),
    pytest.param(custom_scaler,
                 (("'my-scaler'", "workercontroller.scaling_algorithms.enabled"),),
                 id="scaler-type-not-enabled"),
]  # fmt: skip


@pytest.fixture(scope="module")
def loose_worker(aws: AwsEmulator) -> LambdaWorker:
    """A Lambda function whose invoke role trusts Temporal without an external-ID condition."""

    return create_lambda_worker(
        aws, f"fn-loose-{uuid.uuid4().hex[:8]}", SECRET_EXTERNAL_ID, enforce_external_id=False
    )


def assert_any_fragments(text: str, alternatives: Alternatives) -> None:
    matched = [group for group in alternatives if all(part in text for part in group)]
    assert matched, f"none of {alternatives} all appear in: {text}"


def assert_clear_provider_error(error: ProviderError, alternatives: Alternatives) -> None:
    # A bare KeyError or TypeError would reach the user as a traceback of internals.
    assert error.exception_type.startswith("pulumi_temporal_compute."), error.details
    assert_any_fragments(error.message, alternatives)
    assert_no_secret(error.details)
    assert WRONG_EXTERNAL_ID not in error.details


def assert_clear_error(error: BaseException, alternatives: Alternatives) -> None:
    """Assert that a Check failure or a provider error carries one set of fragments."""

    if isinstance(error, ProviderError):
        assert_clear_provider_error(error, alternatives)
        return
    assert isinstance(error, CheckFailedError)
    text = "\n".join(f"{prop}: {reason}" for prop, reason in error.failures)
    assert_any_fragments(text, alternatives)
    assert_no_secret(text)
    assert WRONG_EXTERNAL_ID not in text


@pytest.mark.parametrize(("mutate", "alternatives"), SERVER_CASES)
def test_server_rejects_bad_input(
    mutate: ServerMutation,
    alternatives: Alternatives,
    module_engine: EngineSession,
    client: TemporalClient,
    secret_worker: LambdaWorker,
    loose_worker: LambdaWorker,
) -> None:
    inputs = lambda_inputs(secret_worker, deployment_name=unique_name("srv"))
    mutate(inputs, secret_worker, loose_worker)
    resource = f"{NAME}-server-{inputs['deployment_name']}"

    with pytest.raises(ProviderError) as failed:
        module_engine.up(resource, inputs, secret_inputs=["external_id"])

    assert failed.value.method == "Create"
    assert_clear_provider_error(failed.value, alternatives)
    log = module_engine.process.stderr_text()
    assert_no_secret(log)
    assert WRONG_EXTERNAL_ID not in log
    assert resource not in module_engine.state
    assert not deployment_exists(client, inputs["deployment_name"])


def test_server_without_feature_changes_nothing(
    tmp_path: Path, plain_server: TemporalDevServer, aws: AwsEmulator, secret_worker: LambdaWorker
) -> None:
    deployment = unique_name("off")
    with start_provider(tmp_path, aws, {"temporal:address": plain_server.address}) as process:
        session = EngineSession(process, ComputeConfigProvider())
        with pytest.raises(ProviderError) as failed:
            session.up(
                NAME,
                lambda_inputs(secret_worker, deployment_name=deployment),
                secret_inputs=["external_id"],
            )
        log = process.stderr_text()

    assert_clear_provider_error(
        failed.value, (("does not have serverless workers", "workercontroller.enabled=true"),)
    )
    assert_no_secret(log)
    settings = ConnectionSettings(address=plain_server.address)
    with TemporalClient(settings) as plain_client:
        assert not plain_client.deployment_exists(deployment)


def test_wrong_api_key_changes_nothing(
    tmp_path: Path,
    temporal: TemporalDevServer,
    aws: AwsEmulator,
    client: TemporalClient,
    secret_worker: LambdaWorker,
) -> None:
    wrong_key = "wrong-key-" + secrets.token_hex(12)
    deployment = unique_name("key")
    with (
        ApiKeyProxy(temporal.address, expected_key="the-right-key") as proxy,
        start_provider(
            tmp_path,
            aws,
            {
                "temporal:address": proxy.address,
                "temporal:apiKey": wrong_key,
                "temporal:tls": "false",
            },
            secret_keys=["temporal:apiKey"],
        ) as process,
    ):
        session = EngineSession(process, ComputeConfigProvider())
        with pytest.raises(ProviderError) as failed:
            session.up(
                NAME,
                lambda_inputs(secret_worker, deployment_name=deployment),
                secret_inputs=["external_id"],
            )
        log = process.stderr_text()
        rejected = proxy.rejected_calls

    assert rejected >= 1
    assert_clear_provider_error(failed.value, (("rejected the credentials", "temporal:apiKey"),))
    assert wrong_key not in failed.value.details
    assert wrong_key not in log
    assert_no_secret(log)
    assert not client.deployment_exists(deployment)


@pytest.mark.parametrize(
    ("config", "fragments"),
    [
        (
            {"temporal:tlsServerCaCertPath": MISSING_PEM_PATH},
            ("cannot read the server CA certificate", MISSING_PEM_PATH),
        ),
        (
            {"temporal:tlsClientCertData": CERT_PEM},
            ("client certificate and key go together", "tls_client_key"),
        ),
        ({"temporal:tls": "maybe"}, ("temporal:tls must be true or false", "'maybe'")),
    ],
    ids=["ca-missing-file", "cert-without-key", "tls-maybe"],
)
def test_bad_stack_config_changes_nothing(
    tmp_path: Path,
    temporal: TemporalDevServer,
    aws: AwsEmulator,
    client: TemporalClient,
    secret_worker: LambdaWorker,
    config: dict[str, str],
    fragments: tuple[str, ...],
) -> None:
    deployment = unique_name("cfg")
    with start_provider(tmp_path, aws, {"temporal:address": temporal.address, **config}) as process:
        session = EngineSession(process, ComputeConfigProvider())
        # Check should find it (see test_preview_reports_bad_stack_config); Create must.
        with pytest.raises((CheckFailedError, ProviderError)) as failed:
            session.up(
                NAME,
                lambda_inputs(secret_worker, deployment_name=deployment),
                secret_inputs=["external_id"],
            )

    assert_clear_error(failed.value, (fragments,))
    assert not client.deployment_exists(deployment)


def test_preview_reports_bad_stack_config(
    tmp_path: Path, temporal: TemporalDevServer, aws: AwsEmulator, secret_worker: LambdaWorker
) -> None:
    config = {
        "temporal:address": temporal.address,
        "temporal:tlsServerCaCertPath": MISSING_PEM_PATH,
    }
    with start_provider(tmp_path, aws, config) as process:
        session = EngineSession(process, ComputeConfigProvider())
        with pytest.raises(CheckFailedError) as failed:
            session.preview(NAME, lambda_inputs(secret_worker, deployment_name="orders"))

    assert MISSING_PEM_PATH in str(failed.value)


# --- bad updates ------------------------------------------------------------------------------


def update_bad_region(inputs: Inputs, worker: LambdaWorker, _loose: LambdaWorker) -> None:
    provider_of(inputs)["function_arn"] = worker.function_arn.replace("us-east-1", "moon-base-1x")


def update_duplicate_type(inputs: Inputs, _worker: LambdaWorker, _loose: LambdaWorker) -> None:
    inputs["scaling_groups"]["default"]["task_queue_types"] = ["workflow"]
    add_group("second", ["workflow"])(inputs)


def update_short_external_id(inputs: Inputs, _worker: LambdaWorker, _loose: LambdaWorker) -> None:
    inputs["external_id"] = "Qz9x"


def update_new_group_missing_function(
    inputs: Inputs, worker: LambdaWorker, loose: LambdaWorker
) -> None:
    add_group("second", ["activity"])(inputs)
    inputs["scaling_groups"]["default"]["task_queue_types"] = ["workflow"]
    second = {"scaling_groups": {"default": inputs["scaling_groups"]["second"]}}
    missing_function(second, worker, loose)


UPDATE_CASES = [
    pytest.param(update_bad_region, (("where a region", LAMBDA_FIX),), id="bad-region"),
    pytest.param(update_duplicate_type, (("is already claimed by scaling group",),),
                 id="duplicate-type"),
    pytest.param(update_short_external_id, (("4 characters long",),), id="short-external-id"),
    pytest.param(missing_function, FUNCTION_MISSING, id="missing-function"),
    pytest.param(missing_role, ROLE_MISSING, id="missing-role"),
    pytest.param(role_without_condition, ROLE_LOOSE, id="role-without-condition"),
    pytest.param(wrong_external_id, EXTERNAL_ID_WRONG, id="wrong-external-id"),
    pytest.param(
        update_new_group_missing_function,
        (*FUNCTION_MISSING, ("scaling_groups.second", "no-such-function", "does not exist")),
        id="new-group-missing-function",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("mutate", "alternatives"), UPDATE_CASES)
def test_bad_update_leaves_config_unchanged(
    module_engine: EngineSession,
    client: TemporalClient,
    secret_worker: LambdaWorker,
    loose_worker: LambdaWorker,
    mutate: ServerMutation,
    alternatives: Alternatives,
) -> None:
    deployment = unique_name("upd")
    resource = f"{NAME}-update-{deployment}"
    good = lambda_inputs(secret_worker, deployment_name=deployment)
    module_engine.up(resource, good, secret_inputs=["external_id"])
    state_before = module_engine.state[resource]
    config_before = client.describe_version(deployment, "b1").groups
    bad = copy.deepcopy(good)
    mutate(bad, secret_worker, loose_worker)

    # Check may find the problem, also by asking the server to validate the change. Otherwise
    # Update gets it from the server. Either must stop before anything changes.
    with pytest.raises((CheckFailedError, ProviderError)) as failed:
        module_engine.up(resource, bad, secret_inputs=["external_id"])

    if isinstance(failed.value, ProviderError):
        assert failed.value.method == "Update"
    assert_clear_error(failed.value, alternatives)
    assert client.describe_version(deployment, "b1").groups == config_before
    assert module_engine.state[resource] == state_before
    assert module_engine.preview(resource, good).operation == "same"
