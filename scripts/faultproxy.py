#!/usr/bin/env python3
"""Fault-injecting HTTP/1.1 reverse proxy for tests (Python 3 standard library only, loopback only).

Forwards every request to one upstream (an S3 server, the Skylark sandbox) and, with the given
probabilities, injects a fault instead:

  --p-503          answer 503 with an S3 SlowDown XML error and Retry-After: 1 (request not forwarded)
  --p-500          answer 500 with an S3 InternalError XML error (request not forwarded)
  --p-reset        forward part of the request body, then close the client socket with RST
  --p-reset-after  forward the whole request and read the upstream answer, then RST the client
                   instead of answering ("committed but no answer")
  --p-commit-then-drop
                   forward the whole request and read the upstream answer, hold --hold-ms, then RST
                   the client instead of answering (the write is stored; the client learns nothing
                   until well after the server may have acted on it)
  --p-commit-then-500
                   forward the whole request and read the upstream answer, hold --hold-ms, then
                   answer 500 InternalError instead (the write is stored; the client is told it failed)
  --hold-ms        the hold of the commit-then-* faults (default 400)
  --throttle-kbps  forward request bodies at most this fast, per connection, in KiB/s (default 0:
                   unlimited), so uploads take long enough to be interrupted

Faults only hit requests whose method is in --only-methods (default: all). Bodies stream in both
directions in 64 KiB pieces (Content-Length and chunked); nothing is buffered whole.

Control endpoints (never forwarded):
  GET    /_faultproxy/stats   JSON: requests and forwarded counts per "METHOD Operation", faults per kind
  DELETE /_faultproxy/stats   zero the counters
  GET    /_faultproxy/config  current probabilities and method filter
  POST   /_faultproxy/config  JSON object with any of p_503, p_500, p_reset, p_reset_after,
                              p_commit_then_drop, p_commit_then_500, hold_ms, throttle_kbps,
                              only_methods (list or comma string), seed

Faults are counted in the stats under their kind: "503", "500", "reset", "reset_after",
"commit_then_drop", "commit_then_500".

Usage: faultproxy.py --listen-port 0 --upstream http://127.0.0.1:8333 [--seed 1] [--p-503 0.1] ...
With --listen-port 0 a free port is chosen; the first line printed is "listening on 127.0.0.1:PORT".
"""

import argparse
import time
import re
import json
import os
import random
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
from urllib.parse import parse_qsl, urlsplit

