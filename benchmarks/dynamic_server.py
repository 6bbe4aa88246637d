"""A `python -m pulumi.dynamic` process and a lean gRPC client for timing it.

`pulumi_temporal_compute.testing.engine.ProviderProcess` records every message
as JSON text, which costs about as much as a fast RPC. The benchmarks instead
build each request before the clock starts and time only the call, so the
figures contain the provider process's work and the loopback hop, as the
engine would see them.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import grpc
from google.protobuf.message import Message
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_temporal_compute.testing.engine import to_struct

START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
CALL_TIMEOUT_SECONDS = 120.0
PROJECT = "bench"
STACK = "bench"
# The 3.272 server ignores its engine address argument, so this is never dialled.
UNUSED_ENGINE_ADDRESS = "127.0.0.1:0"


def resource_urn(name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::pulumi-python:dynamic:Resource::{name}"


def check_request(
    name: str, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> provider_pb2.CheckRequest:
    return provider_pb2.CheckRequest(
        urn=resource_urn(name),
        name=name,
        type="pulumi-python:dynamic:Resource",
        olds=to_struct(olds),
        news=to_struct(news),
    )


def diff_request(
    name: str, id_: str, old_outputs: Mapping[str, Any], news: Mapping[str, Any]
) -> provider_pb2.DiffRequest:
    return provider_pb2.DiffRequest(
        id=id_,
        urn=resource_urn(name),
        name=name,
        type="pulumi-python:dynamic:Resource",
        olds=to_struct(old_outputs),
        news=to_struct(news),
    )


def create_request(name: str, inputs: Mapping[str, Any]) -> provider_pb2.CreateRequest:
    return provider_pb2.CreateRequest(
        urn=resource_urn(name),
        name=name,
        type="pulumi-python:dynamic:Resource",
        properties=to_struct(inputs),
    )


def update_request(
    name: str, id_: str, old_outputs: Mapping[str, Any], news: Mapping[str, Any]
) -> provider_pb2.UpdateRequest:
    return provider_pb2.UpdateRequest(
        id=id_,
        urn=resource_urn(name),
        name=name,
        type="pulumi-python:dynamic:Resource",
        olds=to_struct(old_outputs),
        news=to_struct(news),
    )


def read_request(
    name: str, id_: str, old_outputs: Mapping[str, Any], old_inputs: Mapping[str, Any]
) -> provider_pb2.ReadRequest:
    return provider_pb2.ReadRequest(
        id=id_,
        urn=resource_urn(name),
        name=name,
        type="pulumi-python:dynamic:Resource",
        properties=to_struct(old_outputs),
        inputs=to_struct(old_inputs),
    )


def delete_request(
    name: str, id_: str, old_outputs: Mapping[str, Any]
) -> provider_pb2.DeleteRequest:
    return provider_pb2.DeleteRequest(
        id=id_,
        urn=resource_urn(name),
        name=name,
        type="pulumi-python:dynamic:Resource",
        properties=to_struct(old_outputs),
    )


class DynamicServer:
    """One provider process, started with `start` and ended with `stop` (by its pid)."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        channel: grpc.Channel,
        stderr_file: IO[bytes],
        stderr_path: Path,
        started_at: float,
        port_seconds: float,
    ) -> None:
        self._process = process
        self._channel = channel
        self._stub = provider_pb2_grpc.ResourceProviderStub(channel)
        self._stderr_file = stderr_file
        self.stderr_path = stderr_path
        self.started_at = started_at
        self.port_seconds = port_seconds

    @classmethod
    def start(
        cls,
        *,
        cwd: Path,
        stderr_path: Path,
        env: Mapping[str, str],
        stack_config: Mapping[str, str],
    ) -> DynamicServer:
        """Start the process, wait for the port it prints, and send Configure.

        `started_at` is the `time.perf_counter()` value just before the process was
        spawned, so callers can time the first response from the start.
        """

        process_env = dict(env)
        process_env["PULUMI_PROJECT"] = PROJECT
        process_env["PULUMI_CONFIG"] = json.dumps(dict(stack_config))
        stderr_path.parent.mkdir(parents=True, exist_ok=True)
        stderr_file = stderr_path.open("wb")
        command = [sys.executable, "-u", "-m", "pulumi.dynamic", UNUSED_ENGINE_ADDRESS]
        started_at = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=process_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
        )
        try:
            port = _read_port(process, stderr_path)
            port_seconds = time.perf_counter() - started_at
            channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            server = cls(process, channel, stderr_file, stderr_path, started_at, port_seconds)
        except BaseException:
            _end(process)
            stderr_file.close()
            raise
        try:
            server.configure(stack_config)
        except BaseException:
            server.stop()
            raise
        return server

    @property
    def pid(self) -> int:
        return self._process.pid

    def configure(self, stack_config: Mapping[str, str]) -> None:
        self.call(
            "Configure",
            provider_pb2.ConfigureRequest(
                args=to_struct(stack_config),
                acceptSecrets=True,
                acceptResources=True,
                sends_old_inputs=True,
                sends_old_inputs_to_delete=True,
            ),
        )

    def call(self, method: str, request: Message) -> Any:
        """Send one request to the method of `pulumirpc.ResourceProvider` with that name."""

        return getattr(self._stub, method)(request, timeout=CALL_TIMEOUT_SECONDS)

    def memory_kib(self) -> dict[str, int]:
        """Return VmHWM (peak resident set) and VmRSS of the process, in KiB."""

        values: dict[str, int] = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
        return values

    def stop(self) -> None:
        self._channel.close()
        _end(self._process)
        self._stderr_file.close()

    def __enter__(self) -> DynamicServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _read_port(process: subprocess.Popen[bytes], stderr_path: Path) -> int:
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(
                f"provider process {process.pid} printed no port within "
                f"{START_TIMEOUT_SECONDS:.0f} s; see {stderr_path}"
            )
        readable, _, _ = select.select([process.stdout], [], [], remaining)
        if readable:
            break
    line = process.stdout.readline()
    try:
        port = int(line.decode().strip())
    except ValueError:
        raise RuntimeError(
            f"provider process {process.pid} printed {line!r} where its port was expected; "
            f"see {stderr_path}"
        ) from None
    # Keep reading stdout, so that a provider that prints more does not block on a full pipe.
    threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
    return port


def _drain(stream: IO[bytes]) -> None:
    with stream:
        while stream.read(65536):
            pass


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def provider_env(base: Mapping[str, str], repo_root: Path) -> dict[str, str]:
    """Return the environment of provider processes: `base` plus this repository on the path."""

    env = {name: value for name, value in base.items() if not name.startswith("TEMPORAL_")}
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(repo_root) if not path else f"{repo_root}{os.pathsep}{path}"
    return env
