"""A real `lingosum serve` in a subprocess, timed from launch to ready."""

from __future__ import annotations

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
    def start(cls, port: int = 0) -> Server:
        """Starts on `port`, or on a free one when it is 0."""
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

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=60)