CHUNK = 64 * 1024
# Fault kinds in the order their probabilities are stacked for one draw (stats use these names).
FAULT_KINDS = ("503", "500", "reset", "reset_after", "commit_then_drop", "commit_then_500")
# Faults that forward the whole request and read the upstream's answer, then withhold it.
COMMIT_FAULTS = ("reset_after", "commit_then_drop", "commit_then_500")
INTERNAL_ERROR_XML = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code>'
                      b"<Message>We encountered an internal error. Please try again.</Message></Error>")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class ProxyState:
    """Configuration and counters shared by all connections (guarded by one lock)."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.rng = random.Random(args.seed)
        self.p = {"503": args.p_503, "500": args.p_500, "reset": args.p_reset, "reset_after": args.p_reset_after,
                  "commit_then_drop": args.p_commit_then_drop, "commit_then_500": args.p_commit_then_500}
        self.hold_ms = args.hold_ms
        self.throttle_kbps = args.throttle_kbps
        self.only_methods = parse_methods(args.only_methods)
        self.requests = {}
        self.forwarded = {}
        self.faults = {kind: 0 for kind in FAULT_KINDS}
        self.request_seq = 0
        self.auth_log = getattr(args, "auth_log", None)

    def log_auth(self, operation, authorization):
        """Appends "<unix time> <operation> <access key id>" (never the signature) for credential tests."""
        match = re.search(r"Credential=([^/,\s]+)/", authorization)
        key = match.group(1) if match else "-"
        with self.lock, open(self.auth_log, "a") as log:
            log.write(f"{time.time():.3f}\t{operation}\t{key}\n")

    def choose_fault(self, method):
        """The fault to inject for one request, or None; counts it."""
        with self.lock:
            self.request_seq += 1
            if self.only_methods and method not in self.only_methods:
                return None
            draw = self.rng.random()
            total = 0.0
            for kind in FAULT_KINDS:
                total += self.p[kind]
                if draw < total:
                    self.faults[kind] += 1
                    return kind
            return None

    def partial_length(self, total):
        """How many body bytes to forward before a reset: somewhere inside the body."""
        with self.lock:
            return self.rng.randint(0, total - 1) if total > 0 else 0

    def count(self, table, key):
        with self.lock:
            table[key] = table.get(key, 0) + 1

    def stats(self):
        with self.lock:
            return {"requests": dict(self.requests), "forwarded": dict(self.forwarded), "faults": dict(self.faults)}

    def reset_stats(self):
        with self.lock:
            self.requests.clear()
            self.forwarded.clear()
            for kind in self.faults:
                self.faults[kind] = 0

    def config(self):
        with self.lock:
            config = {f"p_{kind}": self.p[kind] for kind in FAULT_KINDS}
            config.update({"hold_ms": self.hold_ms, "throttle_kbps": self.throttle_kbps,
                           "only_methods": sorted(self.only_methods)})
            return config

    def throttled(self, write):
        """`write` slowed to the configured request-body rate (unchanged when unlimited)."""
        with self.lock:
            rate = self.throttle_kbps * 1024
        if rate <= 0:
            return write
        started = time.monotonic()
        sent = [0]

        def slow_write(data):
            write(data)
            sent[0] += len(data)
            ahead = sent[0] / rate - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(ahead)
        return slow_write

    def hold_seconds(self):
        with self.lock:
            return self.hold_ms / 1000.0

    def update(self, changes):
        with self.lock:
            probabilities = dict(self.p)
            for kind in FAULT_KINDS:
                key = f"p_{kind}"
                if key in changes:
                    value = float(changes[key])
                    if not 0.0 <= value <= 1.0:
                        raise ValueError(f"{key} must be within [0, 1]")
                    probabilities[kind] = value
            if sum(probabilities.values()) > 1.0 + 1e-9:
                raise ValueError("the fault probabilities must not add up to more than 1")
            if "throttle_kbps" in changes:
                throttle = int(changes["throttle_kbps"])
                if throttle < 0:
                    raise ValueError("throttle_kbps must not be negative")
                self.throttle_kbps = throttle
            if "hold_ms" in changes:
                hold = int(changes["hold_ms"])
                if hold < 0:
                    raise ValueError("hold_ms must not be negative")
                self.hold_ms = hold
            self.p = probabilities
            if "only_methods" in changes:
                self.only_methods = parse_methods(changes["only_methods"])
            if "seed" in changes:
                self.rng = random.Random(changes["seed"])


def parse_methods(value):
    if not value:
        return set()
    if isinstance(value, str):
        value = value.split(",")
    return {m.strip().upper() for m in value if m.strip()}


def s3_operation(method, target):
    """Names the S3 operation of a path-style request (`Other` when unknown)."""
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    segments = [s for s in parts.path.split("/") if s]
    is_object = len(segments) >= 2
    if "uploadId" in query:
        if method == "PUT" and "partNumber" in query:
            return "UploadPart"
        return {"POST": "CompleteMultipartUpload", "DELETE": "AbortMultipartUpload", "GET": "ListParts"}.get(method, "Other")
    if "uploads" in query:
        return {"POST": "CreateMultipartUpload", "GET": "ListMultipartUploads"}.get(method, "Other")
    if method == "POST" and "delete" in query:
        return "DeleteObjects"
    if not segments:
        return "ListBuckets" if method == "GET" else "Other"
    if method == "GET" and not is_object:
        return "ListObjectsV2" if query.get("list-type") == "2" else "ListObjects"
    table = {
        ("PUT", True): "PutObject", ("PUT", False): "CreateBucket",
        ("GET", True): "GetObject",
        ("HEAD", True): "HeadObject", ("HEAD", False): "HeadBucket",
        ("DELETE", True): "DeleteObject", ("DELETE", False): "DeleteBucket",
    }
    return table.get((method, is_object), "Other")


def read_head(rfile):
    """Reads a start line and header fields; returns (start_line, [(name, value)]) or None at EOF."""
    line = rfile.readline(65537)
    while line in (b"\r\n", b"\n"):
        line = rfile.readline(65537)
    if not line:
        return None
    start = line.decode("latin-1").rstrip("\r\n")
    headers = []
    while True:
        raw = rfile.readline(65537)
        if not raw:
            raise ConnectionError("connection closed inside headers")
        if raw in (b"\r\n", b"\n"):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    return start, headers


def header(headers, name):
    lower = name.lower()
    for key, value in headers:
        if key.lower() == lower:
            return value
    return None


def encode_head(start, headers):
    lines = [start] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def copy_body(rfile, headers, write, limit=None, is_response_without_body=False):
    """Streams a message body (Content-Length, chunked, or until EOF for responses) to `write`.

    With `limit`, stops after that many body bytes and returns False (body not finished).
    Returns True when the whole body was copied. Returns "eof" when it ended by connection close.
    """
    if is_response_without_body:
        return True
    encoding = (header(headers, "Transfer-Encoding") or "").lower()
    sent = 0
    if "chunked" in encoding:
        while True:
            size_line = rfile.readline(65537)
            if not size_line:
                raise ConnectionError("connection closed inside chunked body")
            write(size_line)
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:  # trailers up to the empty line
                    trailer = rfile.readline(65537)
                    write(trailer)
                    if trailer in (b"\r\n", b"\n", b""):
                        return True
            remaining = size + 2  # data plus CRLF
            while remaining > 0:
                if limit is not None and sent >= limit:
                    return False
                piece = rfile.read(min(CHUNK, remaining))
                if not piece:
                    raise ConnectionError("connection closed inside chunk")
                write(piece)
                remaining -= len(piece)
                sent += len(piece)
    length = header(headers, "Content-Length")
    if length is None:
        return None  # caller decides (request: no body; response: until EOF)
    remaining = int(length)
    while remaining > 0:
        want = min(CHUNK, remaining)
        if limit is not None:
            if sent >= limit:
                return False
            want = min(want, limit - sent)
        piece = rfile.read(want)
        if not piece:
            raise ConnectionError("connection closed inside body")
        write(piece)
        remaining -= len(piece)
        sent += len(piece)
    return True


def body_length(headers):
    length = header(headers, "Content-Length")
    return int(length) if length is not None else 0


def reset_socket(sock):
    """Closes `sock` with RST instead of FIN (SO_LINGER 0)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


