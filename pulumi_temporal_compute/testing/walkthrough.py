"""The whole lifecycle of a compute configuration on local servers, step by step.

    python3 dev.py demo     # or: python -m pulumi_temporal_compute.testing.walkthrough

Starts an AWS emulator and a Temporal dev server with serverless workers
enabled, both on 127.0.0.1, and creates a Lambda function and its IAM roles in
the emulator. Then it drives `WorkerDeploymentVersionComputeConfig`'s provider
through the real Pulumi dynamic-provider server (`python -m pulumi.dynamic`)
the way `pulumi up`, `pulumi preview`, `pulumi refresh` and `pulumi destroy`
do. It prints and checks what each step did, and stops both servers at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from pulumi_temporal_compute.client import GroupUpdate, TemporalClient, request_id
from pulumi_temporal_compute.connection import ConnectionSettings
from pulumi_temporal_compute.provider import ComputeConfigProvider
from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator
from pulumi_temporal_compute.testing.aws_setup import LambdaWorker, create_lambda_worker
from pulumi_temporal_compute.testing.engine import EngineSession, ProviderProcess, ResourceState
from pulumi_temporal_compute.testing.temporal_server import TemporalDevServer

DEPLOYMENT = "orders"
BUILD_ID = "build-1"


def resource_inputs(worker: LambdaWorker, function_arn: str) -> dict[str, Any]:
    """Inputs as `WorkerDeploymentVersionComputeConfigArgs.to_props` produces them."""

    return {
        "deployment_name": DEPLOYMENT,
        "build_id": BUILD_ID,
        "external_id": worker.external_id,
        "skip_drainage": True,
        "scaling_groups": {
            "default": {
                "task_queue_types": [],
                "provider": {
                    "type": "aws-lambda",
                    "function_arn": function_arn,
                    "role_arn": worker.invoke_role_arn,
                },
                "scaler": {"type": "no-sync"},
            }
        },
    }


def change_function_behind_pulumis_back(server: TemporalDevServer, worker: LambdaWorker) -> str:
    """Point the version at the unqualified function ARN with a direct API call."""

    settings = ConnectionSettings(address=server.address, namespace=server.namespace)
    with TemporalClient(settings) as client:
        group = client.describe_version(DEPLOYMENT, BUILD_ID).groups["default"]
        details = dict(group.provider_details, arn=worker.function_arn)
        changed = dataclasses.replace(group, provider_details=details)
        client.update_compute_config(
            DEPLOYMENT,
            BUILD_ID,
            {"default": GroupUpdate(changed, ("provider.details",))},
            (),
            request_id("walkthrough-drift", BUILD_ID),
        )
    return "UpdateWorkerDeploymentVersionComputeConfig set the function back to the unqualified ARN"


def function_on_server(server: TemporalDevServer) -> str:
    settings = ConnectionSettings(address=server.address, namespace=server.namespace)
    with TemporalClient(settings) as client:
        group = client.describe_version(DEPLOYMENT, BUILD_ID).groups["default"]
    return str(group.provider_details.get("arn", ""))


def describe(server: TemporalDevServer) -> str:
    """Return the version's compute configuration as the server reports it, external ID hidden."""

    settings = ConnectionSettings(address=server.address, namespace=server.namespace)
    with TemporalClient(settings) as client:
        state = client.describe_version(DEPLOYMENT, BUILD_ID)
    groups = {
        name: {
            "provider": group.provider_type,
            "function": group.provider_details.get("arn"),
            "task_queue_types": list(group.task_queue_types),
        }
        for name, group in state.groups.items()
    }
    return json.dumps(groups)


