"""What the chat sweep asks the live client: its joined groups and its followed channels.

neonize 0.5.2's `get_joined_groups` is safe: with no Go client it raises GetJoinedGroupsError
("client is nil"). Its `get_subscribed_newletters` (sic) is not: whatsmeow's
GetSubscribedNewsletters dereferences the client before any check, so called on a client that
never connected (a replay, or before the first connect) it kills the whole process with a Go
nil-pointer panic (verified: SIGSEGV in convertQueryID). `subscribed_newsletters` asks only a
connected client (`is_connected` is safe on any client) and raises the neonize error otherwise.
"""

from __future__ import annotations

from typing import Any

from neonize.exc import GetSubscribedNewslettersError


def joined_groups(client: Any) -> list[Any]:
    """Every group and community we are in, as full `neonize.GroupInfo` snapshots."""
    return list(client.get_joined_groups())


def subscribed_newsletters(client: Any) -> list[Any]:
    """Every channel we follow (`neonize.NewsletterMetadata`); only asked of a connected client."""
    if not client.is_connected:
        raise GetSubscribedNewslettersError("not connected: followed channels not asked")
    return list(client.get_subscribed_newletters())
