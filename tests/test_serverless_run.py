"""A whole serverless run on the local servers, with the test playing AWS Lambda's part.

The AWS emulator records Lambda invocations but runs no code. Whenever the Temporal
server invokes the function, the test reads the function's configuration from the
emulator and runs the example worker's handler in a subprocess with exactly that
environment, as Lambda would run it.
"""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import grpc
from conftest import lambda_inputs, unique_name

from pulumi_temporal_compute import wire
from pulumi_temporal_compute.aws import policies
from pulumi_temporal_compute.client import TemporalClient
from pulumi_temporal_compute.provider import ComputeConfigProvider
from pulumi_temporal_compute.routing import RoutingProvider
from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker, create_invoke_role
from pulumi_temporal_compute.testing.engine import EngineSession, ProviderProcess
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer

EXAMPLE_DIR = Path(__file__).resolve().parents[1] / "examples" / "aws-lambda-worker"
RUN_HANDLER = Path(__file__).resolve().parent / "_run_lambda_handler.py"

# Processes that used the Temporal SDK sometimes abort in native code at interpreter exit,
# after their work is done. Popen reports that SIGABRT as -6 and a shell as 134. The handler
# runner skips interpreter shutdown to avoid it, and the test still accepts the abort, but
# only after it has seen the handler's work on the server.
SDK_ABORT_EXIT_CODES = (-signal.SIGABRT, 128 + signal.SIGABRT)
INVOCATION_TIMEOUT_SECONDS = 20.0
REGISTRATION_TIMEOUT_SECONDS = 10.0
ROUTING_TIMEOUT_SECONDS = 10.0
WORKFLOW_TIMEOUT_SECONDS = 20.0
# The worker polls for the remaining time minus its 7 s shutdown buffer and raises when
# 8 s or less remain (temporalio 1.35), so these leave it 5 s and 8 s of polling.
REGISTER_REMAINING_MS = 12_000
WORKFLOW_REMAINING_MS = 15_000
HANDLER_EXIT_TIMEOUT_SECONDS = 30.0


def example_worker_zip() -> bytes:
    """Zip the example's `worker` package as the example stack deploys it."""

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((EXAMPLE_DIR / "worker").glob("*.py")):
            archive.write(path, f"worker/{path.name}")
    return buffer.getvalue()


def create_example_function(
    aws: AwsEmulator,
    temporal: TemporalDevServer,
    *,
    deployment: str,
    build_id: str,
    task_queue: str,
) -> LambdaWorker:
    """Create the example worker's function with the environment `LambdaWorker` gives it,
    publish a version, and create an invoke role that requires an external ID."""

    iam = aws.client("iam")
    lambda_ = aws.client("lambda")
    name = f"fn-{uuid.uuid4().hex[:10]}"

    execution = iam.create_role(
        RoleName=f"{name}-execution",
        AssumeRolePolicyDocument=json.dumps(policies.lambda_execution_trust_policy()),
    )
    function = lambda_.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=execution["Role"]["Arn"],
        Handler="worker.handler.lambda_handler",
        Code={"ZipFile": example_worker_zip()},
        Timeout=600,
        Environment={
            "Variables": {
                "TEMPORAL_ADDRESS": temporal.address,
                "TEMPORAL_NAMESPACE": temporal.namespace,
                "TEMPORAL_TASK_QUEUE": task_queue,
                "TEMPORAL_DEPLOYMENT_NAME": deployment,
                "TEMPORAL_BUILD_ID": build_id,
            }
        },
    )
    version = lambda_.publish_version(FunctionName=name)

    external_id = "ext-" + uuid.uuid4().hex[:20]
    invoke_role_arn = create_invoke_role(
        iam,
        f"{name}-invoke",
        function["FunctionArn"],
        f"arn:aws:iam::{aws.account_id}:root",
        external_id,
    )
    return LambdaWorker(
        function_name=name,
        function_arn=function["FunctionArn"],
        version_arn=version["FunctionArn"],
        invoke_role_arn=invoke_role_arn,
        execution_role_arn=execution["Role"]["Arn"],
        external_id=external_id,
    )


