"""How long a record that failed on a transient error (the database is down) waits before SQS
offers it again, and how many receives an outage of a given length needs.

Each failed receive k hides the record for `delay(k)` (exponential from `base_s`, capped at
`max_s`); the queue's `maxReceiveCount` must be at least `max_receive_count`, the receives whose
delays together cover `budget_s`, so no outage shorter than the budget sends a good batch to the
DLQ. The local event source and template.yaml both use these numbers."""

from __future__ import annotations

from dataclasses import dataclass

SQS_MAX_VISIBILITY_S = 43_200  # SQS's cap on a visibility timeout (12 hours)


@dataclass(frozen=True)
class RetrySchedule:
    base_s: int = 5
    max_s: int = 300
    budget_s: int = 3600

    def delay(self, receives: int) -> int:
        """Seconds to hide a record after its `receives`-th receive failed transiently."""
        exponent = min(max(receives - 1, 0), 30)
        grown: int = self.base_s << exponent
        return min(grown, self.max_s, SQS_MAX_VISIBILITY_S)

    @property
    def max_receive_count(self) -> int:
        """The fewest receives whose delays add up to the budget."""
        total, receives = 0, 0
        while total < self.budget_s:
            receives += 1
            total += self.delay(receives)
        return max(receives, 1)
