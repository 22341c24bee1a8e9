"""A zip streamed into the bucket (ExportStore.stream) against both local backends: the object
appears whole when the stream ends, in parts when it is large; a stream that fails, before or at
its completion, leaves nothing under the key and no upload open."""

from __future__ import annotations

import os
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from deeplens.adapters.export_store import ExportStore
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.domain.errors import TransientError
from deeplens.settings import S3Settings

MIB = 1024 * 1024
PART = 5 * MIB  # the smallest part S3 accepts


class Stopped(Exception):
    pass


def _still_open(client: Any, bucket: str, key: str, upload_id: str | None) -> bool:
    """Whether the multipart upload is still open. LocalStack lists open uploads as S3 does;
    s3rver implements no ListMultipartUploads (and takes parts for any upload id), so there only
    the absent key can be checked (the tests do)."""
    assert upload_id is not None
    try:
        listed = client.list_multipart_uploads(Bucket=bucket, Prefix=key)
    except ClientError as error:
        assert error.response["Error"]["Code"] == "NotImplemented", error.response
        return False
    return any(upload["UploadId"] == upload_id for upload in listed.get("Uploads", []))


def _fail_on(client: Any, operation: str) -> None:
    """The next `operation` calls of `client` fail before they reach the server (a dropped link)."""

    def refuse(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url=f"{operation} cut off")

    client.meta.events.register(f"before-call.s3.{operation}", refuse)


def test_a_stream_larger_than_a_part_arrives_whole_in_parts(
    s3_settings: S3Settings, object_store: ObjectStore, prefix: str
) -> None:
    client = make_s3_client(s3_settings)
    parts: list[int] = []
    client.meta.events.register("before-call.s3.UploadPart", lambda params, **_: parts.append(1))
    store = ExportStore(client, s3_settings.minio_bucket)
    body = os.urandom(2 * PART + 123)
    key = f"{prefix}exports/big.zip"
    with store.stream(key, part_size=PART) as target:
        for start in range(0, len(body), 64 * 1024):
            target.write(body[start : start + 64 * 1024])
    assert target.written == len(body) and len(parts) == 3
    assert object_store.get(key) == body
    assert object_store.content_type(key) == "application/zip"
    assert not _still_open(client, s3_settings.minio_bucket, key, target.upload_id)


def test_a_small_stream_is_one_object(
    s3_settings: S3Settings, object_store: ObjectStore, prefix: str
) -> None:
    store = ExportStore(make_s3_client(s3_settings), s3_settings.minio_bucket)
    key = f"{prefix}exports/small.zip"
    with store.stream(key, part_size=PART) as target:
        target.write(b"PK\x05\x06" + bytes(18))
    assert object_store.get(key) == b"PK\x05\x06" + bytes(18)


def test_a_stream_that_fails_after_a_part_leaves_nothing(
    s3_settings: S3Settings, object_store: ObjectStore, prefix: str
) -> None:
    client = make_s3_client(s3_settings)
    store = ExportStore(client, s3_settings.minio_bucket)
    key = f"{prefix}exports/failed.zip"
    with pytest.raises(Stopped), store.stream(key, part_size=PART) as target:
        target.write(os.urandom(PART + 10))  # one part is in the bucket's pending upload
        raise Stopped
    assert not object_store.exists(key)
    assert not _still_open(client, s3_settings.minio_bucket, key, target.upload_id)


def test_a_stream_whose_completion_fails_leaves_nothing(
    s3_settings: S3Settings, object_store: ObjectStore, prefix: str
) -> None:
    client = make_s3_client(s3_settings)
    _fail_on(client, "CompleteMultipartUpload")
    store = ExportStore(client, s3_settings.minio_bucket)
    key = f"{prefix}exports/incomplete.zip"
    stopped = pytest.raises(TransientError, match=r"incomplete\.zip")
    with stopped, store.stream(key, part_size=PART) as target:
        target.write(os.urandom(PART + PART // 2))
    assert not object_store.exists(key)
    assert not _still_open(make_s3_client(s3_settings), s3_settings.minio_bucket, key, target.upload_id)
