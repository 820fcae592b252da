"""The API's cast route served without the framework's per-request machinery.

``PUT`` (or ``POST``) ``/api/v1/member/rounds/{category}/{round}/ballot`` is the one route a
whole electorate calls in the last hour of a round. FastAPI's routing, dependency solving and
response rendering cost a worker more than the cast itself, so this middleware answers that
route directly: it reads the body, checks it with the route's own model (:class:`BallotIn`),
hands the cast to the worker's :mod:`cast desk <shortlist.web.cast_desk>` and writes the answer
the route would (:class:`ReceiptOut`, or the error in the app's one shape).

It takes only what it can answer exactly as the route does: a request with a bearer token and a
JSON body, declared within the body limit, that the model accepts. Anything else (no token,
another content type, a body the model refuses) is passed on, unchanged and with its body, to
the app, whose route answers it. The route stays declared in the app: it documents the endpoint
in the OpenAPI schema and answers what is passed on. It sits outside the app's middleware stack
(:class:`shortlist.web.app.App`) and gives its answers the same security headers; a test sends
the same requests to the app with and without it and compares the answers.
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
from shortlist.web.errors import ApiError, from_domain, log
from shortlist.web.security import NO_STORE, security_headers
from shortlist.web.settings import WebSettings

CAST = re.compile(r"/api/v1/member/rounds/([^/]+)/([^/]+)/ballot")


class FastCast:
    """Outermost, around the app's whole middleware stack (see :func:`create_app`): what it
    answers carries the headers :class:`~shortlist.web.security.SecurityHeaders` gives, and it
    takes only bodies declared within the body limit (others go on to
    :class:`~shortlist.web.security.BodyLimit`)."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.headers = [*security_headers(settings), NO_STORE]
        self.max_body = settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = token = None
        if scope["type"] == "http" and scope["method"] in ("PUT", "POST"):
            found = CAST.fullmatch(scope["path"])
        if found is not None:
            token = _json_bearer(scope, self.max_body)
        if found is None or token is None:
            await self.app(scope, receive, send)
            return
        raw, ended = await _body(receive)
        if ended:
            return  # the client went away
        try:
            body = BallotIn.model_validate_json(raw)
        except ValidationError:  # the route answers it, in its words
            await self.app(scope, _replay(raw, receive), send)
            return
        order = Order(token, found[1], found[2], functools.partial(marks_of, body))
        try:
            status, content, headers = await _cast(scope, order)
        except Exception:  # as SecurityHeaders answers what escapes the app
            log.exception("unexpected error on %s %s", scope["method"], scope["path"])
            error = ApiError(500, "internal_error", "something went wrong on our side")
            status, content, headers = 500, error.body(), {}
        await _answer(send, status, content, headers, self.headers)


async def _cast(scope: Scope, order: Order) -> tuple[int, Any, dict[str, str]]:
    """The cast's answer: status, JSON content and extra headers."""
    try:
        done = await desk_of(scope["app"].state).cast(order)
    except ApiError as error:
        return error.status, error.body(), error.headers
    except ShortlistError as refused:
        translated = from_domain(refused)
        return translated.status, translated.body(), translated.headers
    receipt = done.receipt
    out = ReceiptOut(
        round=receipt.round, tracker=receipt.tracker, revision=receipt.revision, at=receipt.at,
        mailed=done.mailed,
    )  # fmt: skip
    return 200, out.model_dump(mode="json"), {}


def _json_bearer(scope: Scope, max_body: int) -> str | None:
    """The bearer token of a request whose body is declared as JSON of at most ``max_body``
    bytes, else None."""
    token = None
    json_body = within = False
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, given = value.decode("latin-1").partition(" ")
            token = given.strip() or None if scheme.lower() == "bearer" else None
        elif name == b"content-type":
            json_body = value.split(b";", 1)[0].strip() == b"application/json"
        elif name == b"content-length":
            within = value.isdigit() and int(value) <= max_body
    return token if json_body and within else None


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


async def _answer(
    send: Send,
    status: int,
    content: Any,
    headers: dict[str, str],
    secure: list[tuple[bytes, bytes]],
) -> None:
    """A JSON answer, rendered as the app's JSONResponse renders one, with the ``secure``
    headers after the answer's own."""
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
                *secure,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
