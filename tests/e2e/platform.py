"""Start the real local platform (the same entry point as ``make run``) as a subprocess on free ports."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _PortTaken(AssertionError):
    """The platform could not bind the port chosen for it."""


class RunningPlatform:
    def __init__(self, data_dir: Path, time_scale: float = 1e6, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.extra_env = env or {}
        self.time_scale = time_scale
        self.port = free_port()
        self.moto_port = free_port()
        self.process: subprocess.Popen[str] | None = None
        self._served = False  # started once: its address is known to the test
        self.log_path = data_dir.parent / f"platform-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def aws_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    def start(self, ready_within: float = 60) -> float:
        """Start and wait until ready (seconds taken). A first start whose port another process took since
        :func:`free_port` chose it (another test worker's platform, an outgoing connection) tries new ports,
        at most three times; a restart keeps its ports (the tests reuse the address)."""
        for _ in range(2):
            try:
                return self._start(ready_within)
            except _PortTaken:
                if self._served:
                    raise
                self.port, self.moto_port = free_port(), free_port()
        return self._start(ready_within)

    def _start(self, ready_within: float) -> float:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")} | self.extra_env
        command = [
            sys.executable,
            "-m",
            "infra.local.devserver",
            "--port",
            str(self.port),
            "--moto-port",
            str(self.moto_port),
            "--data-dir",
            str(self.data_dir),
            "--time-scale",
            str(self.time_scale),
        ]
        log = self.log_path.open("a")
        started = time.monotonic()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        while time.monotonic() - started < ready_within:
            if self.process.poll() is not None:
                if not self._served and "Address already in use" in self.log():
                    raise _PortTaken(self.log())
                raise AssertionError(f"the platform exited early:\n{self.log()}")
            try:
                status, _ = self.get("/health")
                # Serving starts before the start-up finishes (redrive, banner): ready once both are done.
                if status == 200 and "Ctrl-C pour arrêter" in self.log():
                    self._served = True
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"/health not green within {ready_within} s:\n{self.log()}")

    def get(self, path: str) -> tuple[int, Any]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                body = response.read()
                status = response.status
                content_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            body, status, content_type = error.read(), error.code, error.headers.get("Content-Type", "")
        return status, json.loads(body) if "json" in content_type else body.decode()

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"the platform did not stop on Ctrl-C:\n{self.log()}") from None

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def aws_client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.aws_endpoint,
            region_name="eu-west-3",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
