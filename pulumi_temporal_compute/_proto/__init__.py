"""Generated Temporal API modules, registered in a descriptor pool of their own.

The temporalio SDK adds files with the same names (``temporal/api/...``) and the same
message names to protobuf's default descriptor pool, and that pool raises TypeError
when a file of the same name but different content is added. The modules under
``temporal/`` are therefore rewritten by ``scripts/generate_protos.py`` to add their
files to ``DESCRIPTOR_POOL`` instead. The wire format does not depend on the pool, so
bytes from these classes and from temporalio's classes are interchangeable.

Import messages through :mod:`pulumi_temporal_compute.wire`. This module must not
import the generated modules, because they import ``DESCRIPTOR_POOL`` from it.
"""

from __future__ import annotations

from google.protobuf import (
    descriptor_pool,
    duration_pb2,
    empty_pb2,
    field_mask_pb2,
    timestamp_pb2,
)

DESCRIPTOR_POOL = descriptor_pool.DescriptorPool()

# Well-known types that the generated files import. A pool resolves imports only
# among its own files, so these are copied in from protobuf's compiled definitions.
for _module in (duration_pb2, empty_pb2, field_mask_pb2, timestamp_pb2):
    DESCRIPTOR_POOL.AddSerializedFile(_module.DESCRIPTOR.serialized_pb)
del _module
