"""One JSON error shape, `{"error": {"code", "message"}}`, for every failure the API returns;
the OpenAI- and Ollama-compatible paths answer in their own protocol's shape instead."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..errors import LingosumError
from .ollama_schemas import ollama_error
from .openai_schemas import openai_error

log = logging.getLogger(__name__)

# (status, code, message, the request field at fault) -> body
Shape = Callable[[int, str, str, str | None], dict[str, Any]]


def native_error(status: int, code: str, message: str, param: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


_SHAPES: tuple[tuple[str, Shape], ...] = (
    ("/v1/chat/", openai_error),
    ("/v1/models", openai_error),
    ("/api/", ollama_error),
)


def shape_of(path: str) -> Shape:
    return next((shape for prefix, shape in _SHAPES if path.startswith(prefix)), native_error)


def error_response(
    status: int,
    code: str,
    message: str,
    retry_after: int | None = None,
    headers: dict[str, str] | None = None,
    *,
    path: str = "",
    param: str | None = None,
) -> JSONResponse:
    headers = dict(headers or {})
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    body = shape_of(path)(status, code, message, param)
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LingosumError)
    async def _lingosum(request: Request, error: LingosumError) -> JSONResponse:
        return error_response(
            error.status,
            error.code,
            error.message,
            error.retry_after,
            error.headers,
            path=request.url.path,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        path = request.url.path
        problems = error.errors()
        if any(p.get("type") == "json_invalid" for p in problems):
            return error_response(
                400, "invalid_json", "The request body is not valid JSON.", path=path
            )
        described = "; ".join(describe_problem(p) for p in problems)
        status = 422 if shape_of(path) is native_error else 400  # what OpenAI and Ollama send
        return error_response(
            status,
            "invalid_request",
            described or "The request is invalid.",
            path=path,
            param=_location(problems[0]) if problems else None,
        )

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        path = request.url.path
        if error.status_code == 400:  # Starlette could not read the body as JSON
            return error_response(
                400, "invalid_json", "The request body is not valid JSON.", path=path
            )
        headers = dict(error.headers or {})
        if error.status_code == 405:  # RFC 9110: say which methods the path has
            headers["Allow"] = allowed_methods(request, headers.get("Allow", ""))
        code = HTTPStatus(error.status_code).phrase.lower().replace(" ", "_")
        return error_response(
            error.status_code, code, str(error.detail), headers=headers, path=path
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(
            500,
            "internal_error",
            "Internal error; the server logged the details.",
            path=request.url.path,
        )


def allowed_methods(request: Request, named: str) -> str:
    """The methods of every operation on the request's path, from the OpenAPI description
    (FastAPI's 405 names only the first route's); `named` for paths it does not describe."""
    path = request.url.path
    methods = set(filter(None, (m.strip() for m in named.split(","))))
    for template, operations in request.app.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            methods.update(method.upper() for method in operations)
    return ", ".join(sorted(methods))


def describe_problem(problem: dict[str, Any]) -> str:
    message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{_location(problem) or 'body'}: {message}"


def _location(problem: dict[str, Any]) -> str:
    return ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
