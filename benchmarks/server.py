"""A real `lingosum serve` in a subprocess, timed from launch to ready."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

_READY_TIMEOUT_S = 300


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    client: httpx.Client
    ready_after_s: float

    @classmethod
    def start(cls, port: int = 0, checkout: Path | None = None) -> Server:
        """Starts on `port`, or on a free one when it is 0; from another `checkout` of lingosum
        (its own `service` package) where one is given."""
        if not port:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        started = time.perf_counter()
        data_dir = tempfile.mkdtemp(prefix="lingosum-bench-")  # no job store of the user's
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "service.cli",
                "serve",
                "--port",
                str(port),
                "--data-dir",
                data_dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=checkout,
            env={**os.environ, "PYTHONPATH": str(checkout)} if checkout else None,
        )
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=900)
        while time.perf_counter() - started < _READY_TIMEOUT_S:
            if process.poll() is not None:
                raise RuntimeError(f"lingosum serve exited with {process.returncode}")
            try:
                if client.get("/readyz").status_code == 200:
                    return cls(process, client, round(time.perf_counter() - started, 2))
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        process.kill()
        raise RuntimeError("lingosum serve did not get ready")

    def peak_rss_mb(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) // 1024

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=60)
