"""The durable spool: ordered, bounded, survives restarts, ignores half-written files."""

from __future__ import annotations

from pathlib import Path

import pytest
from deeplens_connector.publish.spool import Spool, SpoolBusy, SpoolFull


def test_batches_come_back_in_write_order_when_spool_is_reopened(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=10_000)
    for number in range(3):
        spool.append(f"batch {number}".encode(), 1_764_000_000_000 + number, 5, f"b{number}")
    spool.close()
    reopened = Spool(tmp_path, max_bytes=10_000)
    assert [(b.seq, b.batch_id, b.count, b.read()) for b in reopened.pending()] == [
        (1, "b0", 5, b"batch 0"),
        (2, "b1", 5, b"batch 1"),
        (3, "b2", 5, b"batch 2"),
    ]
    assert reopened.append(b"next", 1_764_000_000_009, 1, "b3").seq == 4
    reopened.close()


def test_refuses_with_spool_full_when_bound_would_be_exceeded(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=10)
    spool.append(b"123456", 1_764_000_000_000, 1, "a")
    with pytest.raises(SpoolFull, match="bound 10"):
        spool.append(b"123456", 1_764_000_000_000, 1, "b")
    spool.remove(spool.pending()[0])
    assert spool.size_bytes == 0
    spool.append(b"123456", 1_764_000_000_000, 1, "b")
    spool.close()


def test_discards_half_written_batch_when_reopened_after_crash(tmp_path: Path) -> None:
    first = Spool(tmp_path, max_bytes=100)
    first.append(b"done", 1_764_000_000_000, 1, "kept")
    first.close()
    (tmp_path / "000000000002_1764000000000_1_torn.batch.tmp").write_bytes(b"hal")
    reopened = Spool(tmp_path, max_bytes=100)
    assert [b.batch_id for b in reopened.pending()] == ["kept"]
    assert not list(tmp_path.glob("*.tmp"))
    reopened.close()


def test_second_process_is_refused_when_spool_is_in_use(tmp_path: Path) -> None:
    holder = Spool(tmp_path, max_bytes=100)
    with pytest.raises(SpoolBusy, match="in use"):
        Spool(tmp_path, max_bytes=100)
    holder.close()
    Spool(tmp_path, max_bytes=100).close()