class Handler(socketserver.StreamRequestHandler):
    """One client connection: requests are read one after another (keep-alive)."""

    state: ProxyState = None
    upstream = None  # (host, port)

    def setup(self):
        super().setup()
        self.up_sock = None
        self.up_rfile = None

    def finish(self):
        self.close_upstream()
        try:
            super().finish()
        except OSError:
            pass

    def close_upstream(self):
        if self.up_sock is not None:
            try:
                self.up_rfile.close()
                self.up_sock.close()
            except OSError:
                pass
        self.up_sock = None
        self.up_rfile = None

    def open_upstream(self):
        if self.up_sock is None:
            self.up_sock = socket.create_connection(self.upstream, timeout=300)
            self.up_sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.up_rfile = self.up_sock.makefile("rb")

    def handle(self):
        try:
            while self.handle_one():
                pass
        except (ConnectionError, OSError, ValueError):
            pass

    def send_simple(self, status, reason, body, content_type="application/json", extra=(), close=False):
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))] + list(extra)
        if close:
            headers.append(("Connection", "close"))
        self.wfile.write(encode_head(f"HTTP/1.1 {status} {reason}", headers) + body)
        self.wfile.flush()

    def handle_one(self):
        head = read_head(self.rfile)
        if head is None:
            return False
        start, headers = head
        method, target, _version = start.split(" ", 2)
        method = method.upper()
        path = urlsplit(target).path
        if path.startswith("/_faultproxy/"):
            return self.control(method, path, headers)

        operation = f"{method} {s3_operation(method, target)}"
        self.state.count(self.state.requests, operation)
        if self.state.auth_log:
            self.state.log_auth(operation, header(headers, "Authorization") or "")
        client_close = (header(headers, "Connection") or "").lower() == "close"
        expects_continue = (header(headers, "Expect") or "").lower() == "100-continue"
        fault = self.state.choose_fault(method)

        if fault in ("503", "500"):
            if expects_continue:
                close = True  # the client has not sent its body and will not
            else:
                copy_body(self.rfile, headers, lambda _: None)
                close = client_close
            if fault == "503":
                body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
                        b"<Message>Please reduce your request rate.</Message><RequestId>faultproxy</RequestId></Error>")
                self.send_simple(503, "Slow Down", body, "application/xml", [("Retry-After", "1")], close)
            else:
                self.send_simple(500, "Internal Server Error", INTERNAL_ERROR_XML, "application/xml", (), close)
            return not close

        forward_headers = [(k, v) for k, v in headers if k.lower() != "expect"]
        if expects_continue:
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()
        try:
            self.open_upstream()
        except OSError as error:
            copy_body(self.rfile, headers, lambda _: None)
            self.send_simple(502, "Bad Gateway", json.dumps({"error": f"upstream unreachable: {error}"}).encode(),
                             close=True)
            return False
        self.up_sock.sendall(encode_head(start, forward_headers))

        if fault == "reset":
            total = body_length(headers)
            limit = self.state.partial_length(total)
            copy_body(self.rfile, headers, self.up_sock.sendall, limit=limit)
            self.close_upstream()
            reset_socket(self.connection)
            return False

        copy_body(self.rfile, headers, self.state.throttled(self.up_sock.sendall))
        self.state.count(self.state.forwarded, operation)

        # The upstream answer: interim 1xx responses first, then the final one.
        while True:
            response = read_head(self.up_rfile)
            if response is None:
                raise ConnectionError("upstream closed without answering")
            status_line, response_headers = response
            status = int(status_line.split(" ", 2)[1])
            if status >= 200 or status == 101:
                break
            if fault not in COMMIT_FAULTS:
                self.wfile.write(encode_head(status_line, response_headers))

        no_body = method == "HEAD" or status in (204, 304)
        if fault in COMMIT_FAULTS:
            # The upstream has carried the request out and answered; the client never sees that answer.
            finished = copy_body(self.up_rfile, response_headers, lambda _: None, is_response_without_body=no_body)
            upstream_close = (header(response_headers, "Connection") or "").lower() == "close"
            if finished is None or upstream_close:
                self.close_upstream()
            if fault != "reset_after":
                time.sleep(self.state.hold_seconds())
            if fault == "commit_then_500":
                self.send_simple(500, "Internal Server Error", INTERNAL_ERROR_XML, "application/xml", (), client_close)
                return not client_close
            self.close_upstream()
            reset_socket(self.connection)
            return False

        upstream_close = (header(response_headers, "Connection") or "").lower() == "close"
        has_length = no_body or header(response_headers, "Content-Length") is not None or \
            "chunked" in (header(response_headers, "Transfer-Encoding") or "").lower()
        out_headers = response_headers
        if not has_length:
            out_headers = [(k, v) for k, v in response_headers if k.lower() != "connection"] + [("Connection", "close")]
        self.wfile.write(encode_head(status_line, out_headers))
        if has_length:
            copy_body(self.up_rfile, response_headers, self.wfile.write, is_response_without_body=no_body)
        else:
            while True:  # body until the upstream closes
                piece = self.up_rfile.read1(CHUNK) if hasattr(self.up_rfile, "read1") else self.up_rfile.read(CHUNK)
                if not piece:
                    break
                self.wfile.write(piece)
            upstream_close = True
        self.wfile.flush()
        if upstream_close:
            self.close_upstream()
        return not client_close and has_length

    def control(self, method, path, headers):
        body = b""
        length = header(headers, "Content-Length")
        if length:
            body = self.rfile.read(int(length))
        try:
            if path == "/_faultproxy/stats" and method == "GET":
                payload = self.state.stats()
            elif path == "/_faultproxy/stats" and method == "DELETE":
                self.state.reset_stats()
                payload = self.state.stats()
            elif path == "/_faultproxy/config" and method == "GET":
                payload = self.state.config()
            elif path == "/_faultproxy/config" and method == "POST":
                self.state.update(json.loads(body or b"{}"))
                payload = self.state.config()
            else:
                self.send_simple(404, "Not Found", b'{"error": "unknown control endpoint"}')
                return True
        except (ValueError, TypeError) as error:
            self.send_simple(400, "Bad Request", json.dumps({"error": str(error)}).encode())
            return True
        self.send_simple(200, "OK", json.dumps(payload, sort_keys=True).encode())
        return True


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


