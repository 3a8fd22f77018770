"""The OpenAPI contract, fuzzed: schemathesis runs every phase (examples, coverage, fuzzing,
stateful) and every check against the app's own /openapi.json, on a real server with the fake
engine and an admin key. No 5xx; every answer, errors included, is the one the schema documents.

Its settings (seed, examples per operation, what counts as a refusal) are in schemathesis.toml
beside this file. The failures it found are kept as plain tests in test_contract_regressions.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from schemathesis.cli import schemathesis as schemathesis_cli

import tests.api.contract_checks  # noqa: F401  (registers its check with schemathesis)
from service.settings import Settings
from tests.api.live import live_server
from tests.api.support import create_key, scripted
from tests.fakes import FakeBackend

CONFIG = Path(__file__).with_name("schemathesis.toml")
PHASES = "examples,coverage,fuzzing,stateful"


@pytest.mark.timeout(300)
def test_the_api_keeps_its_openapi_contract(
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "LINGOSUM_CONTRACT_KEY", create_key(settings.data_dir, capsys, "fuzzer", "--admin")
    )
    report = tmp_path / "report.json"
    with live_server(settings, FakeBackend(scripted)) as url:
        run = CliRunner().invoke(
            schemathesis_cli,
            [
                "--config-file",
                str(CONFIG),
                "run",
                f"{url}/openapi.json",
                "--phases",
                PHASES,
                "--checks",
                "all",
                "--report",
                "json",
                "--report-json-path",
                str(report),
                "--no-color",
            ],
        )
    assert run.exit_code == 0, run.output
    print(figures(json.loads(report.read_text()), run.output))


def figures(report: dict[str, Any], output: str) -> str:
    """Cases per phase from schemathesis's JSON report; the stateful phase's scenarios and the
    links they followed from its output."""
    per_phase: dict[str, int] = {}
    for phases in report["valid_rates"].values():
        for phase, counts in phases.items():
            per_phase[phase] = per_phase.get(phase, 0) + sum(counts.values())
    cases = report["test_cases"]
    stateful = re.search(r"Scenarios:\s+(\d+).*?API Links:\s+([^\n]+)", output, re.S)
    return (
        f"schemathesis: {cases['generated']} cases, {cases['unique_failures']} failures; "
        + ", ".join(f"{phase} {count}" for phase, count in sorted(per_phase.items()))
        + (f"; stateful {stateful[1]} scenarios, links {stateful[2]}" if stateful else "")
    )
