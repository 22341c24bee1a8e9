"""Channel (newsletter) posts and status (stories) through neonize's dispatcher: what whatsmeow
hands over for each, translated as the connector does."""

from __future__ import annotations

from typing import Any

from deeplens.domain.envelope import MessageEdited, MessageSeen
from deeplens_connector.translate import history_media_refs, live_media_ref
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS

from tests.unit.connector import golden_events as story
from tests.unit.connector.golden_events import T0
from tests.unit.connector.neonize_fixtures import SESSION, Capture, complete, web_msg


def translated(ev: Any) -> list[Any]:
    capture = Capture(now_ms=T0 + 1_000).feed(ev)
    assert capture.errors == []
    return capture.events


def test_channel_post_is_a_message_of_the_channel_when_whatsmeow_delivers_it() -> None:
    [post] = translated(story.newsletter_image(T0))
    assert isinstance(post, MessageSeen)
    assert (post.chat_jid, post.chat_kind, post.sender_jid, post.from_me) == (
        story.NEWSLETTER_JID,
        "newsletter",
        story.NEWSLETTER_JID,
        False,
    )
    assert post.media is not None and post.media.status == "pending"


def test_channel_post_is_not_an_edit_when_neonize_sends_go_zero_time() -> None:
    """Without msg_edit_t whatsmeow's EditTS is Go's zero time: neonize sends its Unix() (< 0)."""
    meta = N.NewsLetterMessageMeta(EditTS=-62_135_596_800, OriginalTS=-62_135_596_800)
    post = E2E.Message(extendedTextMessage=E2E.ExtendedTextMessage(text="Neu"))
    [event] = translated(story.channel_posts("3EB0NL0000000000A003", T0, post, 119, NewsLetterMeta=meta))
    assert isinstance(event, MessageSeen) and event.text == "Neu"


def test_edited_channel_post_is_an_edit_of_the_same_post_when_edit_ts_is_set() -> None:
    [edit] = translated(story.newsletter_edit(T0 + 1_500_000))
    assert isinstance(edit, MessageEdited)
    assert (edit.target.chat_jid, edit.target.message_id) == (story.NEWSLETTER_JID, "3EB0NL0000000000A001")
    assert (edit.new_text, edit.edited_at_ms) == (
        "Arbeiten verschoben auf morgen 8 bis 12 Uhr",
        T0 + 1_500_000,
    )
    assert edit.new_raw is not None and "imageMessage" in edit.new_raw  # the post's media stays its own


def test_channel_media_is_downloaded_without_keys_when_the_post_is_unencrypted() -> None:
    """whatsmeow downloads unencrypted (channel) media only when mediaKey and fileEncSHA256 are
    absent (nil in Go); an empty value would send it down the decrypting path."""
    ref = live_media_ref(complete(story.newsletter_image(T0)), session=SESSION)
    assert ref is not None
    image = ref.download_message().imageMessage
    assert not image.HasField("mediaKey") and not image.HasField("fileEncSHA256")
    assert image.directPath.startswith("/o1/") and len(image.fileSHA256) == 32


def test_encrypted_media_keeps_its_keys_when_downloaded() -> None:
    ref = live_media_ref(complete(story.image(T0)), session=SESSION)
    assert ref is not None
    image = ref.download_message().imageMessage
    assert image.HasField("mediaKey") and image.HasField("fileEncSHA256")


def test_status_post_is_a_message_of_status_broadcast_from_its_author_when_delivered() -> None:
    [status] = translated(story.anna_posts_status(T0))
    assert isinstance(status, MessageSeen)
    assert (status.chat_jid, status.chat_kind, status.sender_jid) == (
        "status@broadcast",
        "status",
        story.ANNA_JID,
    )
    assert status.media is not None and status.media.key is None  # downloaded by the media pool


def test_status_media_of_the_history_is_downloaded_when_the_phone_still_holds_it() -> None:
    """statusV3Messages of a history chunk: translated like the live ones, and their media is
    fetched too (before WhatsApp deletes it with the post)."""
    posted = story.anna_posts_status(T0)
    web = web_msg("status@broadcast", posted.Info.ID, posted.Message, ts_s=T0 // 1000,
                  participant=story.ANNA_JID, push_name="Anna")  # fmt: skip
    chunk = HS.HistorySync(syncType=HS.HistorySync.INITIAL_STATUS_V3, chunkOrder=1)
    chunk.statusV3Messages.add().CopyFrom(web)
    capture = Capture(now_ms=T0 + 1_000).feed(N.HistorySync(Data=chunk))
    [status] = [e for e in capture.events if isinstance(e, MessageSeen)]
    [ref] = history_media_refs(chunk, session=SESSION)
    assert (status.chat_jid, status.sender_jid, status.source) == (
        "status@broadcast",
        story.ANNA_JID,
        "history",
    )
    assert status.media is not None and (ref.chat_jid, ref.file_id) == (
        "status@broadcast",
        status.media.file_id,
    )
