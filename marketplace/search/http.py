"""The search requests' own HTTP connection to Elasticsearch: the read path, kept lean.

Indexing, reindexing, aliases and health go through the official `elasticsearch` client.
The two requests a visitor waits for (`matches` and `search/secretaries`, and the missions'
search) send one `POST /<alias>/_search` each, and there the client's layers cost as much as
a third of Elasticsearch's own time for the common small query (measured in
bench/search/README.md: about 0.35 ms of transport bookkeeping, plus headers and body
written in two TCP segments). This connection does only that request: one keep-alive
HTTP/1.1 connection per thread (and per process: gunicorn forks), the request written in
one segment, the answer decoded with orjson.

A connection that the server closed while idle is replaced and the request sent again, once
(a search changes nothing, so sending it twice is harmless); any other failure, or a
timeout, is a `SearchUnavailable` for the caller, as with the client.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import socket
import threading
from typing import Any
from urllib.parse import unquote, urlsplit

import orjson

from marketplace.search.interfaces import SearchUnavailable

# A connection closed by the server while it sat idle in our pool shows up as one of these
# on its next use; a fresh connection that fails the same way is a real failure.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class SearchHTTP:
    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 9200
        self.base_path = parts.path.rstrip("/")
        self.timeout = timeout
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if parts.username is not None:
            credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
        self.headers = headers
        self._local = threading.local()
        # Every connection opened, whatever the thread, so that close() can end them all.
        self._opened: list[http.client.HTTPConnection] = []
        self._opened_lock = threading.Lock()

    def _connection(self) -> http.client.HTTPConnection:
        local = self._local
        conn: http.client.HTTPConnection | None = getattr(local, "conn", None)
        if conn is None or local.pid != os.getpid():
            if conn is not None:  # inherited through a fork: the parent's, not ours to use
                conn.close()
            cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            conn = cls(self.host, self.port, timeout=self.timeout)
            local.conn, local.pid = conn, os.getpid()
        return conn

    def _open(self, conn: http.client.HTTPConnection) -> None:
        with self._opened_lock:
            if conn not in self._opened:
                self._opened.append(conn)
        conn.connect()
        if conn.sock is not None:  # a small request and its answer: no Nagle delay
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        """POST the body (JSON) to `path`; the status and the decoded answer."""
        status, data = self.post_bytes(path, orjson.dumps(body))
        try:
            return status, orjson.loads(data) if data else None
        except orjson.JSONDecodeError as exc:
            raise SearchUnavailable(
                f"Elasticsearch answered {status} with a body that is not JSON"
            ) from exc

    def post_bytes(self, path: str, payload: bytes) -> tuple[int, bytes]:
        """POST JSON already encoded; the status and the answer's bytes."""
        for attempt in (1, 2):
            conn = self._connection()
            reused = conn.sock is not None
            try:
                if not reused:
                    self._open(conn)
                # http.client writes headers and a bytes body in one send.
                conn.request("POST", self.base_path + path, body=payload, headers=self.headers)
                response = conn.getresponse()
                data = response.read()
            except _STALE as exc:
                conn.close()
                if reused and attempt == 1:
                    continue
                raise SearchUnavailable(f"Elasticsearch closed the connection: {exc!r}") from exc
            except (OSError, http.client.HTTPException) as exc:  # refused, timeout, garbage
                conn.close()
                raise SearchUnavailable(f"Elasticsearch unreachable: {exc!r}") from exc
            if response.will_close:
                conn.close()
            return response.status, data
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close every connection of this object, in all threads (at shutdown, in tests)."""
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()

    def __del__(self) -> None:  # a discarded backend leaves no socket open behind it
        with contextlib.suppress(Exception):  # interpreter shutdown: nothing left to tidy
            self.close()