def wait_for_invocation(aws: AwsEmulator, function_name: str, after: float) -> dict[str, Any]:
    """Return the first successful invocation of `function_name` recorded at or after `after`.

    `function_name` matches a record whose name is the function's name or any of its ARNs.
    """

    deadline = time.monotonic() + INVOCATION_TIMEOUT_SECONDS
    while True:
        for record in aws.invocations():
            sent_name = str(record["function_name"])
            is_this_function = sent_name == function_name or sent_name.split(":")[6:7] == [
                function_name
            ]
            if is_this_function and record["timestamp"] >= after and record["error"] is None:
                return record
        if time.monotonic() > deadline:
            raise AssertionError(
                f"no invocation of {function_name} after {after:.3f} within "
                f"{INVOCATION_TIMEOUT_SECONDS:.0f} s; recorded: {aws.invocations()}"
            )
        time.sleep(0.1)


def start_handler_like_lambda(
    aws: AwsEmulator, invocation: dict[str, Any], remaining_ms: int, log_path: Path
) -> subprocess.Popen[bytes]:
    """Run the invoked function's handler in a subprocess, as Lambda would for `invocation`.

    The subprocess gets exactly the function's environment from the emulator, plus
    PYTHONPATH in place of the unpacked code, and runs in an empty directory, so that no
    `temporal.toml` or leftover variable of this process reaches the worker.
    """

    request: dict[str, Any] = {"FunctionName": invocation["function_name"]}
    if invocation["qualifier"]:
        request["Qualifier"] = invocation["qualifier"]
    configuration = aws.client("lambda").get_function_configuration(**request)

    env = dict(configuration["Environment"]["Variables"])
    env["PYTHONPATH"] = str(EXAMPLE_DIR)
    work_dir = log_path.parent / f"{log_path.stem}-cwd"
    work_dir.mkdir(parents=True)
    command = [
        sys.executable,
        str(RUN_HANDLER),
        configuration["Handler"],
        configuration["FunctionArn"],
        str(remaining_ms),
        invocation["payload"],
    ]
    with log_path.open("wb") as log_file:
        return subprocess.Popen(
            command,
            cwd=work_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )


def wait_for_exit(process: subprocess.Popen[bytes], log_path: Path) -> int:
    try:
        return process.wait(timeout=HANDLER_EXIT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"handler (pid {process.pid}) still running after "
            f"{HANDLER_EXIT_TIMEOUT_SECONDS:.0f} s:\n{log_path.read_text(errors='replace')}"
        ) from None


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_for_task_queue(
    client: TemporalClient, deployment: str, build_id: str, task_queue: str, log_path: Path
) -> None:
    deadline = time.monotonic() + REGISTRATION_TIMEOUT_SECONDS
    while task_queue not in client.describe_version(deployment, build_id).task_queues:
        if time.monotonic() > deadline:
            raise AssertionError(
                f"task queue {task_queue} not registered in {deployment}/{build_id} within "
                f"{REGISTRATION_TIMEOUT_SECONDS:.0f} s; handler output:\n"
                f"{log_path.read_text(errors='replace')}"
            )
        time.sleep(0.1)


def assert_routing_propagated(temporal: TemporalDevServer, deployment: str) -> None:
    """Check that the routing already reached the task queues when the routing resource returned.

    SetWorkerDeploymentCurrentVersion returns before that; Temporal Server 1.32 took up to
    about 1 s more. A workflow started in between follows the old routing and waits on the
    unversioned queue, where the server never starts a serverless worker. So
    `WorkerDeploymentRouting` waits for it.
    """

    completed = wire.RoutingConfigUpdateState.Value("ROUTING_CONFIG_UPDATE_STATE_COMPLETED")
    request = wire.DescribeWorkerDeploymentRequest(
        namespace=temporal.namespace, deployment_name=deployment
    )
    with grpc.insecure_channel(temporal.address) as channel:
        stub = wire.WorkflowServiceStub(channel)
        info = stub.DescribeWorkerDeployment(request, timeout=10).worker_deployment_info
    state = wire.RoutingConfigUpdateState.Name(info.routing_config_update_state)
    assert info.routing_config_update_state == completed, f"routing of {deployment} is {state}"


