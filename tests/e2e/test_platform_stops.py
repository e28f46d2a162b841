"""The local platform always stops (issue 25): a first SIGINT/SIGTERM within a bounded time even when the
last save fails (said in French, non-zero exit), a second signal at once; and it dies with the process that
started it, so an interrupted test run or a closed terminal leaves no platform behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.e2e.platform import ROOT, RunningPlatform, free_port
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLATFORM = PlatformSpec(started=False)
STOP_WITHIN = 10  # infra/local/devserver.py STOP_WITHIN_SECONDS


def gone(pid: int) -> bool:
    """No such process, or only its zombie (nobody may reap it in a container)."""
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in state


def test_a_stop_whose_last_save_fails_still_ends_in_time_says_so_in_french_and_exits_non_zero(platform):
    platform.start()
    shutil.rmtree(platform.data_dir, ignore_errors=True)
    platform.data_dir.write_text("not a folder: every save fails")  # the data folder is gone
    assert platform.process is not None
    platform.process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    code = platform.process.wait(timeout=STOP_WITHIN + 5)
    assert time.monotonic() - started < STOP_WITHIN + 1
    assert code == 1, platform.log()
    log = platform.log()
    assert "Plateforme arrêtée, avec des erreurs" in log and "échec de la sauvegarde des données" in log
    assert "Traceback" not in log


def test_a_second_signal_stops_at_once(platform):
    platform.start()
    assert platform.process is not None
    platform.process.send_signal(signal.SIGINT)
    platform.process.send_signal(signal.SIGINT)
    code = platform.process.wait(timeout=STOP_WITHIN)
    assert code in (0, 130), platform.log()  # the first stop may already have finished
    if code == 130:
        assert "Second signal : arrêt immédiat" in platform.log()


def test_a_platform_dies_with_the_process_that_started_it(tmp_path):
    """What an interrupted pytest run or a closed terminal does to the platform it started."""
    port, moto_port = free_port(), free_port()
    parent_code = textwrap.dedent(
        f"""
        import subprocess, sys
        child = subprocess.Popen(
            [sys.executable, "-m", "infra.local.devserver", "--port", "{port}", "--moto-port", "{moto_port}",
             "--data-dir", {str(tmp_path / "data")!r}],
            cwd={str(ROOT)!r}, stdout=open({str(tmp_path / "platform.log")!r}, "w"), stderr=subprocess.STDOUT,
        )
        print(child.pid, flush=True)
        child.wait()
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True, env=env)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        probe = RunningPlatform(tmp_path / "data")
        probe.port = port
        deadline = time.monotonic() + 60
        while "Ctrl-C pour arrêter" not in (tmp_path / "platform.log").read_text():
            assert time.monotonic() < deadline, (tmp_path / "platform.log").read_text()
            assert not gone(child), (tmp_path / "platform.log").read_text()
            time.sleep(0.2)
        assert probe.get("/health")[0] == 200

        parent.kill()  # SIGKILL: the parent has no chance to stop its child
        parent.wait()
        deadline = time.monotonic() + STOP_WITHIN + 5
        while not gone(child):
            assert time.monotonic() < deadline, "the platform outlived its parent"
            time.sleep(0.2)
        assert "Plateforme arrêtée" in (tmp_path / "platform.log").read_text()
    finally:
        if not gone(child):
            os.kill(child, signal.SIGKILL)


def test_a_start_on_the_port_of_a_running_platform_says_so(platform, tmp_path):
    platform.start()
    second = RunningPlatform(tmp_path / "second")
    second.port = platform.port
    with pytest.raises(AssertionError, match="exited early"):
        second.start()
    assert f"Une plateforme locale tourne déjà sur le port {platform.port}" in second.log()
    assert platform.stop() == 0


def _platforms_under(folder: Path) -> list[int]:
    """The local platforms running on data folders under ``folder`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "infra.local.devserver" in command and str(folder) in command and not gone(int(entry.name)):
            found.append(int(entry.name))
    return found


def test_an_interrupted_test_run_leaves_no_platform_behind(tmp_path):
    """Ctrl-C on a pytest run whose e2e fixture started a platform: no platform process remains."""
    basetemp = tmp_path / "inner"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    inner = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--basetemp={basetemp}",
            "tests/e2e/test_local_platform.py::test_platform_serves_health_frontend_and_runs_the_escalation",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while not (
            _platforms_under(basetemp)
            and any("Ctrl-C pour arrêter" in log.read_text() for log in basetemp.rglob("platform-*.log"))
        ):
            assert time.monotonic() < deadline, "the inner run never had its platform ready"
            assert inner.poll() is None, "the inner run ended before its platform was ready"
            time.sleep(0.2)
        inner.send_signal(signal.SIGINT)  # what Ctrl-C sends to the test run
        inner.wait(timeout=60)
        deadline = time.monotonic() + STOP_WITHIN + 5
        while remaining := _platforms_under(basetemp):
            assert time.monotonic() < deadline, f"platforms left behind: {remaining}"
            time.sleep(0.2)
    finally:
        if inner.poll() is None:
            inner.kill()
        for pid in _platforms_under(basetemp):
            os.kill(pid, signal.SIGKILL)
