"""The pure translation of neonize events into envelope v1 (no network, no database).

Live events: `translate_message`, `translate_undecryptable`, `translate_receipt`; groups and
channels: `translate_joined_group`, `translate_group_info` (+ `participants_changed`,
`translate_group_snapshot`), `translate_newsletter_join`; the chat sweep at each connect:
`translate_chat_sweep` (+ `ChatDiff`); the history sync: `translate_history`
(+ `history_progress`). Media to download: `live_media_ref`, `history_media_refs`, then
`with_media_outcome` puts the result into the message. The contact store: `translate_store_contacts`
(+ `ContactDiff`). Live calls: `translate_call` (call-log entries come with the history). Sealed
messages (edits, reactions, comments encrypted with the original's secret) arrive opened by the
caller as `Unsealed`.
"""

from deeplens_connector.translate.calls import translate_call
from deeplens_connector.translate.chats import (
    participants_changed,
    translate_group_info,
    translate_group_snapshot,
    translate_joined_group,
    translate_newsletter_join,
    translate_newsletter_snapshot,
)
from deeplens_connector.translate.common import TranslationError
from deeplens_connector.translate.contacts import ContactDiff, translate_store_contacts
from deeplens_connector.translate.history import (
    HistoryItem,
    HistoryProgress,
    history_chats,
    history_media_refs,
    history_progress,
    translate_history,
)
from deeplens_connector.translate.jids import jid_of, jid_proto
from deeplens_connector.translate.live import (
    live_media_ref,
    translate_message,
    translate_receipt,
    translate_undecryptable,
)
from deeplens_connector.translate.media import MediaRef, bucket_key_for, file_id_for, with_media_outcome
from deeplens_connector.translate.messages import DecryptedVote
from deeplens_connector.translate.sealed import Unsealed
from deeplens_connector.translate.sweep import ChatDiff, translate_chat_sweep

__all__ = [
    "ChatDiff",
    "ContactDiff",
    "DecryptedVote",
    "HistoryItem",
    "HistoryProgress",
    "MediaRef",
    "TranslationError",
    "Unsealed",
    "bucket_key_for",
    "file_id_for",
    "history_chats",
    "history_media_refs",
    "history_progress",
    "jid_of",
    "jid_proto",
    "live_media_ref",
    "participants_changed",
    "translate_call",
    "translate_chat_sweep",
    "translate_group_info",
    "translate_group_snapshot",
    "translate_history",
    "translate_joined_group",
    "translate_message",
    "translate_newsletter_join",
    "translate_newsletter_snapshot",
    "translate_receipt",
    "translate_store_contacts",
    "translate_undecryptable",
    "with_media_outcome",
]
