"""A local AWS emulator: moto's server on 127.0.0.1 with two additions for Temporal's checks.

1. STS ``AssumeRole`` evaluates the trust policy of the target role (its
   ``AssumeRolePolicyDocument`` in moto's IAM backend) and returns ``AccessDenied``
   (HTTP 403) unless an ``Allow`` statement names the caller and every condition holds.
   moto 5.2 on its own lets anyone assume any role, even one that does not exist. The
   Temporal server checks a role by assuming it with the external ID (this must succeed)
   and again without it (this must fail), so that check needs real evaluation.
2. Every Lambda ``Invoke`` call is appended as one JSON line to an invocations file and
   served at ``GET /_emulator/invocations``, so a test can see that the server invoked a
   function. Lambda runs Docker-free: ``Invoke`` runs no code and returns the request
   payload as the result, or ``Simple Lambda happy path OK`` for an empty payload (moto
   5.2's Docker-free Lambda backend).

Run it as its own process with ``python -m pulumi_temporal_compute.testing.aws_emulator``,
or start and stop it from Python with :class:`AwsEmulator`.

What the trust-policy evaluation understands:

* ``Effect`` ``Allow`` and ``Deny``, where a matching ``Deny`` wins;
* ``Action`` patterns with ``*`` and ``?`` wildcards, compared case-insensitively with
  ``sts:AssumeRole``;
* ``Principal`` ``"*"`` or ``{"AWS": ...}`` naming ``"*"``, the caller's account ID, the
  account root ``arn:<partition>:iam::<account>:root``, the caller's ARN, or the role ARN
  of an assumed-role caller. ``Service``, ``Federated`` and ``CanonicalUser`` principals
  never match, because the caller is always an AWS principal here;
* conditions ``StringEquals`` and ``StringLike`` on the key ``sts:ExternalId``, compared
  with the request's ``ExternalId`` parameter. A request without ``ExternalId`` never
  satisfies them.

Anything else fails closed: an ``Allow`` statement that uses another condition operator or
key, ``NotPrincipal`` or ``NotAction`` grants nothing, and a ``Deny`` statement that uses
one of them applies whenever its understood parts match. Other STS actions
(``AssumeRoleWithWebIdentity``, ``AssumeRoleWithSAML``) are left as moto has them.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fnmatch
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from pulumi_temporal_compute.testing.ports import LOOPBACK_HOST

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

logger = logging.getLogger(__name__)

DEFAULT_REGION = "us-east-1"
INVOCATIONS_PATH = "/_emulator/invocations"
HEALTH_PATH = "/_emulator/health"
INVOCATIONS_FILE_ENV = "AWS_EMULATOR_INVOCATIONS_FILE"
# Dummy credentials: moto accepts any key, and real ones must never reach a local test.
DUMMY_ACCESS_KEY_ID = "testing"
DUMMY_SECRET_ACCESS_KEY = "testing"

ASSUME_ROLE_ACTION = "sts:AssumeRole"
EXTERNAL_ID_CONDITION_KEY = "sts:externalid"
STS_XML_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"

STARTUP_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0


# --------------------------------------------------------------------------------------
# Trust-policy evaluation (pure functions, no moto)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssumeRoleCaller:
    """The identity that calls ``AssumeRole`` and the external ID it sends."""

    arn: str
    account_id: str
    external_id: str | None


def trust_policy_allows(policy: Mapping[str, Any], caller: AssumeRoleCaller) -> bool:
    """Decide whether a role trust policy lets ``caller`` run ``sts:AssumeRole``."""
    allowed = False
    for statement in _as_list(policy.get("Statement")):
        if not isinstance(statement, Mapping):
            continue
        effect = statement.get("Effect")
        if effect == "Deny" and _deny_applies(statement, caller):
            return False
        if effect == "Allow" and _allow_applies(statement, caller):
            allowed = True
    return allowed


def _allow_applies(statement: Mapping[str, Any], caller: AssumeRoleCaller) -> bool:
    if "NotPrincipal" in statement or "NotAction" in statement:
        return False
    return (
        _action_matches(statement.get("Action"))
        and _principal_matches(statement.get("Principal"), caller)
        and _conditions_hold(statement.get("Condition"), caller, unknown_result=False)
    )


def _deny_applies(statement: Mapping[str, Any], caller: AssumeRoleCaller) -> bool:
    # Fail closed: a Deny whose NotPrincipal or NotAction this evaluator cannot judge applies.
    action_matches = "NotAction" in statement or _action_matches(statement.get("Action"))
    principal_matches = "NotPrincipal" in statement or _principal_matches(
        statement.get("Principal"), caller
    )
    return (
        action_matches
        and principal_matches
        and _conditions_hold(statement.get("Condition"), caller, unknown_result=True)
    )


def _action_matches(actions: Any) -> bool:
    for pattern in _as_list(actions):
        if isinstance(pattern, str) and fnmatch.fnmatchcase(
            ASSUME_ROLE_ACTION.lower(), pattern.lower()
        ):
            return True
    return False


def _principal_matches(principal: Any, caller: AssumeRoleCaller) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    accepted = _names_for_caller(caller)
    return any(
        isinstance(name, str) and name in accepted for name in _as_list(principal.get("AWS"))
    )


def _names_for_caller(caller: AssumeRoleCaller) -> set[str]:
    partition = caller.arn.split(":")[1] if caller.arn.startswith("arn:") else "aws"
    names = {
        "*",
        caller.account_id,
        f"arn:{partition}:iam::{caller.account_id}:root",
        caller.arn,
    }
    # A session of an assumed role is named in trust policies by the role's own ARN.
    session = re.fullmatch(r"arn:([^:]+):sts::(\d+):assumed-role/([^/]+)/.+", caller.arn)
    if session is not None:
        names.add(f"arn:{session[1]}:iam::{session[2]}:role/{session[3]}")
    return names


def _conditions_hold(conditions: Any, caller: AssumeRoleCaller, *, unknown_result: bool) -> bool:
    """Check a statement's ``Condition`` block.

    ``unknown_result`` is the value used for an operator or key this evaluator does not
    understand: ``False`` for Allow statements and ``True`` for Deny statements.
    """
    if conditions is None:
        return True
    if not isinstance(conditions, Mapping):
        return unknown_result

    for operator, tests in conditions.items():
        if operator not in ("StringEquals", "StringLike") or not isinstance(tests, Mapping):
            if not unknown_result:
                return False
            continue
        for key, expected in tests.items():
            if str(key).lower() != EXTERNAL_ID_CONDITION_KEY:
                if not unknown_result:
                    return False
                continue
            if not _external_id_matches(operator, expected, caller.external_id):
                return False
    return True


def _external_id_matches(operator: str, expected: Any, external_id: str | None) -> bool:
    if external_id is None:
        return False
    for value in _as_list(expected):
        if not isinstance(value, str):
            continue
        if operator == "StringEquals" and value == external_id:
            return True
        if operator == "StringLike" and fnmatch.fnmatchcase(external_id, value):
            return True
    return False


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def parse_policy_document(document: str) -> dict[str, Any]:
    """Parse a policy document that IAM may have stored URL-encoded."""
    try:
        parsed = json.loads(document)
    except json.JSONDecodeError:
        parsed = json.loads(urllib.parse.unquote(document))
    if not isinstance(parsed, dict):
        raise ValueError(f"policy document is not a JSON object: {document!r}")
    return parsed


# --------------------------------------------------------------------------------------
# The emulator process: moto's WSGI app with the additions installed
# --------------------------------------------------------------------------------------


class InvocationRecorder:
    """Append Lambda ``Invoke`` records to a JSON-lines file, safe across request threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()

    def append(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, sort_keys=True)
        with self._lock, self.path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")

    def read_all(self) -> list[dict[str, Any]]:
        with self._lock:
            text = self.path.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def _sts_access_denied(message: str) -> Exception:
    """Build the HTTP 403 error moto returns when a response method raises it."""
    from werkzeug.exceptions import HTTPException

    body = (
        f'<ErrorResponse xmlns="{STS_XML_NAMESPACE}">'
        "<Error><Type>Sender</Type><Code>AccessDenied</Code>"
        f"<Message>{escape(message)}</Message></Error>"
        # moto replaces the text of RequestId with a fresh request ID.
        "<RequestId>request-id</RequestId>"
        "</ErrorResponse>"
    )

    class StsAccessDenied(HTTPException):
        code = 403

        def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
            return [("Content-Type", "text/xml"), ("X-Amzn-ErrorType", "AccessDenied")]

    return StsAccessDenied(description=body)