def main(argv=None):
    parser = argparse.ArgumentParser(description="fault-injecting HTTP reverse proxy (loopback only)")
    parser.add_argument("--listen-port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--p-503", type=float, default=0.0)
    parser.add_argument("--p-500", type=float, default=0.0)
    parser.add_argument("--p-reset", type=float, default=0.0)
    parser.add_argument("--p-reset-after", type=float, default=0.0)
    parser.add_argument("--p-commit-then-drop", type=float, default=0.0,
                        help="forward, read the answer, hold --hold-ms, then RST the client")
    parser.add_argument("--p-commit-then-500", type=float, default=0.0,
                        help="forward, read the answer, hold --hold-ms, then answer 500 InternalError")
    parser.add_argument("--hold-ms", type=int, default=400, help="hold of the commit-then-* faults (ms)")
    parser.add_argument("--throttle-kbps", type=int, default=0,
                        help="forward request bodies at most this fast per connection, KiB/s (0: unlimited)")
    parser.add_argument("--only-methods", default="", help="comma-separated, e.g. PUT,POST")
    parser.add_argument("--auth-log", default=None, help="append the time and signing access key id of every request here")
    args = parser.parse_args(argv)

    upstream = urlsplit(args.upstream)
    if upstream.scheme != "http" or upstream.hostname not in LOOPBACK_HOSTS or upstream.port is None:
        parser.error("--upstream must be http://127.0.0.1:PORT (loopback only)")
    for kind in FAULT_KINDS:
        name = f"p_{kind}"
        if not 0.0 <= getattr(args, name) <= 1.0:
            parser.error(f"--{name.replace('_', '-')} must be within [0, 1]")
    if sum(getattr(args, f"p_{kind}") for kind in FAULT_KINDS) > 1.0 + 1e-9:
        parser.error("the fault probabilities must not add up to more than 1")
    if args.hold_ms < 0:
        parser.error("--hold-ms must not be negative")
    if args.throttle_kbps < 0:
        parser.error("--throttle-kbps must not be negative")

    # Stop promptly on SIGTERM even if the parent left it blocked or ignored.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    Handler.state = ProxyState(args)
    Handler.upstream = (upstream.hostname, upstream.port)
    server = Server(("127.0.0.1", args.listen_port), Handler)
    print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
