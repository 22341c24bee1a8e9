"""Finished exports in the bucket: a local zip uploaded in parts (flat memory whatever its size),
then handed out through a presigned link that downloads it under its own name."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError

from deeplens.domain.errors import TransientError
from deeplens.domain.media import content_disposition

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PART_SIZE = 8 * 1024 * 1024
ZIP_TYPE = "application/zip"


class ExportStore:
    """Exports under `exports/` of one bucket (the media bucket: no other bucket to provision)."""

    def __init__(self, client: S3Client, bucket: str, presigner: S3Client | None = None) -> None:
        self._client = client
        self._presigner = presigner or client
        self.bucket = bucket

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
