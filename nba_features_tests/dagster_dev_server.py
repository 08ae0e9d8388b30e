"""`dagster dev` for end-to-end tests: started on 127.0.0.1 with a private instance, queried through the
webserver's GraphQL, and stopped with every process it started (a backgrounded `dagster dev` may ignore
SIGINT/SIGTERM, so the whole process tree is stopped by group and by pid)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 90
LOCATIONS = """
{ workspaceOrError { __typename ... on Workspace { locationEntries { name loadStatus
    locationOrLoadError { __typename ... on PythonError { message } } } } } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str, variables: dict | None = None, timeout: float = 60) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = json.loads(response.read())
    assert not body.get("errors"), body["errors"]
    return body["data"]


def wait_until(condition, timeout: float, what: str, interval: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _proc_stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, process group) of a live process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return int(fields[1]), int(fields[2])


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid in _all_pids():
        stat = _proc_stat(pid)
        if stat:
            children.setdefault(stat[0], []).append(pid)
    found, stack = set(), [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """Pids still running (zombies awaiting their parent count as stopped)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            continue
        if state != "Z":
            running.add(pid)
    return running


def stop_process_tree(process: subprocess.Popen) -> None:
    """SIGTERM the session's process group, then SIGKILL what is left, by group and by pid."""
    started = descendants(process.pid) | {process.pid}
    group = os.getpgid(process.pid)
    try:
        os.killpg(group, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass
    started |= descendants(process.pid)
    if alive(started) or any(_proc_stat(p) and _proc_stat(p)[1] == group for p in _all_pids()):
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for pid in alive(started):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    if process.poll() is None:
        process.wait(timeout=10)
    wait_until(lambda: not alive(started), 15, "every started process to exit", interval=0.2)


@dataclass(frozen=True)
class DagsterDev:
    port: int
    location: str
    env: dict[str, str]
    bin_dir: Path
    log: Path

    def graphql(self, query: str, variables: dict | None = None, timeout: float = 60) -> dict:
        return graphql(self.port, query, variables, timeout)

    def cli(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """`nba-features ...` against the same instance and warehouse."""
        return subprocess.run(
            [str(self.bin_dir / "nba-features"), *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )


@contextlib.contextmanager
def dagster_dev(home: Path, warehouse: Path, log: Path, extra_env: dict[str, str] | None = None) -> Iterator[DagsterDev]:
    """`dagster dev` on a free loopback port with DAGSTER_HOME=`home`, serving this project's workspace."""
    port = free_port()
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "NBA_FEATURES_WAREHOUSE": str(warehouse),
        "DAGSTER_DISABLE_TELEMETRY": "yes",
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        **(extra_env or {}),
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(bin_dir / "dagster"), "dev", "-w", str(ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:

            def server_up():
                assert process.poll() is None, log.read_text()[-3000:]
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5) as response:
                        return response.status == 200
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    return False

            wait_until(server_up, STARTUP_SECONDS, "the webserver")

            def location_loaded():
                entries = graphql(port, LOCATIONS)["workspaceOrError"]["locationEntries"]
                errors = [e["locationOrLoadError"] for e in entries if e["locationOrLoadError"]["__typename"] == "PythonError"]
                assert not errors, errors
                return entries and all(e["loadStatus"] == "LOADED" for e in entries)

            wait_until(location_loaded, STARTUP_SECONDS, "the code location")
            location = graphql(port, LOCATIONS)["workspaceOrError"]["locationEntries"][0]["name"]
            yield DagsterDev(port, location, env, bin_dir, log)
        finally:
            stop_process_tree(process)
