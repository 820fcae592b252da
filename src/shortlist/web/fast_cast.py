"""The API's cast route served without the framework's per-request machinery.

``PUT`` (or ``POST``) ``/api/v1/member/rounds/{category}/{round}/ballot`` is the one route a
whole electorate calls in the last hour of a round. FastAPI's routing, dependency solving and
response rendering cost a worker more than the cast itself, so this middleware answers that
route directly: it reads the body, checks it with the route's own model (:class:`BallotIn`),
hands the cast to the worker's :mod:`cast desk <shortlist.web.cast_desk>` and writes the answer
the route would (:class:`ReceiptOut`, or the error in the app's one shape).

It takes only what it can answer exactly as the route does: a request with a bearer token and a
JSON body the model accepts. Anything else (no token, another content type, a body the model
refuses) is passed on, unchanged and with its body, to the app, whose route answers it. The
route stays declared in the app: it documents the endpoint in the OpenAPI schema and answers
what is passed on. The security headers and the body limit wrap this middleware as they wrap
the app (:func:`shortlist.web.app.create_app`).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shortlist.errors import ShortlistError
from shortlist.web.api.ballots import BallotIn, ReceiptOut, marks_of
from shortlist.web.cast_desk import Order, desk_of
from shortlist.web.errors import ApiError, from_domain

CAST = re.compile(r"/api/v1/member/rounds/([^/]+)/([^/]+)/ballot")


class FastCast:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = None
        if scope["type"] == "http" and scope["method"] in ("PUT", "POST"):
            found = CAST.fullmatch(scope["path"])
        token = _json_bearer(scope) if found is not None else None
        if found is None or token is None:
            await self.app(scope, receive, send)
            return
        raw, ended = await _body(receive)
        if ended:
            return  # the client went away (or the body limit answered already)
        try:
            body = BallotIn.model_validate_json(raw)
        except ValidationError:  # the route answers it, in its words
            await self.app(scope, _replay(raw, receive), send)
            return
        order = Order(token, found[1], found[2], functools.partial(marks_of, body))
        try:
            done = await desk_of(scope["app"].state).cast(order)
        except ApiError as error:
            await _answer(send, error.status, error.body(), error.headers)
            return
        except ShortlistError as refused:
            translated = from_domain(refused)
            await _answer(send, translated.status, translated.body(), translated.headers)
            return
        receipt = done.receipt
        out = ReceiptOut(
            round=receipt.round, tracker=receipt.tracker, revision=receipt.revision, at=receipt.at,
            mailed=done.mailed,
        )  # fmt: skip
        await _answer(send, 200, out.model_dump(mode="json"), {})


def _json_bearer(scope: Scope) -> str | None:
    """The bearer token of a request whose body is declared as JSON, else None."""
    token = None
    json_body = False
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, given = value.decode("latin-1").partition(" ")
            token = given.strip() or None if scheme.lower() == "bearer" else None
        elif name == b"content-type":
            json_body = value.split(b";", 1)[0].strip() == b"application/json"
    return token if json_body else None


async def _body(receive: Receive) -> tuple[bytes, bool]:
    """The whole body, and whether the client went away before it ended."""
    parts = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"", True
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts), False


def _replay(raw: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body already read, then whatever comes next."""
    sent = False

    async def replaying() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": raw, "more_body": False}

    return replaying


async def _answer(send: Send, status: int, content: Any, headers: dict[str, str]) -> None:
    """A JSON answer, rendered as the app's JSONResponse renders one."""
    body = json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-length", str(len(body)).encode()),
                (b"content-type", b"application/json"),
                *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
