"""Call a Lambda handler once, as the Python Lambda runtime would, with a stand-in context.

Usage: python _run_lambda_handler.py HANDLER FUNCTION_ARN REMAINING_MS [EVENT_JSON]

HANDLER is the function's `Handler` setting (`package.module.function`), imported from
PYTHONPATH. The context has the attributes `temporalio.contrib.aws.lambda_worker` reads:
`aws_request_id`, `invoked_function_arn` and `get_remaining_time_in_millis()`, counting
down from REMAINING_MS. An empty or missing EVENT_JSON gives the event `{}`. The exit code
is 0 when the handler returned, 1 when it raised, and the handler's own code when it
called sys.exit.

The process ends with `os._exit`, skipping interpreter shutdown, as Lambda freezes or
discards an execution environment instead of shutting its interpreter down. With
temporalio 1.35 a normal shutdown after a worker ran sometimes dies in native code
("Fatal Python error: PyGILState_Release", SIGABRT or SIGSEGV).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any


class StandInContext:
    """The subset of the Lambda context object that the Temporal Lambda worker uses."""

    def __init__(self, function_arn: str, remaining_ms: int) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = function_arn
        self.function_name = function_arn.split(":")[6]
        self._deadline = time.monotonic() + remaining_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_handler(handler: str) -> Callable[[Any, Any], Any]:
    module_name, _, function_name = handler.rpartition(".")
    if not module_name:
        raise ValueError(f"invalid handler {handler!r}: expected module.function")
    function: Callable[[Any, Any], Any] = getattr(
        importlib.import_module(module_name), function_name
    )
    return function


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    handler, function_arn, remaining_ms = argv[0], argv[1], int(argv[2])
    event = json.loads(argv[3]) if len(argv) == 4 and argv[3] else {}

    context = StandInContext(function_arn, remaining_ms)
    print(f"invoking {handler} (request {context.aws_request_id})", flush=True)
    try:
        load_handler(handler)(event, context)
    except SystemExit as error:
        # run_worker exits the process when its configuration is invalid.
        print(f"{handler} called sys.exit({error.code!r})", file=sys.stderr)
        return error.code if isinstance(error.code, int) else 1
    except Exception:
        traceback.print_exc()
        return 1
    print(f"{handler} returned after {remaining_ms - context.get_remaining_time_in_millis()} ms")
    return 0


if __name__ == "__main__":
    exit_code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)
