"""The OpenAPI description, completed with what the models cannot say: this server's size limits,
the key it wants, the links from a new job to its other operations, and the one error shape for
every refused body (FastAPI would describe its own `{"detail": [...]}`, which is never sent)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from ..settings import Settings
from .errors import native_error, shape_of
from .schemas import ERROR_CODES

_LINKED = {  # POST /v1/jobs -> the operations on the job it made
    "GetJob": ("/v1/jobs/{job_id}", "get"),
    "GetJobResults": ("/v1/jobs/{job_id}/results", "get"),
    "CancelJob": ("/v1/jobs/{job_id}/cancel", "post"),
    "DeleteJob": ("/v1/jobs/{job_id}", "delete"),
}


def describe(app: FastAPI, settings: Settings) -> None:
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            _limits(schema["components"]["schemas"], settings)
            _errors(schema)
            _links(schema)
            if settings.auth != "off":
                _security(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _limits(models: dict[str, Any], settings: Settings) -> None:
    for name in ("SummarizeRequest", "DetectRequest"):
        models[name]["properties"]["text"]["maxLength"] = settings.max_text_chars
    most_items = {"BatchRequest": settings.batch_max_items, "JobRequest": settings.job_max_items}
    for name, most in most_items.items():
        items = models[name]["properties"]["items"]
        items["maxItems"] = most
        items["items"]["anyOf"][0]["properties"]["text"]["maxLength"] = settings.max_text_chars
    models["JobRequest"]["properties"]["feed"]["maxLength"] = settings.request_max_chars


def _errors(schema: dict[str, Any]) -> None:
    """A request FastAPI refuses is answered 422 in the one error shape (400 in their own on
    the compatible paths, which list it): say so."""
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            refused = operation["responses"].get("422")
            if refused is None or "HTTPValidationError" not in str(refused):
                continue
            if shape_of(path) is not native_error:
                del operation["responses"]["422"]
            else:
                refused.update(
                    description=ERROR_CODES[422],
                    content={
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
                    },
                )
    models = schema["components"]["schemas"]
    models.pop("HTTPValidationError", None)
    models.pop("ValidationError", None)


def _links(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    paths["/v1/jobs"]["post"]["responses"]["202"]["links"] = {
        name: {
            "operationId": paths[path][method]["operationId"],
            "parameters": {"job_id": "$response.body#/id"},
        }
        for name, (path, method) in _LINKED.items()
    }
    paths["/v1/summarize"]["post"]["responses"]["200"]["links"] = {
        "GetDocument": {
            "operationId": paths["/v1/documents/{external_id}"]["get"]["operationId"],
            "parameters": {"external_id": "$request.body#/external_id"},
            "description": "The story's summaries, kept when the request named its external_id.",
        }
    }


def _security(schema: dict[str, Any]) -> None:
    """Every operation that may answer 401 wants a key (or browser token) as a Bearer token."""
    schema["components"]["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key (`lingosum keys create`) or a browser token.",
        }
    }
    for operations in schema["paths"].values():
        for operation in operations.values():
            if "401" in operation["responses"]:
                operation["security"] = [{"bearer": []}]
