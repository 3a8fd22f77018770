"""One JSON error shape, `{"error": {"code", "message"}}`, for every failure the API returns."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..errors import LingosumError

log = logging.getLogger(__name__)


def error_response(
    status: int,
    code: str,
    message: str,
    retry_after: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    headers = dict(headers or {})
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LingosumError)
    async def _lingosum(_: Request, error: LingosumError) -> JSONResponse:
        return error_response(
            error.status, error.code, error.message, error.retry_after, error.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = error.errors()
        if any(p.get("type") == "json_invalid" for p in problems):
            return error_response(400, "invalid_json", "The request body is not valid JSON.")
        described = "; ".join(describe_problem(p) for p in problems)
        return error_response(422, "invalid_request", described or "The request is invalid.")

    @app.exception_handler(HTTPException)
    async def _http(_: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 400:  # Starlette could not read the body as JSON
            return error_response(400, "invalid_json", "The request body is not valid JSON.")
        code = HTTPStatus(error.status_code).phrase.lower().replace(" ", "_")
        return error_response(error.status_code, code, str(error.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", "Internal error; the server logged the details.")


def describe_problem(problem: dict[str, Any]) -> str:
    location = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
    message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{location or 'body'}: {message}"