def _install_trust_policy_check() -> None:
    """Wrap moto's STS ``AssumeRole`` handler so that it evaluates the role's trust policy."""
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import iam_backends
    from moto.sts.responses import TokenResponse

    original_assume_role = TokenResponse.assume_role

    def assume_role_with_trust_check(self: Any) -> Any:
        role_arn = self._get_param("RoleArn")
        external_id = self._get_param("ExternalId")
        _, caller_arn, caller_account = self.backend.get_caller_identity(
            self.get_access_key(), self.region
        )
        caller = AssumeRoleCaller(
            arn=caller_arn, account_id=caller_account, external_id=external_id
        )
        denied_message = (
            f"User: {caller_arn} is not authorized to perform: {ASSUME_ROLE_ACTION} "
            f"on resource: {role_arn}"
        )

        role_match = re.fullmatch(r"arn:([^:]+):iam::(\d+):role/(?:.*/)?[^/]+", role_arn or "")
        if role_match is None:
            logger.info("AssumeRole denied: %s is not an IAM role ARN", role_arn)
            raise _sts_access_denied(denied_message)
        partition, role_account = role_match[1], role_match[2]

        try:
            role = iam_backends[role_account][partition].get_role_by_arn(role_arn)
            policy = parse_policy_document(role.assume_role_policy_document)
        except (NotFoundException, ValueError) as error:
            logger.info(
                "AssumeRole denied for %s: role or trust policy unusable: %s", role_arn, error
            )
            raise _sts_access_denied(denied_message) from error

        if not trust_policy_allows(policy, caller):
            logger.info(
                "AssumeRole denied: trust policy of %s does not allow %s (external ID %s)",
                role_arn,
                caller_arn,
                "given" if external_id is not None else "missing",
            )
            raise _sts_access_denied(denied_message)

        logger.info("AssumeRole allowed: %s assumed %s", caller_arn, role_arn)
        return original_assume_role(self)

    TokenResponse.assume_role = assume_role_with_trust_check  # type: ignore[method-assign]


