"""Servers under test: started as child processes on 127.0.0.1, watched through /proc, stopped by
their own process id (never by name)."""

import http.client
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    log: Path

    def children(self) -> list[int]:
        """The worker processes: children of the server's master process."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) != self.process.pid:
                continue
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"resource_tracker" not in command:  # multiprocessing's helper, not a worker
                found.append(int(entry.name))
        return sorted(found)

    def peak_rss_mb(self) -> list[float]:
        """Peak resident memory (VmHWM) of each worker, in MB."""
        peaks = []
        for pid in self.children():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return peaks

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def get(
    port: int, path: str, headers: dict | None = None, timeout: float = 30
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def status_of(port: int, path: str, headers: dict | None = None, timeout: float = 30) -> int:
    """The status of a GET without reading its body (a stream's never ends)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        return conn.getresponse().status
    finally:
        conn.close()


def start(
    name: str,
    command: list[str],
    *,
    env: dict,
    port: int,
    ready_path: str,
    log: Path,
    cwd=None,
    workers: int = 2,
) -> Server:
    """Start a server and wait until `ready_path` answers (any HTTP status below 500) and its
    `workers` are up (one worker serves in the server's own process)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    out = open(log, "wb")  # noqa: SIM115 - the child keeps writing to it until stopped
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = Server(name, process, port, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited early; see {log}:\n{log.read_text()[-2000:]}")
        try:
            status, _body = get(port, ready_path, timeout=5)
            if status < 500 and (workers < 2 or len(server.children()) >= workers):
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{name} did not answer on port {port} within 90 s; see {log}")
