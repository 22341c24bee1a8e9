from __future__ import annotations

from pathlib import Path

import pytest
from deeplens_connector.media import Outcome, classify_failure, too_big
from deeplens_connector.replay import MEDIA_RECORD, RecordedMedia, RecordingError, RecordWriter, read_records
from deeplens_connector.sample.build_sample import SAMPLE, build
from deeplens_connector.sample.protos import complete, jid
from deeplens_connector.translate import MediaRef
from neonize.proto import Neonize_pb2 as N


def _ref(direct_path: str) -> MediaRef:
    return MediaRef(
        "a" * 32,
        "x@s.whatsapp.net",
        "ID",
        "imageMessage",
        "image",
        direct_path,
        b"",
        b"",
        b"",
        3,
        "image/png",
    )  # type: ignore[arg-type]


def test_records_come_back_in_order_when_written(tmp_path: Path) -> None:
    path = tmp_path / "r.rec"
    with path.open("wb") as handle:
        writer = RecordWriter(handle)
        writer.media("/v/photo", b"PNG")
        writer.event(complete(N.Connected(status=True)))
        writer.event(complete(N.Device(JID=jid("4917000000001"))))
    records = list(read_records(path))
    assert [code for code, _ in records] == [MEDIA_RECORD, 3, 0]
    assert RecordedMedia.from_file(path)(_ref("/v/photo")) == b"PNG"


def test_reading_fails_when_recording_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "r.rec"
    with path.open("wb") as handle:
        RecordWriter(handle).media("/v/photo", b"PNG" * 100)
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(RecordingError, match="truncated"):
        list(read_records(path))


def test_reading_fails_when_file_is_not_a_recording(tmp_path: Path) -> None:
    path = tmp_path / "r.rec"
    path.write_bytes(b"hello")
    with pytest.raises(RecordingError, match="not a DeepLens recording"):
        list(read_records(path))


def test_missing_bytes_look_expired_when_replayed(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="status code 410") as error:
        RecordedMedia({})(_ref("/v/gone"))
    assert classify_failure(error.value).status == "unavailable"


def test_sample_is_identical_when_rebuilt(tmp_path: Path) -> None:
    assert build(tmp_path / "again.rec").read_bytes() == SAMPLE.read_bytes()


def test_failure_reason_is_kept_when_download_breaks() -> None:
    assert classify_failure(RuntimeError("download failed with status code 403")).status == "unavailable"
    failed = classify_failure(RuntimeError("invalid media hmac"))
    assert failed == Outcome("failed", error="invalid media hmac")
    assert too_big(11, 10) == Outcome("skipped", error="11 bytes is more than CONNECTOR_MEDIA_MAX_BYTES (10)")
    assert too_big(10, 10) is None
