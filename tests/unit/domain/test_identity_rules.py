"""Identity rules live in one place (#16 item 4): every "is this a group / LID / broadcast /
newsletter JID" test is in deeplens.domain.ids; elsewhere code calls it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from deeplens.adapters import archive_sql
from deeplens.domain import archive_plan
from deeplens.domain.ids import has_group_server, has_lid_server

ROOT = Path(__file__).resolve().parents[3]
_SERVER_SUFFIX = re.compile(
    r"""endswith\(\s*f?["']@|["']@(?:g\.us|lid|broadcast|newsletter)["']\s*\)?\s*in\b"""
)


def _sources() -> list[Path]:
    files = [*(ROOT / "functions").rglob("*.py"), *(ROOT / "connector").rglob("*.py")]
    return [f for f in files if f != ROOT / "functions/deeplens/domain/ids.py" and "/sample/" not in str(f)]


def test_no_server_suffix_test_outside_ids() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if _SERVER_SUFFIX.search(line)
    ]
    assert found == [], "test the JID's server with deeplens.domain.ids, not by hand"


@pytest.mark.parametrize(
    ("jid", "group", "lid"),
    [
        ("120363000000000001@g.us", True, False),
        ("491511234567@s.whatsapp.net", False, False),
        ("123456789012345@lid", False, True),
        ("status@broadcast", False, False),
    ],
)
def test_suffix_tests(jid: str, group: bool, lid: bool) -> None:
    assert has_group_server(jid) is group
    assert has_lid_server(jid) is lid


def test_sql_gap_fill_columns_come_from_the_domain() -> None:
    """The upsert fills exactly the columns the in-memory merge fills, from the same tuples."""
    messages = archive_sql.MESSAGES.on_conflict
    chats = archive_sql.CHATS.on_conflict
    filled_messages = set(re.findall(r"THEN COALESCE\(EXCLUDED\.(\w+), x\.", messages))
    filled_chats = set(re.findall(r"THEN COALESCE\(EXCLUDED\.(\w+), x\.", chats))
    assert filled_messages == set(archive_plan.MESSAGE_GAPS)
    assert filled_chats == set(archive_plan.CHAT_GAPS)
