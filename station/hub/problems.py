"""RFC 7807 problem answers named after the EPCIS exceptions of the REST binding.

Every refusal of the hub is a `Problem`: raised anywhere in a request, turned into an
``application/problem+json`` body by the app. ``type`` is the binding's compact name
(``epcisException:ValidationException``), ``title`` a fixed short phrase, ``detail`` the
one line a person reads; hub-specific members use the ``st:`` prefix. Details never carry
a token, and text taken from a request goes through `printable` before it is echoed.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from station.domain.printable import printable

PROBLEM_MEDIA_TYPE = "application/problem+json"

# The exception names of the binding and the status each one answers with here.
TITLES = {
    "ValidationException": "The request is not valid EPCIS",
    "QueryParameterException": "A query parameter is invalid",
    "CaptureLimitExceededException": "The capture is over the announced limit",
    "ResourceAlreadyExistsException": "The resource already exists",
    "NoSuchResourceException": "No such resource",
    "SecurityException": "Not allowed",
    "UnsupportedMediaTypeException": "Unsupported media type",
    "NotAcceptableException": "Not acceptable",
    "MethodNotAllowedException": "Method not allowed",
    "ImplementationException": "The hub failed to handle the request",
}


class Problem(Exception):
    """A refusal: the EPCIS exception name, the HTTP status and a one-line detail."""

    def __init__(
        self,
        exception: str,
        status: int,
        detail: str,
        *,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.exception = exception
        self.status = status
        self.detail = printable(detail, limit=1000)
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The RFC 7807 body."""
        body: dict[str, Any] = {
            "type": f"epcisException:{self.exception}",
            "title": TITLES.get(self.exception, self.exception),
            "status": self.status,
            "detail": self.detail,
        }
        body.update(self.extra)
        return body

    def response(self) -> Response:
        """The HTTP answer."""
        return Response(
            json.dumps(self.body(), ensure_ascii=True),
            status_code=self.status,
            media_type=PROBLEM_MEDIA_TYPE,
            headers=self.headers,
        )


def validation(detail: str, **extra: Any) -> Problem:
    """400 ValidationException."""
    return Problem("ValidationException", 400, detail, extra=extra)


def query_parameter(detail: str) -> Problem:
    """400 QueryParameterException."""
    return Problem("QueryParameterException", 400, detail)


def not_found(detail: str) -> Problem:
    """404 NoSuchResourceException."""
    return Problem("NoSuchResourceException", 404, detail)


def unauthorized(detail: str) -> Problem:
    """401 SecurityException, with the challenge a client expects."""
    return Problem("SecurityException", 401, detail, headers={"WWW-Authenticate": "Bearer"})


def forbidden(detail: str) -> Problem:
    """403 SecurityException: the token is valid but may not do this."""
    return Problem("SecurityException", 403, detail)


def too_large(detail: str) -> Problem:
    """413 CaptureLimitExceededException."""
    return Problem("CaptureLimitExceededException", 413, detail)


def conflict(
    detail: str, exception: str = "ResourceAlreadyExistsException", **extra: Any
) -> Problem:
    """409: an existing resource, or (with ValidationException) a refused station chain."""
    return Problem(exception, 409, detail, extra=extra)


def entry(exception: str, detail: str) -> dict[str, Any]:
    """One error of a capture job: a problem body without a status of its own."""
    return {
        "type": f"epcisException:{exception}",
        "title": TITLES.get(exception, exception),
        "detail": printable(detail, limit=1000),
    }
