"""Typed dependencies the routes ask for."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..errors import LingosumError
from ..jobs.manager import JobManager
from ..pipeline.runner import EngineRunner
from ..settings import Settings


def _runner(request: Request) -> EngineRunner:
    runner: EngineRunner = request.app.state.runner
    return runner


def _jobs(request: Request) -> JobManager:
    jobs: JobManager = request.app.state.jobs
    return jobs


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


RunnerDep = Annotated[EngineRunner, Depends(_runner)]
SettingsDep = Annotated[Settings, Depends(_settings)]
JobsDep = Annotated[JobManager, Depends(_jobs)]


def enforce_text_limit(text: str, settings: Settings) -> None:
    """413 for text over the configured size, before any model sees it."""
    if len(text) > settings.max_text_chars:
        raise LingosumError(
            "text_too_large",
            f"The text has {len(text)} characters; the limit is {settings.max_text_chars}.",
            status=413,
        )