def _install_invocation_recording(recorder: InvocationRecorder) -> None:
    """Wrap moto's Lambda ``Invoke`` handler so that every call is recorded.

    moto's Docker-free backend returns a result for ``Invoke`` even when the function
    does not exist. The wrapper looks the function up first, so a missing function returns
    ``ResourceNotFoundException`` (HTTP 404) as AWS does.
    """
    from moto.awslambda.responses import LambdaResponse

    original_invoke = LambdaResponse.invoke

    def invoke_with_recording(self: Any) -> Any:
        function_name = urllib.parse.unquote(self.path.rsplit("/", 2)[-2])
        # SDKs send the query parameter "Qualifier", but moto 5.2's handler reads "qualifier".
        qualifier = self._get_param("Qualifier") or self._get_param("qualifier")
        body = self.body
        payload = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
        now = datetime.now(UTC)
        record: dict[str, Any] = {
            "function_name": function_name,
            "qualifier": qualifier,
            "invocation_type": self.headers.get("X-Amz-Invocation-Type") or "RequestResponse",
            "payload": payload or "",
            "time": now.isoformat(),
            "timestamp": now.timestamp(),
            "status_code": None,
            "error": None,
        }
        try:
            self.backend.get_function(function_name, qualifier)
            result = original_invoke(self)
            record["status_code"] = result[0]
            return result
        except Exception as error:
            error_type = getattr(error, "error_type", None) or type(error).__name__
            record["status_code"] = getattr(error, "code", None)
            record["error"] = f"{error_type}: {getattr(error, 'message', error)}"
            raise
        finally:
            recorder.append(record)
            logger.info(
                "Lambda Invoke %s (qualifier %s, %s) returned %s",
                function_name,
                qualifier,
                record["invocation_type"],
                record["status_code"],
            )

    LambdaResponse.invoke = invoke_with_recording  # type: ignore[method-assign]


