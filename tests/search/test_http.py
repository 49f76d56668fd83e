"""The search requests' own connection to Elasticsearch (marketplace/search/http.py).

Against the real node: a search, a missing index. Against a scripted socket server on
loopback: what a real cluster or a proxy in front of it does now and then and the node
cannot be made to do on demand (close an idle keep-alive connection, hang, answer HTML).
"""

from __future__ import annotations

import base64
import os
import socket
import threading
from collections.abc import Callable, Iterator

import orjson
import pytest

from marketplace.search.http import SearchHTTP
from marketplace.search.interfaces import SearchUnavailable

ES_URL = os.environ.get("ELASTICSEARCH_URL", "")

HITS = orjson.dumps({"hits": {"total": {"value": 0}, "hits": []}})

Handler = Callable[["ScriptedServer", socket.socket], None]


class ScriptedServer:
    """Accepts connections on loopback; `handler(server, conn)` plays each one."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.requests: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _addr = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self.handler, args=(self, conn), daemon=True).start()

    def read_request(self, conn: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _sep, body = data.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(body) < length:
            body += conn.recv(65536)
        request = head + b"\r\n\r\n" + body  # the whole request, however TCP split it
        self.requests.append(request)
        return request

    def close(self) -> None:
        self.listener.close()


def answer(conn: socket.socket, status: str, body: bytes, content_type: str) -> None:
    conn.sendall(
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


def answer_once(server: ScriptedServer, conn: socket.socket) -> None:
    """One answer, then the server closes the connection (keep-alive was not refused)."""
    with conn:
        server.read_request(conn)
        answer(conn, "200 OK", HITS, "application/json")


def keep_alive(server: ScriptedServer, conn: socket.socket) -> None:
    with conn:
        while server.read_request(conn):
            answer(conn, "200 OK", HITS, "application/json")


@pytest.fixture
def scripted() -> Iterator[Callable[[Handler], ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def start(handler: Handler) -> ScriptedServer:
        servers.append(ScriptedServer(handler))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def connect() -> Iterator[Callable[..., SearchHTTP]]:
    opened: list[SearchHTTP] = []

    def open_(url: str, timeout: float = 5) -> SearchHTTP:
        opened.append(SearchHTTP(url, timeout))
        return opened[-1]

    yield open_
    for http in opened:
        http.close()


def test_a_search_on_the_real_node_and_a_missing_index(connect):
    http = connect(ES_URL)
    status, body = http.post("/_search", {"size": 0, "track_total_hits": True})
    assert status == 200 and "total" in body["hits"]
    status, body = http.post(f"/no-such-index-{os.getpid()}/_search", {"size": 0})
    assert status == 404 and body["error"]["type"] == "index_not_found_exception"


def test_a_connection_closed_while_idle_is_replaced_and_the_search_sent_again(scripted, connect):
    server = scripted(answer_once)  # as after an idle timeout, or a restart
    http = connect(f"http://127.0.0.1:{server.port}", 5)
    assert http.post("/a/_search", {"size": 0})[0] == 200
    assert http.post("/a/_search", {"size": 0})[0] == 200  # stale connection, then a new one
    assert server.connections == 2 and len(server.requests) == 2


def test_a_fresh_connection_that_fails_is_not_retried(scripted, connect):
    def hang_up(server: ScriptedServer, conn: socket.socket) -> None:
        with conn:
            server.read_request(conn)

    server = scripted(hang_up)
    http = connect(f"http://127.0.0.1:{server.port}", 5)
    with pytest.raises(SearchUnavailable, match="closed the connection"):
        http.post("/a/_search", {"size": 0})
    assert server.connections == 1


def test_a_node_that_does_not_answer_in_time_is_unavailable(scripted, connect):
    release = threading.Event()

    def silent(server: ScriptedServer, conn: socket.socket) -> None:
        with conn:
            server.read_request(conn)
            release.wait(10)

    server = scripted(silent)
    http = connect(f"http://127.0.0.1:{server.port}", 0.3)
    try:
        with pytest.raises(SearchUnavailable, match="unreachable"):
            http.post("/a/_search", {"size": 0})
    finally:
        release.set()


def test_a_proxy_error_page_is_unavailable_not_a_crash(scripted, connect):
    def bad_gateway(server: ScriptedServer, conn: socket.socket) -> None:
        with conn:
            server.read_request(conn)
            answer(conn, "502 Bad Gateway", b"<html>Bad Gateway</html>", "text/html")

    server = scripted(bad_gateway)
    http = connect(f"http://127.0.0.1:{server.port}", 5)
    with pytest.raises(SearchUnavailable, match="502"):
        http.post("/a/_search", {"size": 0})


def test_url_credentials_go_as_basic_auth_and_the_request_is_one_json_post(scripted, connect):
    server = scripted(answer_once)
    http = connect(f"http://search%40app:p%3Ass@127.0.0.1:{server.port}/es/", 5)
    http.post("/secretaries/_search", {"query": {"match_all": {}}, "q": "médicale"})
    head, _sep, body = server.requests[0].partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /es/secretaries/_search HTTP/1.1"
    expected = base64.b64encode(b"search@app:p:ss")
    assert b"Authorization: Basic " + expected in lines
    assert b"Content-Type: application/json" in lines
    assert orjson.loads(body) == {"query": {"match_all": {}}, "q": "médicale"}


def test_each_process_opens_its_own_connection(scripted, connect, monkeypatch: pytest.MonkeyPatch):
    server = scripted(keep_alive)
    http = connect(f"http://127.0.0.1:{server.port}", 5)
    http.post("/a/_search", {})
    http.post("/a/_search", {})
    assert server.connections == 1  # kept alive
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as in a forked gunicorn worker
    http.post("/a/_search", {})
    assert server.connections == 2


def test_close_ends_the_connections_of_every_thread(scripted, connect):
    server = scripted(keep_alive)
    http = connect(f"http://127.0.0.1:{server.port}", 5)
    http.post("/a/_search", {})
    other = threading.Thread(target=http.post, args=("/a/_search", {}))
    other.start()
    other.join()
    assert server.connections == 2
    connections = list(http._opened)
    sockets = [c.sock for c in connections]
    assert len(connections) == 2 and all(s is not None for s in sockets)
    http.close()
    assert all(c.sock is None for c in connections)
    assert all(s is not None and s.fileno() == -1 for s in sockets)
    http.post("/a/_search", {})  # usable again: a new connection, closed at the next close()
    assert server.connections == 3 and len(http._opened) == 1
