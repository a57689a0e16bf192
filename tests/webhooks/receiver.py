"""A real HTTP receiver on 127.0.0.1 for webhook tests: records each POST, answers as told."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict
    body: bytes


class Receiver:
    """`plan` holds the next answers: an HTTP status, or ("sleep", seconds) to time the sender out."""

    def __init__(self):
        self.received: list[Received] = []
        self.plan: list = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer.lock:
                    action = outer.plan.pop(0) if outer.plan else 204
                    outer.received.append(Received(dict(self.headers.items()), body))
                if isinstance(action, tuple):
                    time.sleep(action[1])
                    action = 204
                self.send_response(action)
                answer = f"trả lời {action}".encode()
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
