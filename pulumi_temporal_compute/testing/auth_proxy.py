"""A gRPC front door that checks an API key, for testing API-key handling locally.

The dev server accepts every call, so it cannot show what happens with a
wrong API key. This proxy listens on 127.0.0.1, rejects calls whose
`authorization` header is not `Bearer <expected key>` with UNAUTHENTICATED,
as Temporal Cloud does, and forwards every other call unchanged to the server
behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent import futures
from types import TracebackType
from typing import Any

import grpc

from pulumi_temporal_compute.testing.ports import LOOPBACK_HOST


def _identity(data: bytes) -> bytes:
    return data


class _ForwardingHandler(grpc.GenericRpcHandler):
    def __init__(self, upstream: grpc.Channel, expected_key: str) -> None:
        self._upstream = upstream
        self._expected = f"Bearer {expected_key}"
        self.rejected = 0

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler:
        method = handler_call_details.method
        forward = self._upstream.unary_unary(
            method, request_serializer=_identity, response_deserializer=_identity
        )

        def handle(request: bytes, context: grpc.ServicerContext) -> bytes:
            metadata = dict(context.invocation_metadata())
            if metadata.get("authorization") != self._expected:
                self.rejected += 1
                context.abort(grpc.StatusCode.UNAUTHENTICATED, "Request unauthorized.")
            passed = [(k, v) for k, v in context.invocation_metadata() if k != "authorization"]
            try:
                response: bytes = forward(
                    request, metadata=passed, timeout=context.time_remaining()
                )
            except grpc.RpcError as error:
                context.abort(error.code(), error.details() or "")
            return response

        handler: Callable[[Any, grpc.ServicerContext], Any] = handle
        return grpc.unary_unary_rpc_method_handler(
            handler, request_deserializer=_identity, response_serializer=_identity
        )


class ApiKeyProxy:
    """Start with `ApiKeyProxy(upstream_address, expected_key)`; stop with `stop()`."""

    def __init__(self, upstream_address: str, expected_key: str) -> None:
        self._channel = grpc.insecure_channel(upstream_address)
        self._handler = _ForwardingHandler(self._channel, expected_key)
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        self._server.add_generic_rpc_handlers((self._handler,))
        self.port = self._server.add_insecure_port(f"{LOOPBACK_HOST}:0")
        self._server.start()

    @property
    def address(self) -> str:
        return f"{LOOPBACK_HOST}:{self.port}"

    @property
    def rejected_calls(self) -> int:
        return self._handler.rejected

    def stop(self) -> None:
        self._server.stop(grace=None)
        self._channel.close()

    def __enter__(self) -> ApiKeyProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
