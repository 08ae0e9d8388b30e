"""Start the offline BigQuery emulator as a server process for tests, and stop it by its PID.

The emulator runs in its own process (nba_features_tests._bqemulator_server) and its own process
group, bound to 127.0.0.1 on a port the OS picks. `running_emulator()` waits until the REST API
answers, yields where it is, and at the end sends SIGTERM to that process group (the group id is the
server's PID, so only the server and its children are signalled), then SIGKILL if it has not exited.
Its log is kept in a temporary file and shown in the error when it fails to start.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROJECT = "nba-features-test"
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class EmulatorEndpoint:
    api_endpoint: str  # http://127.0.0.1:PORT, for ClientOptions(api_endpoint=...)
    project: str
    pid: int


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, SIGKILL it if it has not exited in time."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
    # Children left behind by a server that exited on its own are still in its group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def running_emulator(project: str = PROJECT) -> Iterator[EmulatorEndpoint]:
    with tempfile.TemporaryDirectory(prefix="bqemulator-") as workdir:
        port_file = Path(workdir) / "rest_port"
        log_path = Path(workdir) / "server.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "nba_features_tests._bqemulator_server",
                    "--port-file",
                    str(port_file),
                    "--project",
                    project,
                ],
                cwd=workdir,  # no .bqemu.toml of the caller's working directory is read
                env={
                    **os.environ,
                    "PYTHONPATH": os.pathsep.join(
                        filter(None, [str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")])
                    ),
                },
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            url = _wait_until_serving(process, port_file, log_path)
            yield EmulatorEndpoint(api_endpoint=url, project=project, pid=process.pid)
        finally:
            _stop(process)


def _wait_until_serving(process: subprocess.Popen[bytes], port_file: Path, log_path: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the BigQuery emulator exited with code {process.returncode}:\n{log_path.read_text()[-4000:]}")
        if port_file.exists():
            url = f"http://127.0.0.1:{int(port_file.read_text())}"
            if _answers(url):
                return url
        time.sleep(0.1)
    raise RuntimeError(
        f"the BigQuery emulator did not answer within {START_TIMEOUT_SECONDS:.0f}s:\n{log_path.read_text()[-4000:]}"
    )
