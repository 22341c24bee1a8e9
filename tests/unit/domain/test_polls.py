from __future__ import annotations

import hashlib
from typing import Any

import pytest
from deeplens.domain.polls import named_options, poll_options


def _hash(option: str) -> str:
    return hashlib.sha256(option.encode()).hexdigest()


@pytest.mark.parametrize("key", ["pollCreationMessage", "pollCreationMessageV2", "pollCreationMessageV3"])
def test_poll_options_are_read_from_every_poll_version_when_present(key: str) -> None:
    content = {key: {"name": "Wann?", "options": [{"optionName": "Fr"}, {"optionName": "Sa"}]}}
    assert poll_options(content) == ["Fr", "Sa"]


@pytest.mark.parametrize(
    "content",
    [
        None,
        {},
        {"conversation": "hi"},
        {"pollCreationMessageV3": {"options": "x"}},
        {"pollCreationMessage": 0},
    ],
)
def test_poll_options_are_empty_when_content_is_no_poll(content: Any) -> None:
    assert poll_options(content) == []


def test_poll_options_skip_malformed_entries_when_some_are() -> None:
    content = {"pollCreationMessageV3": {"options": [{"optionName": "A"}, {}, "B", {"optionName": 7}]}}
    assert poll_options(content) == ["A"]


def test_hashed_choices_get_their_names_when_the_poll_has_them() -> None:
    options = ["Freitag", "Samstag", "Sonntag"]
    assert named_options([_hash("Samstag"), "Freitag"], options) == ["Samstag", "Freitag"]


def test_hashed_choices_stay_when_no_option_matches() -> None:
    unknown = _hash("Montag")
    assert named_options([unknown, _hash("Sonntag")], ["Sonntag"]) == [unknown, "Sonntag"]
    assert named_options([unknown], []) == [unknown]


def test_an_option_that_looks_like_a_hash_is_kept_as_named() -> None:
    option = "a" * 64
    assert named_options([option], [option]) == [option]
