"""Passing WSGI and ASGI requests to ``handle_callback`` and sending its answer back.

WSGI::

    def app(environ, start_response):
        request, body = vipps.web.wsgi_callback_request(environ)
        answer = client.handle_callback(request, body)
        ...  # update the order from answer["event"] when it is verified
        return vipps.web.wsgi_response(answer["response"], start_response)

ASGI::

    request, body = await vipps.web.asgi_callback_request(scope, receive)
    answer = await async_client.handle_callback(request, body)
    await vipps.web.send_asgi_response(send, answer["response"])

``handle_wsgi(client, environ)`` and ``await handle_asgi(async_client, scope, receive)`` do the
first two steps in one call.

Signatures cover the path and query as sent, so the URL is rebuilt from the least decoded
form the server offers (``REQUEST_URI``/``RAW_URI`` in WSGI, ``raw_path`` in ASGI). At most
``MAX_BODY + 1`` bytes are read: anything longer is refused (413) unread by the library.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, Iterable, List, Mapping, MutableMapping, Optional, Tuple, Union
from urllib.parse import quote

from ._lib import MAX_BODY
from .types import CallbackAnswer, CallbackRequest, HttpResponse

if TYPE_CHECKING:
    from .client import AsyncClient, Client

Headers = Dict[str, Union[str, List[str]]]

_READ_LIMIT = MAX_BODY + 1


def _add_header(headers: Headers, name: str, value: str) -> None:
    existing = headers.get(name)
    if existing is None:
        headers[name] = value
    elif isinstance(existing, list):
        existing.append(value)
    else:
        headers[name] = [existing, value]


def _with_options(request: CallbackRequest, options: Mapping[str, Any]) -> CallbackRequest:
    for key, value in options.items():
        if value is not None:
            request[key] = value  # type: ignore[literal-required]
    return request


# -- WSGI ----------------------------------------------------------------------------------


def _wsgi_str(value: str) -> str:
    """WSGI strings are bytes decoded as latin-1 (PEP 3333); recover the UTF-8 text."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def wsgi_url(environ: Mapping[str, Any]) -> str:
    """The path and query of a WSGI request as the client sent them."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw:
        return _wsgi_str(str(raw))
    path = _wsgi_str(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
    url = quote(path, safe="/:@!$&'()*+,;=-._~%") or "/"
    query = environ.get("QUERY_STRING", "")
    return f"{url}?{_wsgi_str(query)}" if query else url


def wsgi_headers(environ: Mapping[str, Any]) -> Headers:
    """The request headers of a WSGI environ (``HTTP_*``, ``CONTENT_TYPE``, ``CONTENT_LENGTH``)."""
    headers: Headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").title()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key.replace("_", "-").title()
        else:
            continue
        if value != "" or key.startswith("HTTP_"):
            _add_header(headers, name, _wsgi_str(str(value)))
    return headers


def wsgi_body(environ: Mapping[str, Any], limit: int = _READ_LIMIT) -> bytes:
    """The raw request body (at most ``limit`` bytes) from ``wsgi.input``."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length_text = environ.get("CONTENT_LENGTH") or ""
    try:
        length = int(length_text)
    except ValueError:
        length = -1
    if length >= 0:
        return stream.read(min(length, limit)) if length else b""
    chunks, total = [], 0  # no Content-Length: read to the end (chunked, or a server that streams)
    while total < limit:
        chunk = stream.read(min(65536, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def wsgi_callback_request(
    environ: Mapping[str, Any],
    *,
    kind: Optional[str] = None,
    expected_token: Optional[str] = None,
    reference: Optional[str] = None,
) -> Tuple[CallbackRequest, bytes]:
    """``(request, body)`` for :meth:`vipps.Client.handle_callback` from a WSGI environ."""
    request: CallbackRequest = {
        "method": environ.get("REQUEST_METHOD", "GET"),
        "url": wsgi_url(environ),
        "headers": wsgi_headers(environ),
    }
    options = {"kind": kind, "expected_token": expected_token, "reference": reference}
    return _with_options(request, options), wsgi_body(environ)


def handle_wsgi(client: "Client", environ: Mapping[str, Any], **options: Optional[str]) -> CallbackAnswer:
    """``client.handle_callback`` for a WSGI environ (options: ``kind``, ``expected_token``,
    ``reference``)."""
    request, body = wsgi_callback_request(environ, **options)
    return client.handle_callback(request, body)


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _response_bytes(response: Mapping[str, Any]) -> Tuple[int, List[Tuple[str, str]], bytes]:
    status = int(response.get("status", 200))
    body = response.get("body")
    data = b"" if body is None else body.encode("utf-8") if isinstance(body, str) else bytes(body)
    headers = [(str(k), str(v)) for k, v in (response.get("headers") or {}).items()]
    if not any(k.lower() == "content-length" for k, _ in headers):
        headers.append(("Content-Length", str(len(data))))
    return status, headers, data


def wsgi_response(response: HttpResponse, start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Starts the WSGI response described by an answer's ``response`` and returns its body."""
    status, headers, data = _response_bytes(response)
    start_response(_status_line(status), headers)
    return [data]


# -- ASGI ----------------------------------------------------------------------------------

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def asgi_url(scope: Mapping[str, Any]) -> str:
    """The path and query of an ASGI HTTP scope as sent."""
    raw = scope.get("raw_path")
    if raw:
        path = bytes(raw).decode("utf-8", "replace")
    else:
        path = quote(scope.get("root_path", "") + scope.get("path", "/"), safe="/:@!$&'()*+,;=-._~%")
    query = bytes(scope.get("query_string") or b"").decode("utf-8", "replace")
    return f"{path}?{query}" if query else path


def asgi_headers(scope: Mapping[str, Any]) -> Headers:
    headers: Headers = {}
    for name, value in scope.get("headers") or []:
        _add_header(headers, bytes(name).decode("latin-1"), bytes(value).decode("utf-8", "replace"))
    return headers


async def asgi_body(receive: Receive, limit: int = _READ_LIMIT) -> bytes:
    """Reads the request body from ``receive`` (at most ``limit`` bytes are kept; the rest is
    drained)."""
    chunks, total = [], 0
    while True:
        message = await receive()
        if message.get("type") == "http.disconnect":
            break
        chunk = message.get("body", b"")
        if total < limit and chunk:
            chunks.append(chunk[: limit - total])
            total += len(chunks[-1])
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def asgi_request(
    scope: Mapping[str, Any],
    body: bytes,
    *,
    kind: Optional[str] = None,
    expected_token: Optional[str] = None,
    reference: Optional[str] = None,
) -> Tuple[CallbackRequest, bytes]:
    """``(request, body)`` for ``handle_callback`` from an ASGI scope and an already read body."""
    request: CallbackRequest = {
        "method": scope.get("method", "GET"),
        "url": asgi_url(scope),
        "headers": asgi_headers(scope),
    }
    options = {"kind": kind, "expected_token": expected_token, "reference": reference}
    return _with_options(request, options), bytes(body)


async def asgi_callback_request(
    scope: Mapping[str, Any], receive: Receive, **options: Optional[str]
) -> Tuple[CallbackRequest, bytes]:
    """Reads the body from ``receive`` and builds ``(request, body)`` (see :func:`asgi_request`)."""
    body = await asgi_body(receive)
    return asgi_request(scope, body, **options)


async def handle_asgi(
    client: "AsyncClient", scope: Mapping[str, Any], receive: Receive, **options: Optional[str]
) -> CallbackAnswer:
    """Reads the body and awaits ``client.handle_callback`` for an ASGI request."""
    request, body = await asgi_callback_request(scope, receive, **options)
    answer: CallbackAnswer = await client.handle_callback(request, body)
    return answer


async def send_asgi_response(send: Send, response: HttpResponse) -> None:
    """Sends an answer's ``response`` through ASGI ``send``."""
    status, headers, data = _response_bytes(response)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        }
    )
    await send({"type": "http.response.body", "body": data})
