"""Real LLM servers for the LLM tests: vLLM's OpenAI server on loopback, and a scripted bad one.

The CPU engine is one per test session (simulator.engines.engine_for keeps one per process); the vLLM
server is started only after that engine is released, so two engines never compete for the 2 cores.
"""

import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from simulator.engines import smollm2

CPU_LLM_MISSING = smollm2.missing_reason()
requires_cpu_llm = pytest.mark.skipif(CPU_LLM_MISSING is not None, reason=CPU_LLM_MISSING or "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VllmServer:
    """`python -m vllm.entrypoints.openai.api_server` serving SmolLM2 on loopback."""

    def __init__(self, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout_s: float = 240.0) -> "VllmServer":
        env = dict(os.environ, **smollm2.SERVER_ENV)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                smollm2.server_command(port=self.port), stdout=log, stderr=subprocess.STDOUT, env=env
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"vLLM server exited ({self.proc.returncode}): {self._tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(1.0)
        self.stop()
        raise RuntimeError(f"vLLM server not healthy after {timeout_s:g} s: {self._tail()}")

    def _tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


Reply = tuple[int, Any, float]  # HTTP status, body (dict sent as JSON, str sent as is), delay in seconds


class ScriptedServer:
    """A real HTTP server on loopback answering /v1/chat/completions from a script: bad answers on demand.

    `script(request_body, n)` gets the parsed request and its ordinal (0, 1, ...) and returns a Reply.
    """

    def __init__(self, script: Callable[[dict, int], Reply]):
        self.script = script
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server._lock:
                    n = len(server.requests)
                    server.requests.append(body)
                status, payload, delay = server.script(body, n)
                if delay:
                    time.sleep(delay)
                data = payload if isinstance(payload, str) else json.dumps(payload)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data.encode())))
                    self.end_headers()
                    self.wfile.write(data.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> "ScriptedServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def completion(content: str, prompt_tokens: int = 50, output_tokens: int = 20) -> dict:
    """An OpenAI chat-completion body carrying `content`."""
    return {
        "id": "cmpl-test",
        "object": "chat.completion",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": output_tokens},
    }


def cpu_engine():
    """The session's in-process CPU engine (engine_for keeps one per process, so every test shares it)."""
    from simulator.engines import EngineConfig, engine_for

    return engine_for(EngineConfig.cpu())