class EmulatorRoutes:
    """WSGI middleware that serves the emulator's own paths and passes the rest to moto."""

    def __init__(self, moto_app: WSGIApplication, recorder: InvocationRecorder) -> None:
        self.moto_app = moto_app
        self.recorder = recorder

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == INVOCATIONS_PATH:
            return self._json(start_response, self.recorder.read_all())
        if path == HEALTH_PATH:
            return self._json(start_response, {"status": "ok"})
        return self.moto_app(environ, start_response)

    @staticmethod
    def _json(start_response: StartResponse, value: Any) -> list[bytes]:
        body = json.dumps(value).encode("utf-8")
        start_response(
            "200 OK",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]


def _watch_parent(parent_pid: int, on_gone: Callable[[], None]) -> None:
    """Call ``on_gone`` once ``parent_pid`` is no longer this process's parent."""
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    logger.warning("parent process %d is gone, shutting down", parent_pid)
    on_gone()


def _write_ready_file(path: Path, info: Mapping[str, Any]) -> None:
    # Write then rename, so a reader never sees half a file.
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(info), encoding="utf-8")
    partial.replace(path)


def serve(
    port: int,
    invocations_file: Path,
    ready_file: Path | None = None,
    parent_pid: int | None = None,
) -> None:
    """Run the emulator on 127.0.0.1 until SIGTERM or SIGINT.

    ``port`` 0 lets the operating system choose. The port, process ID and moto's default
    account ID are written to ``ready_file`` once requests can be served.
    """
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.moto_api._internal.models import moto_api_backend
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    # Same effect as POST /moto-api/config. It must happen before any function exists,
    # because Docker-backed and Docker-free functions live in separate stores.
    moto_api_backend.set_config({"lambda": {"use_docker": False}})
    recorder = InvocationRecorder(invocations_file)
    _install_trust_policy_check()
    _install_invocation_recording(recorder)

    app = EmulatorRoutes(DomainDispatcherApplication(create_backend_app), recorder)
    server = make_server(
        LOOPBACK_HOST, port, app, threaded=True, request_handler=MotoRequestHandler
    )
    bound_port = server.socket.getsockname()[1]
    # moto builds some URLs (SQS queue URLs, for example) from this variable.
    os.environ["MOTO_PORT"] = str(bound_port)

    def shut_down(*_: Any) -> None:
        # shutdown() blocks until serve_forever() returns, so it cannot run on that thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    if parent_pid is not None:
        threading.Thread(target=_watch_parent, args=(parent_pid, shut_down), daemon=True).start()

    info = {
        "port": bound_port,
        "pid": os.getpid(),
        "account_id": DEFAULT_ACCOUNT_ID,
        "invocations_file": str(invocations_file),
    }
    if ready_file is not None:
        _write_ready_file(ready_file, info)
    logger.info("AWS emulator listening on http://%s:%d (%s)", LOOPBACK_HOST, bound_port, info)

    try:
        server.serve_forever()
    finally:
        server.server_close()
        logger.info("AWS emulator on port %d stopped", bound_port)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Run moto's AWS emulator on 127.0.0.1 with STS trust-policy checks "
        "and a record of Lambda Invoke calls."
    )
    parser.add_argument(
        "--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 (default) picks a free one"
    )
    parser.add_argument(
        "--invocations-file",
        type=Path,
        default=os.environ.get(INVOCATIONS_FILE_ENV),
        help=f"JSON-lines file that records Lambda Invoke calls (default: ${INVOCATIONS_FILE_ENV})",
    )
    parser.add_argument(
        "--ready-file",
        type=Path,
        help="file to write the bound port, process ID and account ID to once serving",
    )
    parser.add_argument(
        "--parent-pid",
        type=int,
        help="shut down when this process is no longer the emulator's parent",
    )
    args = parser.parse_args(argv)
    if args.invocations_file is None:
        parser.error(f"set --invocations-file or the {INVOCATIONS_FILE_ENV} variable")

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    serve(args.port, args.invocations_file, args.ready_file, args.parent_pid)


