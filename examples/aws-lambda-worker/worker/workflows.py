"""A small workflow and activity for the serverless worker."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import VersioningBehavior


@activity.defn
async def compose_greeting(name: str) -> str:
    """Build the greeting; a real activity would call another service here."""

    return f"Hello, {name}!"


# PINNED: a run stays on the build ID it started on, which is why every build ID gets
# its own published Lambda version.
@workflow.defn(versioning_behavior=VersioningBehavior.PINNED)
class GreetingWorkflow:
    """Greets `name` through one activity call."""

    @workflow.run
    async def run(self, name: str) -> str:
        return await workflow.execute_activity(
            compose_greeting, name, start_to_close_timeout=timedelta(seconds=30)
        )