def assert_handler_succeeded(exit_code: int, log_path: Path) -> None:
    """Check a handler's exit code. Call it only after checking the handler's work."""

    assert exit_code == 0 or exit_code in SDK_ABORT_EXIT_CODES, (
        f"handler exited with code {exit_code}:\n{log_path.read_text(errors='replace')}"
    )


def test_serverless_run_completes_workflow(
    aws: AwsEmulator,
    temporal: TemporalDevServer,
    provider_process: ProviderProcess,
    client: TemporalClient,
    tmp_path: Path,
) -> None:
    deployment = unique_name("serverless")
    task_queue = unique_name("greetings")
    build_id = "v1"
    function = create_example_function(
        aws, temporal, deployment=deployment, build_id=build_id, task_queue=task_queue
    )
    handlers: list[subprocess.Popen[bytes]] = []

    try:
        # Pulumi creates the version with its compute configuration. The server invokes
        # the function once, so that a worker registers the version's task queue.
        created_at = time.time()
        configs = EngineSession(provider_process, ComputeConfigProvider())
        configs.up(
            "compute",
            lambda_inputs(
                function,
                deployment_name=deployment,
                build_id=build_id,
                function_arn=function.version_arn,
            ),
            secret_inputs=["external_id"],
        )
        first_invocation = wait_for_invocation(aws, function.function_name, after=created_at)

        register_log = tmp_path / "handler-register.log"
        handlers.append(
            start_handler_like_lambda(aws, first_invocation, REGISTER_REMAINING_MS, register_log)
        )
        wait_for_task_queue(client, deployment, build_id, task_queue, register_log)
        assert_handler_succeeded(wait_for_exit(handlers[-1], register_log), register_log)

        # Pulumi makes the version current, so new workflows on the queue run on it.
        routing = EngineSession(provider_process, RoutingProvider())
        routing.up(
            "routing",
            {
                "deployment_name": deployment,
                "current_build_id": build_id,
                "ramping_build_id": "",
                "ramping_percentage": 0,
            },
        )
        assert client.describe_routing(deployment).current_build_id == build_id
        assert client.describe_version(deployment, build_id).status == "current"
        assert_routing_propagated(temporal, deployment)

        # No worker polls now, so a new workflow makes the server invoke the function.
        # The temporal CLI starts it rather than temporalio's Python client, because a
        # process that loaded that SDK can abort at exit, and here that is pytest.
        workflow_id = unique_name("greeting")
        started_at = time.time()
        start = temporal.cli(
            "workflow",
            "start",
            "--type",
            "GreetingWorkflow",
            "--task-queue",
            task_queue,
            "--workflow-id",
            workflow_id,
            "--input",
            json.dumps("Pulumi"),
        )
        assert start.returncode == 0, start.stdout + start.stderr
        invocation = wait_for_invocation(aws, function.function_name, after=started_at)
        assert invocation["invocation_type"] == "Event"

        workflow_log = tmp_path / "handler-workflow.log"
        handlers.append(
            start_handler_like_lambda(aws, invocation, WORKFLOW_REMAINING_MS, workflow_log)
        )
        result = temporal.cli(
            "workflow",
            "result",
            "--workflow-id",
            workflow_id,
            "--output",
            "json",
            "--command-timeout",
            f"{WORKFLOW_TIMEOUT_SECONDS:.0f}s",
            timeout=WORKFLOW_TIMEOUT_SECONDS + 10,
        )
        assert result.returncode == 0, (
            f"{result.stdout}{result.stderr}\n{workflow_log.read_text(errors='replace')}"
        )
        assert json.loads(result.stdout)["result"] == "Hello, Pulumi!"
        assert_handler_succeeded(wait_for_exit(handlers[-1], workflow_log), workflow_log)
    finally:
        for handler in handlers:
            stop(handler)
