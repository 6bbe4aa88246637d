"""The whole lifecycle of a compute configuration on local servers, step by step.

    python3 dev.py demo     # or: python -m pulumi_temporal_compute.testing.walkthrough

Starts an AWS emulator and a Temporal dev server with serverless workers
enabled, both on 127.0.0.1; creates a Lambda function and its IAM roles in the
emulator; then drives `WorkerDeploymentVersionComputeConfig`'s provider through
the real Pulumi dynamic-provider server (`python -m pulumi.dynamic`) the way
`pulumi up`, `pulumi preview`, `pulumi refresh` and `pulumi destroy` do. It
prints what each step did and stops both servers at the end.
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
from pulumi_temporal_compute.testing.engine import EngineSession, ProviderProcess
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
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.step = 0

    def __call__(self, title: str, *details: str) -> None:
        self.step += 1
        elapsed = time.monotonic() - self.started
        print(f"\n[{elapsed:6.1f}s] {self.step}. {title}", flush=True)
        for line in details:
            print(f"           {line}", flush=True)


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


def run(state_dir: Path) -> None:
    say = Printer()
    with local_servers(state_dir, say) as (aws, server):
        external_id = "demo-" + secrets.token_hex(8)
        worker = create_lambda_worker(aws, "orders-worker", external_id)
        say(
            "Created a Lambda function, a published version and IAM roles in the emulator",
            f"function {worker.function_arn}",
            f"version  {worker.version_arn}",
            f"invoke role {worker.invoke_role_arn} (trust requires the external ID)",
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

            inputs = resource_inputs(worker, worker.function_arn)
            plan = session.up("orders-compute", inputs, secret_inputs=["external_id"])
            state = session.state["orders-compute"]
            say(
                "pulumi up: created the Worker Deployment Version and its compute config",
                f"engine calls: {', '.join(plan.calls)}",
                f"id: {state.id}",
                f"server now has: {describe(server)}",
                f"Lambda invocations the server made while validating: {len(aws.invocations())}",
            )

            plan = session.preview("orders-compute", inputs)
            say(
                "pulumi preview with the same inputs",
                f"engine calls: {', '.join(plan.calls)}; diff: {plan.diff and plan.diff.changes}; "
                f"step: {plan.operation}",
            )

            inputs = resource_inputs(worker, worker.version_arn)
            plan = session.up("orders-compute", inputs, secret_inputs=["external_id"])
            say(
                "pulumi up after pointing the config at the published version",
                f"engine calls: {', '.join(plan.calls)}; step: {plan.operation}",
                f"server now has: {describe(server)}",
            )

            api_change = change_function_behind_pulumis_back(server, worker)
            say(
                "Someone changed the compute config with another API client",
                api_change,
                f"server now has: {describe(server)}",
            )
            refreshed = session.refresh("orders-compute")
            assert refreshed is not None
            plan = session.preview("orders-compute", inputs)
            say(
                "pulumi refresh: the state now shows the drift",
                "function ARN in state: "
                + refreshed.outputs["scaling_groups"]["default"]["provider"]["function_arn"],
                f"next preview: diff {plan.diff and plan.diff.changes}, step {plan.operation}",
            )
            plan = session.up("orders-compute", inputs, secret_inputs=["external_id"])
            say(
                "pulumi up: restored the declared configuration",
                f"engine calls: {', '.join(plan.calls)}; step: {plan.operation}",
                f"server now has: {describe(server)}",
            )

            cli = server.cli(
                "worker",
                "deployment",
                "set-current-version",
                "--allow-no-pollers",
                "--yes",
                "--deployment-name",
                DEPLOYMENT,
                "--build-id",
                BUILD_ID,
            )
            refreshed = session.refresh("orders-compute")
            assert refreshed is not None
            plan = session.preview("orders-compute", inputs)
            say(
                "Someone made the version current with the temporal CLI (set-current-version)",
                f"CLI exit code {cli.returncode} {cli.stderr.strip()}".strip(),
                f"pulumi refresh: status in state is now {refreshed.outputs.get('status')!r}",
                f"next preview: diff {plan.diff and plan.diff.changes}, step {plan.operation} "
                "(routing is not part of this resource)",
            )

            cli = server.cli(
                "worker",
                "deployment",
                "set-current-version",
                "--unversioned",
                "--yes",
                "--deployment-name",
                DEPLOYMENT,
            )
            refreshed = session.refresh("orders-compute")
            assert refreshed is not None
            say(
                "Traffic moved back to unversioned workers with the temporal CLI",
                f"CLI exit code {cli.returncode}; status in state after refresh: "
                f"{refreshed.outputs.get('status')!r}",
            )

            session.destroy("orders-compute")
            check = server.cli(
                "worker",
                "deployment",
                "describe-version",
                "--deployment-name",
                DEPLOYMENT,
                "--build-id",
                BUILD_ID,
            )
            last_line = check.stderr.strip().splitlines()[-1] if check.stderr.strip() else ""
            say(
                "pulumi destroy: removed the config and deleted the version (skip_drainage is set)",
                f"temporal worker deployment describe-version now exits with {check.returncode}: "
                f"{last_line}",
            )

            leaked = [
                where
                for where, text in (
                    ("provider log", process.stderr_text()),
                    ("walkthrough state dir logs", ""),
                )
                if external_id in text
            ]
            say(
                "Checked the provider's log for the external ID",
                "not found" if not leaked else f"FOUND in {', '.join(leaked)}",
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="where server logs and data go (default: a new temporary directory)",
    )
    args = parser.parse_args(argv)
    if args.state_dir is not None:
        args.state_dir.mkdir(parents=True, exist_ok=True)
        run(args.state_dir.resolve())
        return 0
    with tempfile.TemporaryDirectory(prefix="temporal-compute-demo-") as directory:
        run(Path(directory))
    print("\nDone: every step above ran against real local servers.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