# --------------------------------------------------------------------------------------
# Starting and stopping child processes (shared with the Temporal dev server launcher)
# --------------------------------------------------------------------------------------


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _terminate_with_parent() -> None:
    """Ask Linux to send SIGTERM to this (child) process when its parent dies."""

    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


class ProcessGroup:
    """A child process that leads its own process group and is stopped when Python exits.

    The child starts in a new session, so its process group ID equals its PID and
    :meth:`stop` signals only that child and the processes it started. Its stdout and
    stderr are appended to ``log_path``.

    On Linux the child also gets SIGTERM when this interpreter dies, even by SIGKILL, when
    atexit hooks do not run (``PR_SET_PDEATHSIG``). The signal comes when the thread that
    started the child ends, so start children from a thread that lives as long as they do.
    """

    def __init__(self, command: Sequence[str], env: Mapping[str, str], log_path: Path) -> None:
        self.command = list(command)
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log_file:
            header = f"\n=== {datetime.now(UTC).isoformat()} {' '.join(self.command)}\n"
            log_file.write(header.encode())
            log_file.flush()
            self._process = subprocess.Popen(
                self.command,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_terminate_with_parent if sys.platform == "linux" else None,
            )
        atexit.register(self.stop)

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """Exit code, or None while the process runs."""
        return self._process.poll()

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Send SIGTERM to the process group, then SIGKILL if it has not exited in ``timeout`` s."""
        atexit.unregister(self.stop)
        if self._process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            logger.warning(
                "process %d did not exit within %.0f s of SIGTERM, killing its group",
                self._process.pid,
                timeout,
            )
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=timeout)


def tail_of_file(path: Path, max_lines: int = 30) -> str:
    """Return the last ``max_lines`` lines of a log file, or an empty string if it is missing."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return ""
    return "\n".join(lines[-max_lines:])


def _safe_base_environment() -> dict[str, str]:
    """Copy this process's environment without AWS settings, which could name real accounts."""
    return {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}


# --------------------------------------------------------------------------------------
# The Python API used by tests and the demo
# --------------------------------------------------------------------------------------


