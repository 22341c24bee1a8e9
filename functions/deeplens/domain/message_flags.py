"""Message flags as the archive stores them: one bit set (`messages.flags`), so that merging two
copies of a message is a bitwise OR (a later copy never erases a flag) and costs one column."""

from __future__ import annotations

from functools import lru_cache

from deeplens.domain.envelope_parts import MessageFlags

FORWARDED_MANY_TIMES = 5  # WhatsApp's "forwarded many times" label starts at this forwarding score

# Bit of each boolean flag; the order is the stored format: append only, never reorder.
FLAG_BITS: tuple[tuple[str, int], ...] = (
    ("view_once", 1),
    ("ephemeral", 2),
    ("forwarded", 4),
    ("mentions_everyone", 8),
    ("from_bot", 16),
    ("from_business", 32),
)


@lru_cache(maxsize=256)  # the models are frozen (hashable) and most messages share a few values
def flags_mask(flags: MessageFlags) -> int:
    """The bit set of an envelope's boolean flags."""
    mask = 0
    for name, bit in FLAG_BITS:
        if getattr(flags, name):
            mask |= bit
    return mask


def flags_of(mask: int) -> dict[str, bool]:
    """Each boolean flag of a stored bit set, by name."""
    return {name: bool(mask & bit) for name, bit in FLAG_BITS}
