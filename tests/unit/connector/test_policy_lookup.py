"""PolicyLookup in bulk: the same answers as one by one, in fewer round trips (fakes for Redis/SQL)."""

from __future__ import annotations

import json
import time

from deeplens.domain.archive_plan import TrackingPolicy
from deeplens_connector.tracking import ChatPolicy, PolicyLookup

SESSION = "primary_agent"
ANNA, BOB, GROUP = "4915112345678@s.whatsapp.net", "4915187654321@s.whatsapp.net", "120363012345678901@g.us"


class FakeRedis:
    def __init__(self, entries: dict[str, ChatPolicy]) -> None:
        self.data = {
            f"tracking:{SESSION}:{jid}": json.dumps(
                {"is_tracked": p.is_tracked, "auto_download_media": p.auto_download_media}
            )
            for jid, p in entries.items()
        }
        self.calls: list[list[str]] = []

    def get(self, key: str) -> str | None:
        self.calls.append([key])
        return self.data.get(key)

    def mget(self, keys: list[str]) -> list[str | None]:
        self.calls.append(list(keys))
        return [self.data.get(key) for key in keys]


class FakeTable:
    def __init__(self, rows: dict[str, ChatPolicy]) -> None:
        self.rows = rows
        self.calls: list[list[str]] = []

    def one(self, jid: str) -> ChatPolicy | None:
        self.calls.append([jid])
        return self.rows.get(jid)

    def many(self, jids: list[str]) -> dict[str, ChatPolicy]:
        self.calls.append(list(jids))
        return {jid: self.rows[jid] for jid in jids if jid in self.rows}


CHATS = {ANNA: "direct", BOB: "direct", GROUP: "group"}


def lookups(ttl_s: float) -> tuple[PolicyLookup, PolicyLookup, FakeRedis, FakeTable]:
    redis, table = FakeRedis({ANNA: ChatPolicy(True, False)}), FakeTable({BOB: ChatPolicy(False, True)})
    policy = TrackingPolicy(track_groups=False, track_private=True)
    single = PolicyLookup(SESSION, FakeRedis(redis_entries(redis)), FakeTable(table.rows).one, policy, ttl_s)
    bulk = PolicyLookup(SESSION, redis, table.one, policy, ttl_s, database_many=table.many)
    return single, bulk, redis, table


def redis_entries(redis: FakeRedis) -> dict[str, ChatPolicy]:
    return {
        key.split(":", 2)[2]: ChatPolicy(
            json.loads(raw)["is_tracked"], json.loads(raw)["auto_download_media"]
        )
        for key, raw in redis.data.items()
    }


def test_prefetched_policies_are_the_one_by_one_answers_when_redis_sql_and_default_all_answer() -> None:
    single, bulk, redis, table = lookups(60)
    bulk.prefetch(CHATS)
    assert (
        {jid: bulk.policy_for(jid, kind) for jid, kind in CHATS.items()}
        == {jid: single.policy_for(jid, kind) for jid, kind in CHATS.items()}
        == {ANNA: ChatPolicy(True, False), BOB: ChatPolicy(False, True), GROUP: ChatPolicy(False, True)}
    )
    assert (redis.calls, table.calls) == ([[f"tracking:{SESSION}:{jid}" for jid in CHATS]], [[BOB, GROUP]])


def test_expired_answers_are_refreshed_together_when_one_of_them_is_asked_again() -> None:
    _, bulk, redis, table = lookups(0.05)
    for jid, kind in CHATS.items():
        bulk.policy_for(jid, kind)
    time.sleep(0.06)
    redis.calls.clear()
    table.calls.clear()
    table.rows[GROUP] = ChatPolicy(True, True)  # tracked meanwhile (API PATCH)
    assert bulk.policy_for(ANNA, "direct") == ChatPolicy(True, False)
    assert len(redis.calls) == 1 and sorted(redis.calls[0]) == sorted(
        f"tracking:{SESSION}:{j}" for j in CHATS
    )
    assert bulk.policy_for(GROUP, "group") == ChatPolicy(True, True)  # refreshed with ANNA: no new trip
    assert len(redis.calls) == 1 and len(table.calls) == 1


def test_bulk_lookup_falls_back_to_the_default_when_redis_and_sql_fail() -> None:
    class Down:
        def mget(self, keys: list[str]) -> list[str | None]:
            raise ConnectionError("redis down")

    def sql_down(jids: list[str]) -> dict[str, ChatPolicy]:
        raise OSError("postgres down")

    policy = TrackingPolicy(track_groups=False, track_private=True)
    lookup = PolicyLookup(SESSION, Down(), lambda jid: None, policy, 60, database_many=sql_down)
    assert lookup.policy_for(GROUP, "group") == ChatPolicy(False, True)
    assert lookup.policy_for(ANNA, "direct") == ChatPolicy(True, True)
