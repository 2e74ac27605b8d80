"""A local HTTP stand-in of the Slack Web API (Slack itself cannot be reached from here)."""

import json
import time
from http.server import BaseHTTPRequestHandler
from typing import ClassVar
from urllib.parse import parse_qs


class SlackStandIn(BaseHTTPRequestHandler):
    """Answers every Web API method with ok, and records what it received; until `down_until` (a
    `time.monotonic()` value) it answers 500 instead, as Slack does in an outage, and counts it in `refused`.
    `outage_s` set instead starts such an outage at the next request, for that many seconds, however long the
    platform takes to send one."""

    received: ClassVar[list[dict]] = []
    refused: ClassVar[int] = 0
    down_until: ClassVar[float] = 0.0
    outage_s: ClassVar[float] = 0.0

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        if SlackStandIn.outage_s:
            SlackStandIn.down_until, SlackStandIn.outage_s = time.monotonic() + SlackStandIn.outage_s, 0.0
        if time.monotonic() < SlackStandIn.down_until:
            SlackStandIn.refused += 1
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        is_json = self.headers.get("Content-Type", "").startswith("application/json")
        payload = json.loads(body) if is_json else {k: v[0] for k, v in parse_qs(body).items()}
        SlackStandIn.received.append({"path": self.path, "auth": self.headers.get("Authorization"), **payload})
        answer = json.dumps({"ok": True, "channel": "C123", "ts": "1.0"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass
