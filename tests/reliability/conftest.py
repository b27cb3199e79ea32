"""Fixtures for the reliability tests: the creator app's clients and a private MEDIA_ROOT per test."""

import http.server
import threading

import pytest

from tests.app.conftest import (  # noqa: F401
    alice_api,
    anon_api,
    audience,
    bob_api,
    bob_client,
    image_draft,
    media_root,
    video_draft,
)


@pytest.fixture
def upload_temp_dir(settings, tmp_path):
    """Where Django spools large uploads, so a test can prove none is left behind."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    return tmp_path / "upload-tmp"


@pytest.fixture
def canary():
    """A loopback HTTP server that records every request: a hostile file must never reach it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    server.hits = hits
    yield server
    server.shutdown()
    server.server_close()
