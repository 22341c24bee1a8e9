"""Finished exports in the bucket: a zip streamed into the bucket as it is written (a multipart
upload fed part by part: flat memory and no local disk whatever its size), or a local zip uploaded
in parts; then handed out through a presigned link that downloads it under its own name.

Nothing half-written ever shows under the final key: S3 makes a multipart object visible only when
the upload is completed, and a failed stream aborts its upload (the bucket's lifecycle rule removes
whatever an abort could not reach)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError

from deeplens.adapters.upload_store import MultipartUpload
from deeplens.domain.errors import TransientError
from deeplens.domain.media import content_disposition

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PART_SIZE = 8 * 1024 * 1024  # S3 wants >= 5 MiB for every part but the last; 10,000 parts = 78 GiB
ZIP_TYPE = "application/zip"


class StreamedObject:
    """A write-only, unseekable stream into one object (zipfile writes data descriptors then). At
    most one part is held in memory; `tell` is the number of bytes written."""

    def __init__(self, client: S3Client, bucket: str, key: str, part_size: int = PART_SIZE) -> None:
        self._client, self.bucket, self.key = client, bucket, key
        self._part_size = part_size
        self._buffer = bytearray()
        self._upload: MultipartUpload | None = None
        self.written = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._buffer += data
        self.written += len(data)
        while len(self._buffer) >= self._part_size:
            self._send(bytes(self._buffer[: self._part_size]))
            del self._buffer[: self._part_size]
        return len(data)

    @property
    def upload_id(self) -> str | None:
        """The multipart upload's id once the first part went out."""
        return None if self._upload is None else self._upload.upload_id

    def tell(self) -> int:
        return self.written

    def seek(self, *_: object) -> int:
        raise io.UnsupportedOperation("a streamed object cannot seek")

    def seekable(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        return None

    def close(self) -> None:
        """Nothing: `finish` or `abort` ends the upload (zipfile never closes a stream it was given)."""
        return None

    def _send(self, part: bytes) -> None:
        if self._upload is None:
            with _translated(self.key):
                reply = self._client.create_multipart_upload(
                    Bucket=self.bucket, Key=self.key, ContentType=ZIP_TYPE
                )
            self._upload = MultipartUpload(self._client, self.bucket, self.key, reply["UploadId"])
        self._upload.part(part)

    def finish(self) -> None:
        """The object made visible: the last part and the completion (or one PutObject when the
        whole stream was smaller than a part)."""
        if self._upload is None:
            with _translated(self.key):
                self._client.put_object(
                    Bucket=self.bucket, Key=self.key, Body=bytes(self._buffer), ContentType=ZIP_TYPE
                )
        else:
            if self._buffer:
                self._upload.part(bytes(self._buffer))
            self._upload.complete()
        self._buffer.clear()

    def abort(self) -> None:
        """The parts sent so far dropped; nothing appears under the key."""
        if self._upload is not None:
            self._upload.abort()
        self._buffer.clear()


class ExportStore:
    """Exports under `exports/` of one bucket (the media bucket: no other bucket to provision)."""

    def __init__(self, client: S3Client, bucket: str, presigner: S3Client | None = None) -> None:
        self._client = client
        self._presigner = presigner or client
        self.bucket = bucket

    @contextlib.contextmanager
    def stream(self, key: str, part_size: int = PART_SIZE) -> Iterator[StreamedObject]:
        """A stream into `key`, completed when the block ends normally, aborted when it raises."""
        target = StreamedObject(self._client, self.bucket, key, part_size)
        try:
            yield target
            target.finish()
        except BaseException:
            target.abort()
            raise

    def upload(self, path: Path, key: str) -> None:
        """The file at `path` as `key`, in 8 MiB parts, two at a time."""
        config = TransferConfig(
            multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE, max_concurrency=2
        )
        try:
            self._client.upload_file(
                str(path), self.bucket, key, ExtraArgs={"ContentType": ZIP_TYPE}, Config=config
            )
        except (ClientError, BotoCoreError, S3UploadFailedError) as error:
            raise TransientError(f"S3 upload of {key} failed: {error}") from error

    def presign(self, key: str, download_as: str, expires_s: int) -> str:
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentType": ZIP_TYPE,
            "ResponseContentDisposition": content_disposition("attachment", download_as),
        }
        return self._presigner.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_s)


class _translated:
    def __init__(self, key: str) -> None:
        self.key = key

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _: object) -> None:
        if isinstance(error, ClientError | BotoCoreError):
            raise TransientError(f"S3 upload of {self.key} failed: {error}") from error
