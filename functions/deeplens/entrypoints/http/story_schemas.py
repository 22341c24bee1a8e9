"""Response models of the status (stories) view."""

from __future__ import annotations

from pydantic import BaseModel, Field

from deeplens.entrypoints.http.schemas import Message


class StatusContact(BaseModel):
    sender_jid: str | None
    sender_name: str | None
    from_me: bool = Field(description="my own status posts")
    latest_at: int = Field(description="epoch ms of this contact's newest post on the page")
    posts: list[Message] = Field(description="this contact's posts on the page, oldest first")


class StatusPage(BaseModel):
    contacts: list[StatusContact] = Field(description="the contact with the newest post first")
    next_cursor: str | None = Field(description="pass as `cursor` for older posts")
