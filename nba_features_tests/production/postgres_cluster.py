"""A private PostgreSQL server for the production-instance tests: Debian's PostgreSQL (15 on these machines)
initialised in a temporary directory, listening on a free loopback port (and a socket in that directory,
never the system's), with password authentication, and stopped by the PID of its postmaster.

PostgreSQL refuses to run as root: when the tests run as root (CI does) the server's commands run as the
`postgres` user that the Debian package creates, in a directory handed to that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nba_features_tests.dagster_dev_server import free_port, wait_until

SUPERUSER = "nba_features"
INSTALL_HINT = (
    "PostgreSQL's server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin or on PATH: "
    "install Debian's package with `apt-get install -y postgresql` (.ci/run does it when they are missing)"
)


class PostgresMissing(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def server_bin_dir() -> Path:
    """The newest Debian PostgreSQL's bin directory (initdb is not on PATH there), else initdb's on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresMissing(INSTALL_HINT)


@dataclass(frozen=True)
class PostgresCluster:
    host: str
    port: int
    user: str
    password: str
    directory: Path
    pid: int

    def env(self, database: str) -> dict[str, str]:
        """The DAGSTER_PG_* variables deploy/dagster.production.yaml reads, for `database`."""
        return {
            "DAGSTER_PG_HOST": self.host,
            "DAGSTER_PG_PORT": str(self.port),
            "DAGSTER_PG_USER": self.user,
            "DAGSTER_PG_PASSWORD": self.password,
            "DAGSTER_PG_DB": database,
        }

    def create_database(self, name: str) -> str:
        import psycopg2

        connection = psycopg2.connect(host=self.host, port=self.port, user=self.user, password=self.password, dbname="postgres")
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return name


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _server_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@contextlib.contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    """initdb + pg_ctl start in a new temporary directory; the postmaster is stopped by its PID on exit."""
    bin_dir = server_bin_dir()
    directory = Path(tempfile.mkdtemp(prefix="nba_features_pg_"))
    data, password_file, log = directory / "data", directory / "password", directory / "server.log"
    password = os.urandom(12).hex()
    password_file.write_text(password)
    if os.geteuid() == 0:
        server_user = pwd.getpwnam("postgres")
        os.chown(directory, server_user.pw_uid, server_user.pw_gid)
        os.chown(password_file, server_user.pw_uid, server_user.pw_gid)
    pid = None
    try:
        subprocess.run(
            _as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, f"--pwfile={password_file}",
                             "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--no-sync"]),
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        port = free_port()
        options = f"-k {directory} -p {port} -h 127.0.0.1 -c fsync=off"
        started = subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"]),
            capture_output=True, text=True,
        )  # fmt: skip
        pid_file = data / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
        assert started.returncode == 0, started.stdout + started.stderr + (log.read_text() if log.exists() else "")
        yield PostgresCluster("127.0.0.1", port, SUPERUSER, password, directory, pid)
    finally:
        if pid is not None and _server_alive(pid):
            os.kill(pid, signal.SIGINT)  # "fast" shutdown: open sessions are ended, the data stays consistent
            try:
                wait_until(lambda: not _server_alive(pid), 30, "the PostgreSQL server to stop", interval=0.2)
            except AssertionError:
                os.kill(pid, signal.SIGKILL)
                time.sleep(0.5)
        shutil.rmtree(directory, ignore_errors=True)