class Printer:
    """Print numbered steps with the time since start, and keep count of checks."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.step = 0
        self.passed = 0
        self.failed: list[str] = []

    def __call__(self, title: str, *details: str) -> None:
        self.step += 1
        elapsed = time.monotonic() - self.started
        print(f"\n[{elapsed:6.1f}s] {self.step}. {title}", flush=True)
        for line in details:
            print(f"           {line}", flush=True)

    def expect(self, condition: bool, what: str) -> None:
        """Record one check of what the step did; a failed check is printed at once."""

        if condition:
            self.passed += 1
        else:
            self.failed.append(f"step {self.step}: {what}")
            print(f"           CHECK FAILED: {what}", flush=True)


@contextmanager
def local_servers(state_dir: Path, say: Printer) -> Iterator[tuple[AwsEmulator, TemporalDevServer]]:
    with ExitStack() as stack:
        aws = AwsEmulator.start(state_dir / "aws")
        stack.callback(aws.stop)
        say("Started the AWS emulator", f"{aws.endpoint_url} (pid {aws.pid})")
        server = TemporalDevServer.start(state_dir / "temporal", aws)
        stack.callback(server.stop)
        say(
            "Started the Temporal dev server with serverless workers enabled",
            f"{server.address} (pid {server.pid}), namespace {server.namespace!r}",
        )
        yield aws, server
        say("Stopping the servers")


def run(state_dir: Path) -> Printer:
    say = Printer()
    with local_servers(state_dir, say) as (aws, server):
        external_id = "demo-" + secrets.token_hex(8)
        worker = create_lambda_worker(aws, "orders-worker", external_id)
        say(
            "Created a Lambda function, a published version and IAM roles in the emulator",
            f"function {worker.function_arn}",
            f"version  {worker.version_arn}",
            f"invoke role {worker.invoke_role_arn} (its trust requires the external ID)",
        )

        with ProviderProcess.start(
            cwd=state_dir,
            log_dir=state_dir / "provider",
            project="temporal-compute-demo",
            stack_config={"temporal:address": server.address},
            env=aws.aws_env(),
        ) as process:
            session = EngineSession(process, ComputeConfigProvider())
            say(
                "Started the Pulumi dynamic-provider server",
                f"python -m pulumi.dynamic (pid {process.pid})",
            )
            run_lifecycle(say, session, aws, server, worker)

            log = process.stderr_text() + process.stdout_text()
            server_log = server.log_path.read_text(errors="replace")
            say(
                "Searched the provider's output and the server's log for the external ID",
                "it appears in neither" if external_id not in log + server_log else "it LEAKED",
            )
            say.expect(external_id not in log, "the external ID is not in the provider's output")
            say.expect(external_id not in server_log, "the external ID is not in the server log")
    return say


def refresh(session: EngineSession, name: str) -> ResourceState:
    state = session.refresh(name)
    if state is None:
        raise RuntimeError(f"refresh found that {name} no longer exists")
    return state


def run_lifecycle(
    say: Printer,
    session: EngineSession,
    aws: AwsEmulator,
    server: TemporalDevServer,
    worker: LambdaWorker,
) -> None:
    name = "orders-compute"
    inputs = resource_inputs(worker, worker.function_arn)
    invocations_before = len(aws.invocations())
    plan = session.up(name, inputs, secret_inputs=["external_id"])
    state = session.state[name]
    invoked = len(aws.invocations()) - invocations_before
    say(
        "pulumi up: created the Worker Deployment Version and its compute config",
        f"engine calls: {', '.join(plan.calls)}",
        f"id: {state.id}",
        f"server now has: {describe(server)}",
        f"Lambda invocations the server made while validating the config: {invoked}",
    )
    say.expect(plan.operation == "create", "the step is a create")
    say.expect(function_on_server(server) == worker.function_arn, "the server has the function")
    say.expect(invoked >= 1, "the server invoked the function once it accepted the config")
    say.expect("external_id" in state.secret_outputs, "the external ID is a secret output")

    plan = session.preview(name, inputs)
    say(
        "pulumi preview with the same inputs",
        f"engine calls: {', '.join(plan.calls)}; diff: {plan.diff and plan.diff.changes}; "
        f"step: {plan.operation}",
    )
    say.expect(plan.operation == "same", "a second preview shows no change")

    inputs = resource_inputs(worker, worker.version_arn)
    plan = session.up(name, inputs, secret_inputs=["external_id"])
    say(
        "pulumi up after pointing the config at the published version",
        f"engine calls: {', '.join(plan.calls)}; step: {plan.operation}",
        f"server now has: {describe(server)}",
    )
    say.expect(plan.operation == "update", "the step is an update in place")
    say.expect(function_on_server(server) == worker.version_arn, "the server has the version")

    api_change = change_function_behind_pulumis_back(server, worker)
    say(
        "Someone changed the compute config with another API client",
        api_change,
        f"server now has: {describe(server)}",
    )
    refreshed = refresh(session, name)
    plan = session.preview(name, inputs)
    in_state = refreshed.outputs["scaling_groups"]["default"]["provider"]["function_arn"]
    say(
        "pulumi refresh: the state now shows the drift",
        f"function ARN in state: {in_state}",
        f"next preview: diff {plan.diff and plan.diff.changes}, step {plan.operation}",
    )
    say.expect(in_state == worker.function_arn, "refresh read the changed function ARN")
    say.expect(plan.operation == "update", "the next preview plans an update")

    plan = session.up(name, inputs, secret_inputs=["external_id"])
    say(
        "pulumi up: restored the declared configuration",
        f"engine calls: {', '.join(plan.calls)}; step: {plan.operation}",
        f"server now has: {describe(server)}",
    )
    say.expect(function_on_server(server) == worker.version_arn, "the declared ARN is back")

    cli = server.cli(
        "worker", "deployment", "set-current-version", "--allow-no-pollers", "--yes",
        "--deployment-name", DEPLOYMENT, "--build-id", BUILD_ID,
    )  # fmt: skip
    refreshed = refresh(session, name)
    plan = session.preview(name, inputs)
    say(
        "Someone made the version current with the temporal CLI (set-current-version)",
        f"CLI exit code: {cli.returncode}",
        f"pulumi refresh: status in state is now {refreshed.outputs.get('status')!r}",
        f"next preview: step {plan.operation} (routing is not part of this resource)",
    )
    say.expect(cli.returncode == 0, "the CLI succeeded")
    say.expect(refreshed.outputs.get("status") == "current", "refresh reports 'current'")
    say.expect(plan.operation == "same", "routing changes leave the config resource unchanged")

    cli = server.cli(
        "worker", "deployment", "set-current-version", "--unversioned", "--yes",
        "--deployment-name", DEPLOYMENT,
    )  # fmt: skip
    refreshed = refresh(session, name)
    say(
        "Traffic moved back to unversioned workers with the temporal CLI",
        f"CLI exit code: {cli.returncode}; status after refresh: "
        f"{refreshed.outputs.get('status')!r} (a version that was current drains first)",
    )
    say.expect(refreshed.outputs.get("status") == "draining", "refresh reports 'draining'")

    session.destroy(name)
    check = server.cli(
        "worker", "deployment", "describe-version",
        "--deployment-name", DEPLOYMENT, "--build-id", BUILD_ID,
    )  # fmt: skip
    last_line = check.stderr.strip().splitlines()[-1] if check.stderr.strip() else ""
    say(
        "pulumi destroy: removed the config and deleted the draining version "
        "(the inputs set skip_drainage)",
        f"temporal worker deployment describe-version now exits with {check.returncode}: "
        f"{last_line}",
    )
    say.expect(check.returncode != 0 and "not found" in last_line, "the version is gone")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 dev.py demo", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="keep server logs and data in this directory (default: a temporary one, removed)",
    )
    args = parser.parse_args(argv)
    if args.state_dir is not None:
        args.state_dir.mkdir(parents=True, exist_ok=True)
        say = run(args.state_dir.resolve())
        print(f"\nLogs and data are in {args.state_dir.resolve()}.")
    else:
        with tempfile.TemporaryDirectory(prefix="temporal-compute-demo-") as directory:
            say = run(Path(directory))

    print(f"\nchecks: {say.passed} passed, {len(say.failed)} failed")
    for failure in say.failed:
        print(f"  {failure}")
    return 1 if say.failed else 0


if __name__ == "__main__":
    sys.exit(main())
