"""The upload cap is enforced while the body streams in: the server answers long before the client
has sent the whole file, and nothing of it is kept."""

import json
import select
import socket
import time
from urllib.parse import urlsplit

from recoworld_app.models import Draft
from recoworld_app.services.tokens import token_create
from tests.app.conftest import media_files

CAP = 256 * 1024
CHUNK = 16 * 1024


def _open(live_server) -> socket.socket:
    url = urlsplit(live_server.url)
    return socket.create_connection((url.hostname, url.port), timeout=30)


def _headers(token: str, content_length: int, boundary: str) -> bytes:
    return (
        "POST /api/drafts HTTP/1.1\r\nHost: localhost\r\n"
        f"Authorization: Bearer {token}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {content_length}\r\nConnection: close\r\n\r\n"
    ).encode()


def _read_response(sock: socket.socket) -> tuple[int, dict]:
    data = b""
    while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + _length(data):
        part = sock.recv(65536)
        if not part:
            break
        data += part
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body[: _length(data)] or b"{}")


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n")[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def test_an_upload_over_the_cap_is_cut_off_while_it_streams(live_server, settings, alice, media_root):
    settings.UPLOAD_MAX_BYTES = CAP
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 * 1024  # so the declared length alone cannot tell
    token = token_create(owner=alice, name="stream")[1]
    boundary = "stream-boundary-91"
    prologue = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBig\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    epilogue = f"\r\n--{boundary}--\r\n".encode()
    file_size = 32 * 1024 * 1024  # under the cap plus the form allowance: only streaming can catch it
    total = len(prologue) + file_size + len(epilogue)

    sock = _open(live_server)
    sock.sendall(_headers(token, total, boundary) + prologue)
    sent = 0
    answered = False
    while sent < file_size:
        if select.select([sock], [], [], 0)[0]:
            answered = True
            break
        try:
            sock.sendall(b"\0" * CHUNK)
        except (BrokenPipeError, ConnectionResetError):
            answered = True
            break
        sent += CHUNK
        time.sleep(0.002)  # a steady client, so that "sent" measures what the server had read
    assert answered, "the server waited for the whole file"
    status, body = _read_response(sock)
    sock.close()
    assert status == 413 and "larger than the 256.0\xa0KB limit" in body["detail"]
    # The server said no after reading about the cap; the slack allows for a slow, busy test machine.
    assert sent < file_size // 4, f"the client had to send {sent:,} bytes before the server said no"
    assert not Draft.objects.exists() and media_files(media_root) == []


def test_a_declared_body_far_over_the_cap_is_refused_before_it_is_read(live_server, settings, alice):
    settings.UPLOAD_MAX_BYTES = CAP
    token = token_create(owner=alice, name="declared")[1]
    sock = _open(live_server)
    sock.sendall(_headers(token, 10 * 1024**3, "b"))  # claims 10 GB and sends none of it
    status, body = _read_response(sock)
    sock.close()
    assert status == 413 and "larger than the" in body["detail"]
    assert not Draft.objects.exists()


def test_the_upload_page_refuses_a_declared_body_far_over_the_cap(alice_client, settings):
    settings.UPLOAD_MAX_BYTES = CAP
    response = alice_client.generic(
        "POST",
        "/drafts/new/",
        b"--b\r\n",
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(10 * 1024**3),
    )
    assert response.status_code == 400 and "larger than the 256.0\xa0KB limit" in response.content.decode()
    assert not Draft.objects.exists()
