"""What a browser opens: the demo page at `/`, the `<lingosum-summary>` web component at
`/widget/lingosum-summary.js`, the demo's own files under `/demo/`, and the API docs at `/docs`
and `/redoc`, whose scripts come from the `fastapi-offline` package rather than a CDN, so that
they work on a network without internet. None needs a key: they hold no data, and the demo
page asks the API with the credential its user gives. Their Content-Security-Policy lets them
load nothing from elsewhere."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
_POLICY = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
_HEADERS = {"Content-Security-Policy": _POLICY, "X-Content-Type-Options": "nosniff"}
# The docs pages start their scripts inline, and ReDoc runs its search in a blob worker.
_DOCS_HEADERS = {
    **_HEADERS,
    "Content-Security-Policy": f"{_POLICY}; script-src 'self' 'unsafe-inline'; worker-src blob:",
}

router = APIRouter(include_in_schema=False)


@router.get("/")
async def demo() -> FileResponse:
    return FileResponse(STATIC / "demo" / "index.html", headers=_HEADERS)


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="lingosum - Swagger UI",
        swagger_js_url="/docs-assets/swagger-ui-bundle.js",
        swagger_css_url="/docs-assets/swagger-ui.css",
        swagger_favicon_url="/docs-assets/favicon.png",
    )
    page.headers.update(_DOCS_HEADERS)
    return page


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    page = get_redoc_html(
        openapi_url="/openapi.json",
        title="lingosum - ReDoc",
        redoc_js_url="/docs-assets/redoc.standalone.js",
        redoc_favicon_url="/docs-assets/favicon.png",
        with_google_fonts=False,
    )
    page.headers.update(_DOCS_HEADERS)
    return page


def add_pages(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/widget", StaticFiles(directory=STATIC / "widget"), name="widget")
    app.mount("/demo", StaticFiles(directory=STATIC / "demo"), name="demo")
    app.mount("/docs-assets", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
