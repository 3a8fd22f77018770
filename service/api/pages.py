"""What a browser opens: the demo page at `/`, the `<lingosum-summary>` web component at
`/widget/lingosum-summary.js`, and the demo's own files under `/demo/`. None needs a key: they
hold no data, and the demo page asks the API with the credential its user gives."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
_DEMO_POLICY = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

router = APIRouter(include_in_schema=False)


@router.get("/")
async def demo() -> FileResponse:
    return FileResponse(
        STATIC / "demo" / "index.html",
        headers={"Content-Security-Policy": _DEMO_POLICY, "X-Content-Type-Options": "nosniff"},
    )


def add_pages(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/widget", StaticFiles(directory=STATIC / "widget"), name="widget")
    app.mount("/demo", StaticFiles(directory=STATIC / "demo"), name="demo")
