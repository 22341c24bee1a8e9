"""Request and response bodies of /api/accounts (issue #15)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from deeplens.entrypoints.http import schemas

AccountIdField = Field(
    min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.-]+$",
    description="the account's id: letters, digits, '_', '.', '-'; every archived row carries it",
    examples=["sales"],
)  # fmt: skip


class Account(BaseModel):
    id: str
    display_name: str
    phone: str | None = Field(description="the paired number's digits; null until paired")
    account_jid: str | None
    state: Literal["active", "paused"] = Field(description="active: its connector runs; paused: stopped")
    connection: str = Field(description="the connector's state (waiting_for_qr, connected, ...; unknown)")
    track_groups: bool | None = Field(description="new groups tracked? null: DEFAULT_TRACK_GROUPS")
    track_private: bool | None = Field(description="new direct chats tracked? null: DEFAULT_TRACK_PRIVATE")
    created_at: datetime
    updated_at: datetime
    rejected_batches: int = Field(
        description="batches ingest refused (reasons in ingest_rejections), not applied since"
    )


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = AccountIdField
    display_name: str | None = Field(default=None, min_length=1, max_length=80, pattern=r"^[^\x00]+$")
    track_groups: bool | None = None
    track_private: bool | None = None


class AccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    display_name: str | None = Field(default=None, min_length=1, max_length=80, pattern=r"^[^\x00]+$")
    state: Literal["active", "paused"] | None = None
    track_groups: bool | None = None
    track_private: bool | None = None


class AccountDeletion(BaseModel):
    account: str
    dry_run: bool = Field(description="true: nothing was deleted, the counts are what a delete removes")
    archive: dict[str, int] = Field(description="rows per archive table")
    session_store: dict[str, int] | None = Field(
        description="rows per whatsmeow table of the account's device; null: SESSION_STORE_URL not set"
    )
    media_objects: int | None = Field(description="media objects (those no other account shares); null: kept")
    event_log_objects: int | None = Field(
        description="objects under events/{id}/ and untracked/{id}/; null: kept"
    )


# The token and search bodies with what accounts add (same names in OpenAPI: these replace the base
# models in their routes, so the web UI's generated type names stay).

AccountList = list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,128}$")]]


class TokenRequest(schemas.TokenRequest):
    accounts: AccountList | None = Field(
        default=None, min_length=1, max_length=100, description="only these accounts; none: every one"
    )


class TokenCreated(schemas.TokenCreated):
    accounts: list[str] | None = Field(default=None, description="the accounts it may use; null: every one")


class SearchHit(schemas.SearchHit):
    account: str = Field(description="the account (id) the message was archived under")


class SearchPage(BaseModel):
    items: list[SearchHit]
    next_cursor: str | None
