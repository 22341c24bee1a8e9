"""Lambda handler of the API (API Gateway HTTP API, payload v2).

Importing this module is cheap: the app and its clients are built on the first invocation of a
cold start and reused after. Mangum's lifespan is off (it would run on every invocation)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mangum import Mangum

    from deeplens.services.api import ApiDeps


def make_handler(deps: ApiDeps) -> Mangum:
    from mangum import Mangum

    from deeplens.entrypoints.http.app import create_app

    return Mangum(create_app(deps), lifespan="off", api_gateway_base_path="/")


@cache
def _handler() -> Mangum:
    from deeplens.bootstrap import api_deps  # heavy imports (FastAPI, psycopg, redis, boto3) happen here

    return make_handler(api_deps())


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = _handler()(event, context)
    return response
