"""Fault injection for tests: an HTTP proxy in front of a real S3 endpoint (moto's server) that misbehaves on cue.

Every request is relayed to the real endpoint unless a fault matches it (method, and a regular expression searched
in the path without its query string). A fault can answer with an S3-style error (500 InternalError, 503 SlowDown),
stall (accept the request and answer nothing until the client's timeout gives up), or cut the connection halfway
through the request body. Each fault fires a given number of times, or until lifted.
"""

from __future__ import annotations

import http.client
import re
import socket
import struct
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

FaultKind = Literal["error", "stall", "cut"]
# Headers that describe one hop only; the proxy sets its own.
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "expect", "proxy-connection"}
_ERROR_MESSAGES = {
    "InternalError": "We encountered an internal error. Please try again.",
    "SlowDown": "Please reduce your request rate.",
    "ServiceUnavailable": "Service is unable to handle request.",
}


@dataclass
class _Fault:
    kind: FaultKind
    method: str
    path: re.Pattern[str]
    remaining: int | None  # None: until lifted
    status: int = 503
    code: str = "SlowDown"
    seconds: float = 0.0


class S3FaultProxy:
    """Relays HTTP to `upstream` ("host:port"); `endpoint` is where clients should connect instead."""

    def __init__(self, upstream: str) -> None:
        self.upstream_host, upstream_port = upstream.rsplit(":", 1)
        self.upstream_port = int(upstream_port)
        self.injected: list[str] = []  # "<kind> <METHOD> <path>" for each fault that fired
        self.requests: list[str] = []  # "<METHOD> <path>" for every request received
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self._released = threading.Event()  # set on stop, so stalled handlers end with the test
        self._server = _ProxyServer(("127.0.0.1", 0), _ProxyHandler)
        self._server.proxy = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="s3-fault-proxy", daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def start(self) -> S3FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer_with_error(
        self, method: str, path: str, *, times: int | None = 1, status: int = 503, code: str = "SlowDown"
    ) -> None:
        """Answer the next `times` matching requests (every one when None) with an S3 error document."""
        self._add(_Fault("error", method, re.compile(path), times, status=status, code=code))

    def stall(self, method: str, path: str, *, times: int | None = 1, seconds: float = 30.0) -> None:
        """Read matching requests whole, then send nothing for `seconds` and drop the connection."""
        self._add(_Fault("stall", method, re.compile(path), times, seconds=seconds))

    def cut_upload(self, method: str, path: str, *, times: int | None = 1) -> None:
        """Reset the connection once half of a matching request's body has arrived."""
        self._add(_Fault("cut", method, re.compile(path), times))

    def lift_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _add(self, fault: _Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _fault_for(self, method: str, path: str) -> _Fault | None:
        """The first fault matching the request, counted as fired."""
        bare_path = path.split("?", 1)[0]
        with self._lock:
            self.requests.append(f"{method} {bare_path}")
            for fault in self._faults:
                if fault.method == method and fault.path.search(bare_path):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining == 0:
                            self._faults.remove(fault)
                    self.injected.append(f"{fault.kind} {method} {bare_path}")
                    return fault
        return None


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    # Clients keep idle connections open; closing the proxy must not wait for them.
    block_on_close = False
    proxy: S3FaultProxy


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as S3 clients expect
    timeout = 30  # an idle kept-alive connection frees its thread eventually
    server: _ProxyServer

    def do_GET(self) -> None:
        self._handle()

    do_HEAD = do_PUT = do_POST = do_DELETE = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _handle(self) -> None:
        proxy = self.server.proxy
        fault = proxy._fault_for(self.command, self.path)
        if fault is not None and fault.kind == "cut":
            self._cut_midway()
            return
        body = self._read_body()
        if fault is None:
            self._relay(body)
        elif fault.kind == "error":
            self._answer_error(fault)
        else:
            proxy._released.wait(fault.seconds)
            self.close_connection = True

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers end with an empty line
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _cut_midway(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length // 2)
        elif self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.rfile.readline()
        # SO_LINGER 0: close with a reset, as a dropped network path or a killed server would.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _answer_error(self, fault: _Fault) -> None:
        message = _ERROR_MESSAGES.get(fault.code, "Injected fault.")
        document = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{fault.code}</Code><Message>{message}</Message>"
            "<RequestId>s3-fault-proxy</RequestId></Error>"
        ).encode()
        self.send_response_only(fault.status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(document) if self.command != "HEAD" else 0))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(document)

    def _relay(self, body: bytes) -> None:
        proxy = self.server.proxy
        headers = {name: value for name, value in self.headers.items() if name.lower() not in _HOP_BY_HOP}
        if body or self.command in ("PUT", "POST"):
            headers["Content-Length"] = str(len(body))
        upstream = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=30)
        try:
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            payload = response.read()
            self.send_response_only(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in _HOP_BY_HOP:
                    self.send_header(name, value)
            # A HEAD answer announces the size of the body it does not send.
            length = response.getheader("Content-Length", "0") if self.command == "HEAD" else str(len(payload))
            self.send_header("Content-Length", length)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
        finally:
            upstream.close()
