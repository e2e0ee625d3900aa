"""ASGI middleware around the whole app: security headers on every response, and a limit on
the size of request bodies."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Scripts and styles come from this origin only: no inline script can run, whatever a stored
# text holds. htmx is configured (a meta tag) not to need eval or inline styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every HTTP response, and makes a redirect to this server
    (Starlette's to the path without its trailing slash) a path: an absolute one would name
    whatever host the request's Host header claimed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        own = f"{scope['scheme']}://{Headers(scope=scope).get('host', '')}/"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if headers.get("location", "").startswith(own):
                    headers["location"] = headers["location"][len(own) - 1 :]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a request body over ``max_bytes`` with 413: at once when its Content-Length says
    so, else as soon as the bytes received pass the limit (a chunked body declares no length),
    so that no request can make the server hold more than that."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self) -> str:
        return (
            f"the request body is larger than {self.max_bytes} bytes, the most this server "
            "reads; send less (importArticles takes at most 100 articles a call)"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            response = PlainTextResponse(self._message(), status_code=413)
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised where the app reads its body: Starlette answers it as a 413.
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, limited_receive, send)
