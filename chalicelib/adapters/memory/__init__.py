"""In-memory twins of the claims repository and the document store, for fast service tests.

Each is a subclass of the real adapter (so it fits every service signature that names the real class) that
keeps its data in the process instead of DynamoDB or S3, with the same observable behaviour: the
contract suite (``tests/contract/``) runs the same tests against both. What the twins share with the real
adapters is deliberate: the PynamoDB models serialise every item on write and rebuild it on read (so a
value DynamoDB would refuse is refused here too, and what comes back has the same types), and the write
conditions are the same (a version that moved, a sequence already written, an id already taken:
``ConcurrentUpdate``).

They live in ``chalicelib/adapters`` (not in ``tests/``) so that ``make lint`` holds them to the layer
contract and ``make typecheck`` checks them beside the adapters they copy; nothing in the runtime imports
them (the Lambda package carries a few kilobytes of source, no cold-start cost).
"""

from __future__ import annotations

from chalicelib.adapters.memory.claims import ClaimTables, InMemoryClaimRepository
from chalicelib.adapters.memory.documents import InMemoryDocumentStore, LinkRefused, PostRefused

__all__ = [
    "ClaimTables",
    "InMemoryClaimRepository",
    "InMemoryDocumentStore",
    "LinkRefused",
    "PostRefused",
]
