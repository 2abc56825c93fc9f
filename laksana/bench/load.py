"""The load generator: N concurrent HTTP/1.1 keep-alive clients against 127.0.0.1, in its own
process (`python -m laksana.bench.load < spec.json`), printing one JSON result line.

It speaks just enough HTTP/1.1 (Content-Length and chunked bodies, keep-alive, reconnect on
close) on raw asyncio streams: on a 2-core machine every microsecond the client spends is taken
from the server it measures, and a full client library costs several times more per request.
It imports nothing from Django for the same reason.

Spec: {"port", "clients", "duration", "warmup", "min_requests", "max_seconds", "requests":
[{"method", "path", "headers", "body"}], "ok": [200]}. Requests are sent round-robin; only those
started after the warm-up count. The measurement lasts `duration` seconds, longer while fewer than
`min_requests` have finished (a slow peer page still gets a fair sample), at most `max_seconds`.
"""

import asyncio
import json
import sys
import time

HOST = "127.0.0.1"  # loopback only: the bench never sends load anywhere else


def percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def encode(request: dict, host_header: str) -> bytes:
    body = request.get("body") or ""
    data = body.encode() if isinstance(body, str) else body
    lines = [f"{request.get('method', 'GET')} {request['path']} HTTP/1.1", f"Host: {host_header}"]
    for name, value in (request.get("headers") or {}).items():
        lines.append(f"{name}: {value}")
    if data or request.get("method", "GET") != "GET":
        lines.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool, float]:
    """Status, body, whether the server keeps the connection open, and when the head came (the
    first byte: a streamed response sends its head with its first chunk)."""
    head = await reader.readuntil(b"\r\n\r\n")
    first = time.perf_counter()
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:
        body = await reader.read()
        return status, body, False, first
    keep = headers.get("connection", "").lower() != "close" and lines[0].startswith("HTTP/1.1")
    return status, body, keep, first


class Run:
    def __init__(self, spec: dict):
        self.spec = spec
        self.port = int(spec["port"])
        self.host_header = spec.get("host_header", HOST)
        self.payloads = [encode(r, self.host_header) for r in spec["requests"]]
        self.ok = set(spec.get("ok", [200]))
        # Time to the response's head instead of its last byte (the streamed exports).
        self.first_byte = bool(spec.get("first_byte"))
        self.next = 0
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.errors: list[str] = []
        self.samples: dict[str, str] = {}

    def running(self) -> bool:
        now = time.perf_counter()
        if now >= self.hard_stop:
            return False
        return now < self.stop_at or len(self.latencies) < self.min_requests

    async def client(self, measure_from: float) -> None:
        reader = writer = None
        while self.running():
            payload = self.payloads[self.next % len(self.payloads)]
            self.next += 1
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, self.port)
                t0 = time.perf_counter()
                writer.write(payload)
                status, body, keep, first = await read_response(reader)
                t1 = first if self.first_byte else time.perf_counter()
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                if len(self.errors) < 20:
                    self.errors.append(repr(exc))
                if writer is not None:
                    writer.close()
                reader = writer = None
                await asyncio.sleep(0.01)
                continue
            if not keep:
                writer.close()
                reader = writer = None
            if t0 >= measure_from and t1 <= self.hard_stop:
                key = str(status)
                self.statuses[key] = self.statuses.get(key, 0) + 1
                if status in self.ok:
                    self.latencies.append(t1 - t0)
                elif key not in self.samples:
                    self.samples[key] = body[:300].decode("utf-8", "replace")
        if writer is not None:
            writer.close()

    async def main(self) -> dict:
        warmup = float(self.spec.get("warmup", 1))
        duration = float(self.spec["duration"])
        measure_from = time.perf_counter() + warmup
        self.stop_at = measure_from + duration
        self.hard_stop = measure_from + max(duration, float(self.spec.get("max_seconds", 60)))
        self.min_requests = int(self.spec.get("min_requests", 0))
        clients = int(self.spec["clients"])
        await asyncio.gather(*(self.client(measure_from) for _i in range(clients)))
        duration = max(duration, min(time.perf_counter(), self.hard_stop) - measure_from)
        values = sorted(self.latencies)
        ms = [v * 1000 for v in values]
        return {
            "clients": clients,
            "duration": duration,
            "ok": len(values),
            "rate": len(values) / duration,
            "p50": percentile(ms, 50),
            "p90": percentile(ms, 90),
            "p99": percentile(ms, 99),
            "max": ms[-1] if ms else None,
            "statuses": self.statuses,
            "errors": self.errors,
            "samples": self.samples,
        }


def main() -> None:
    spec = json.loads(sys.stdin.read())
    result = asyncio.run(Run(spec).main())
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
