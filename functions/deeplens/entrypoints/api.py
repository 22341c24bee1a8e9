"""Lambda handler of the API (API Gateway HTTP API, payload v2).

Importing this module does the importing (FastAPI, psycopg, redis, boto3: most of a cold start) and
loads the S3 models (bootstrap.preload), nothing else, so a SnapStart snapshot (template.yaml) holds
it; the settings, the pool and the clients are built on the first invocation, after a restore, and
reused after. Mangum's lifespan is off (it would run on every invocation)."""

from __future__ import annotations

from functools import cache
from typing import Any

from mangum import Mangum

from deeplens.bootstrap import api_deps, preload
from deeplens.entrypoints.http.app import create_app
from deeplens.entrypoints.http.client_address import CloudFrontClient
from deeplens.services.api import ApiDeps

preload()


def make_handler(deps: ApiDeps) -> Mangum:
    """The app, its client address taken from CloudFront (http.client_address), under Mangum."""
    secret = deps.settings.origin_verify_secret
    app = CloudFrontClient(create_app(deps), secret.get_secret_value() if secret else None)
    return Mangum(app, lifespan="off", api_gateway_base_path="/")


@cache
def _handler() -> Mangum:
    return make_handler(api_deps())


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = _handler()(event, context)
    return response
