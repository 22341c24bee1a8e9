from __future__ import annotations

import time
import uuid

from deeplens.services.api import RecentCredentials


def test_a_credential_is_remembered_until_forgotten_by_its_id() -> None:
    recent = RecentCredentials(ttl_s=60)
    kept, dropped = uuid.uuid4(), uuid.uuid4()
    recent.put(b"a", (dropped, "session"))
    recent.put(b"b", (dropped, "session"))
    recent.put(b"c", (kept, "token"))
    recent.forget(dropped)
    assert (recent.get(b"a"), recent.get(b"b"), recent.get(b"c")) == (None, None, (kept, "token"))


def test_a_credential_is_forgotten_when_its_time_is_up() -> None:
    recent = RecentCredentials(ttl_s=0.05)
    recent.put(b"a", (uuid.uuid4(), "session"))
    time.sleep(0.1)
    assert recent.get(b"a") is None


def test_only_the_newest_credentials_are_kept_when_many_are_verified() -> None:
    recent = RecentCredentials(ttl_s=60, max_entries=2)
    for key in (b"a", b"b", b"c"):
        recent.put(key, (uuid.uuid4(), "session"))
    assert sum(recent.get(key) is not None for key in (b"a", b"b", b"c")) == 2
