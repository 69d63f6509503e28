"""What dedup and story grouping know of an entry: the shape parse and fingerprint share.

Its own module so that the parser (which carries a fingerprint on each entry) and the
fingerprinting (which reads parsed entries) do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Fingerprint:
    #: Canonical URL: the publisher's link for an aggregator's entry, no tracking.
    url: str
    #: The headline without an aggregator's " - Outlet" suffix, and that outlet.
    title: str
    outlet: str | None
    #: MinHash values of the report: uint32 bytes (half the size of what is stored).
    signature: bytes
    #: Story feature keys (a key's weight follows from it: see ``Features.from_keys``).
    features: tuple[str, ...]

    def values(self) -> np.ndarray:
        return np.frombuffer(self.signature, dtype=np.uint32)
