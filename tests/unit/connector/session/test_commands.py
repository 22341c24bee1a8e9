"""How long a link code can be entered: until the QR cycle it was asked in ends."""

from __future__ import annotations

from deeplens_connector.session.commands import MIN_CODE_LIFE_S, QR_CYCLE_S, code_lifetime_s


def test_code_lives_a_whole_cycle_when_asked_right_after_the_first_qr() -> None:
    assert code_lifetime_s(1000.0, 1001.0) == QR_CYCLE_S - 1
    assert code_lifetime_s(None, 1001.0) == QR_CYCLE_S  # no QR seen yet: a whole cycle is ahead


def test_code_lives_what_is_left_of_the_cycle_when_asked_late() -> None:
    assert code_lifetime_s(1000.0, 1000.0 + QR_CYCLE_S - 30) == 30
    assert code_lifetime_s(1000.0, 1000.0 + QR_CYCLE_S + 5) == 0  # the cycle is over
    assert code_lifetime_s(1000.0, 1000.0 + 120) < MIN_CODE_LIFE_S  # late: a fresh process asks