class AwsEmulator:
    """A running emulator process on 127.0.0.1, created with :meth:`start`."""

    def __init__(
        self,
        process: ProcessGroup,
        port: int,
        account_id: str,
        state_dir: Path,
        log_path: Path,
        invocations_file: Path,
        region: str,
    ) -> None:
        self._process = process
        self._port = port
        self._account_id = account_id
        self.state_dir = state_dir
        self.log_path = log_path
        self.invocations_file = invocations_file
        self._region = region

    @classmethod
    def start(
        cls,
        state_dir: Path,
        port: int | None = None,
        *,
        region: str = DEFAULT_REGION,
        timeout: float = STARTUP_TIMEOUT_SECONDS,
    ) -> AwsEmulator:
        """Start the emulator and wait until it serves requests.

        ``port`` None lets the emulator bind a free port itself, which cannot race with
        other processes. Logs go to ``state_dir/aws-emulator.log``. Raises ``RuntimeError``
        naming that log when the process exits or does not serve within ``timeout`` seconds.
        """
        state_dir = Path(state_dir)
        state_dir.mkdir(parents=True, exist_ok=True)
        log_path = state_dir / "aws-emulator.log"
        invocations_file = state_dir / "lambda-invocations.jsonl"
        ready_file = state_dir / "aws-emulator.ready.json"
        ready_file.unlink(missing_ok=True)

        command = [
            sys.executable,
            "-m",
            "pulumi_temporal_compute.testing.aws_emulator",
            "--port",
            str(port or 0),
            "--invocations-file",
            str(invocations_file),
            "--ready-file",
            str(ready_file),
            "--parent-pid",
            str(os.getpid()),
        ]
        env = _safe_base_environment()
        env.update(
            AWS_ACCESS_KEY_ID=DUMMY_ACCESS_KEY_ID,
            AWS_SECRET_ACCESS_KEY=DUMMY_SECRET_ACCESS_KEY,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_DEFAULT_REGION=region,
        )
        process = ProcessGroup(command, env, log_path)

        try:
            info = _wait_for_ready_file(process, ready_file, log_path, timeout)
            emulator = cls(
                process,
                int(info["port"]),
                str(info["account_id"]),
                state_dir,
                log_path,
                invocations_file,
                region,
            )
            _wait_for_health(emulator, log_path, timeout)
        except BaseException:
            process.stop()
            raise
        logger.info("AWS emulator started at %s (pid %d)", emulator.endpoint_url, process.pid)
        return emulator

    @property
    def endpoint_url(self) -> str:
        """Base URL to give AWS SDKs as their endpoint, ``http://127.0.0.1:<port>``."""
        return f"http://{LOOPBACK_HOST}:{self._port}"

    @property
    def port(self) -> int:
        """TCP port on 127.0.0.1."""
        return self._port

    @property
    def pid(self) -> int:
        """Process ID of the emulator, which also leads its process group."""
        return self._process.pid

    @property
    def region(self) -> str:
        """AWS region that :meth:`client` and :meth:`aws_env` use."""
        return self._region

    @property
    def account_id(self) -> str:
        """Account ID moto assigns to requests signed with the dummy credentials."""
        return self._account_id

    def is_running(self) -> bool:
        return self._process.returncode is None

    def stop(self) -> None:
        """Stop the emulator process group: SIGTERM, then SIGKILL if it has not exited."""
        self._process.stop()
        logger.info("AWS emulator (pid %d) stopped", self._process.pid)

    def invocations(self) -> list[dict[str, Any]]:
        """Return every Lambda ``Invoke`` call recorded so far, oldest first.

        Each record has ``function_name`` (name or ARN as sent), ``qualifier``,
        ``invocation_type``, ``payload`` (text), ``time`` (ISO 8601, UTC), ``timestamp``
        (seconds since the epoch), ``status_code`` and ``error`` (None on success).
        """
        with urllib.request.urlopen(self.endpoint_url + INVOCATIONS_PATH, timeout=10) as response:
            records: list[dict[str, Any]] = json.load(response)
        return records

    def aws_env(self) -> dict[str, str]:
        """Return environment variables that point AWS SDKs at this emulator with dummy credentials.

        The config and credentials files are set to the null device, so that no profile of
        the user's ``~/.aws`` is read.
        """
        return {
            "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
            "AWS_REGION": self._region,
            "AWS_DEFAULT_REGION": self._region,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }

    def client(self, service: str) -> Any:
        """Create a boto3 client for ``service`` that talks to this emulator."""
        import boto3

        session = boto3.session.Session(
            aws_access_key_id=DUMMY_ACCESS_KEY_ID,
            aws_secret_access_key=DUMMY_SECRET_ACCESS_KEY,
            region_name=self._region,
        )
        return session.client(service, endpoint_url=self.endpoint_url)

    def __enter__(self) -> AwsEmulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _wait_for_ready_file(
    process: ProcessGroup, ready_file: Path, log_path: Path, timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready_file.exists():
            info: dict[str, Any] = json.loads(ready_file.read_text(encoding="utf-8"))
            return info
        if process.returncode is not None:
            raise RuntimeError(
                f"AWS emulator exited with code {process.returncode} before serving; "
                f"see {log_path}:\n{tail_of_file(log_path)}"
            )
        time.sleep(0.05)
    raise RuntimeError(
        f"AWS emulator did not start serving within {timeout:.0f} s; see {log_path}:\n"
        f"{tail_of_file(log_path)}"
    )


def _wait_for_health(emulator: AwsEmulator, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(emulator.endpoint_url + HEALTH_PATH, timeout=5):
                return
        except (urllib.error.URLError, OSError) as error:
            last_error = error
        time.sleep(0.05)
    raise RuntimeError(
        f"AWS emulator at {emulator.endpoint_url} did not respond to {HEALTH_PATH} within "
        f"{timeout:.0f} s (last error: {last_error}); see {log_path}"
    )


if __name__ == "__main__":
    main()
