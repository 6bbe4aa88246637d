"""A small dynamic provider for the engine harness tests.

It keeps its resources in a JSON file named by the `demo:storePath` stack
setting. For each method call it appends one JSON line to `<storePath>.calls`
with the Python type of each value it received, so a test can see what crossed
the wire. The class lives in an importable module, so dill pickles it by reference
and the provider process imports this file from its working directory.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

PROVIDER_KEY = "__provider"


class HarnessProviderError(Exception):
    """A failure the tests ask the provider to raise."""


def _type_name(value: Any) -> str:
    value_type = type(value)
    return f"{value_type.__module__}.{value_type.__qualname__}"


def _plain(value: Any) -> Any:
    # Unknown values cannot be written as JSON, so the record uses a marker string.
    if isinstance(value, Unknown):
        return "<unknown>"
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _user_properties(properties: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in properties.items() if key != PROVIDER_KEY}


class FileStoreProvider(ResourceProvider):
    """Resources `{key, value, password?}` stored in a JSON file. A new `key` forces a replacement.

    Inputs the tests use: `fail` (str) makes `create` or `update` raise with that
    text, `size` below 0 fails Check, and `exclusive: True` requests
    delete-before-replace.
    """

    store_path: Path | None = None
    api_token: Any = None

    def configure(self, req: ConfigureRequest) -> None:
        self.store_path = Path(req.config.require("storePath"))
        self.api_token = req.config.get("apiToken")
        self._record("configure", {"apiToken": self.api_token})

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        self._record("check", news)
        failures = []
        size = news.get("size")
        if isinstance(size, int | float) and size < 0:
            failures.append(CheckFailure("size", f"size must be 0 or more, got {size}"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        self._record("diff", news, olds=olds)
        changed = [
            key
            for key, value in _user_properties(news).items()
            if isinstance(value, Unknown) or olds.get(key) != value
        ]
        replaces = [key for key in changed if key == "key"]
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            delete_before_replace=bool(news.get("exclusive")),
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        self._record("create", props)
        if props.get("fail"):
            raise HarnessProviderError(str(props["fail"]))
        resource_id = uuid.uuid4().hex
        record = {**_user_properties(props), "revision": 1}
        store = self._load()
        store[resource_id] = record
        self._save(store)
        pulumi.log.info(f"created harness resource {resource_id}")
        return CreateResult(resource_id, record)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self._record("update", news, olds=olds, id=id_)
        if news.get("fail"):
            raise HarnessProviderError(str(news["fail"]))
        store = self._load()
        record = {**_user_properties(news), "revision": int(olds.get("revision", 0)) + 1}
        store[id_] = record
        self._save(store)
        return UpdateResult(record)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        self._record("read", props, id=id_)
        record = self._load().get(id_)
        if record is None:
            return ReadResult("", {})
        inputs = {key: value for key, value in record.items() if key != "revision"}
        return ReadResult(id_, record, inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._record("delete", props, id=id_)
        store = self._load()
        store.pop(id_, None)
        self._save(store)

    def _load(self) -> dict[str, Any]:
        assert self.store_path is not None, "configure was not called"
        if not self.store_path.exists():
            return {}
        return json.loads(self.store_path.read_text())

    def _save(self, store: dict[str, Any]) -> None:
        assert self.store_path is not None, "configure was not called"
        self.store_path.write_text(json.dumps(store, sort_keys=True))

    def _record(self, method: str, values: dict[str, Any], **extra: Any) -> None:
        assert self.store_path is not None, "configure was not called"
        entry = {
            "method": method,
            "values": _plain(_user_properties(values)),
            "types": {key: _type_name(value) for key, value in _user_properties(values).items()},
            **{key: _plain(value) for key, value in extra.items()},
        }
        calls_path = self.store_path.with_name(self.store_path.name + ".calls")
        with calls_path.open("a") as calls_file:
            calls_file.write(json.dumps(entry, sort_keys=True) + "\n")
