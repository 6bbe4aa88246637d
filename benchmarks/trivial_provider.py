"""A dynamic provider that does no work, the reference for the provider's own costs.

It lives in an importable module, so dill pickles the class by reference, as it
does `ComputeConfigProvider`. Provider processes that serve it need this
repository's root on `PYTHONPATH`.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ResourceProvider


class TrivialProvider(ResourceProvider):
    """Accepts every input and reports no change, without looking at the values."""

    serialize_as_secret_always = False

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(props.get("name", "trivial")), {})
