import Foundation
import IngestTestSupport

/// A small Python HTTP/1.1 server on 127.0.0.1 for engine tests, on a port it binds itself (port 0,
/// reported in a file once it listens) and stopped by pid.
///
/// Endpoints: `/echo` (any method: JSON with method, body length, body MD5 and headers),
/// `/status/N` (answers N), `/slow?seconds=S` (sleeps, then 200), `/stall` (sends headers and one
/// byte, then waits), `/reset` (reads the request, then closes with RST), `/stats` (connections
/// accepted so far), `/bytes?n=N` (N bytes of body), `/sink` (reads and discards the body), `/retry?fails=K&key=X` (503 K times per key).
final class TestHTTPServer: AsyncStoppable, @unchecked Sendable {
    let port: Int
    let directory: TempDirectory
    let server: ServerProcess

    let scheme: String

    var base: String { "\(scheme)://127.0.0.1:\(port)" }

    /// Starts the server; with `tls`, it serves HTTPS with that certificate and key (PEM paths).
    init(tls: (certificate: String, key: String)? = nil) async throws {
        directory = try TempDirectory(prefix: "httpserver")
        let script = try directory.write("server.py", TestHTTPServer.script)
        scheme = tls == nil ? "http" : "https"
        let python = ProcessRunner.which("python3") ?? "/usr/bin/python3"
        // The server binds port 0 and writes the port it got once it listens: no other test can take it
        // between a free-port probe and the bind, and readiness is the server's word, not a deadline.
        let portFile = directory.path("port")
        var arguments = [script, portFile]
        if let tls { arguments += [tls.certificate, tls.key] }
        server = try ServerProcess(executable: python, arguments: arguments, logPath: directory.path("server.log"))
        do {
            port = try await server.waitForPortFile(portFile)
        } catch {
            await server.stop()
            directory.remove()
            throw error
        }
    }

    /// Stops the server (awaiting its exit, off the cooperative pool) and removes its files.
    func stop() async {
        await server.stop()
        directory.remove()
    }

    static let script = #"""
import hashlib, json, os, signal, socket, ssl, struct, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

lock = threading.Lock()
connections = 0
failures = {}

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        global connections
        super().setup()
        with lock:
            connections += 1

    def log_message(self, *args):
        pass

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        digest = hashlib.md5()
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            remaining -= len(chunk)
        return length - remaining, digest.hexdigest()

    def answer(self, status, body, content_type="application/json", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self):
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/reset":
            self.read_body()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if url.path == "/sink":
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining > 0:
                chunk = self.rfile.read1(min(remaining, 1 << 20))
                if not chunk:
                    break
                remaining -= len(chunk)
            self.answer(200, json.dumps({"received": int(self.headers.get("Content-Length") or 0) - remaining}).encode())
            return
        length, md5 = self.read_body()
        if url.path == "/echo" or url.path.startswith("/echo/"):
            body = json.dumps({"method": self.command, "path": self.path, "length": length, "md5": md5,
                               "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
            self.answer(200, body)
        elif url.path.startswith("/status/"):
            self.answer(int(url.path.split("/")[2]), b'{"status": true}', extra={"Retry-After": "1"})
        elif url.path == "/slow":
            time.sleep(float(query.get("seconds", "5")))
            self.answer(200, b"slow")
        elif url.path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(float(query.get("seconds", "30")))
            self.close_connection = True
        elif url.path == "/stats":
            with lock:
                count = connections
            self.answer(200, json.dumps({"connections": count}).encode())
        elif url.path == "/bytes":
            self.answer(200, b"b" * int(query.get("n", "0")), "application/octet-stream")
        elif url.path == "/retry":
            key = query.get("key", "")
            with lock:
                seen = failures.get(key, 0)
                failures[key] = seen + 1
            if seen < int(query.get("fails", "1")):
                self.answer(503, b"<Error><Code>SlowDown</Code></Error>", "application/xml", {"Retry-After": "0"})
            else:
                self.answer(200, b"ok")
        else:
            self.answer(404, b"{}")

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = route

class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

# Stop promptly on SIGTERM even if the parent left it blocked or ignored.
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
server = Server(("127.0.0.1", 0), Handler)
if len(sys.argv) > 3:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    server.socket = context.wrap_socket(server.socket, server_side=True)
# Listening since the constructor: report the port (renamed into place, so it is read whole).
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
"""#
}
