"""tests/http/pyserver.py: Python's http.server as the peer the HTTP client
tests talk to: static files from a directory (SimpleHTTPRequestHandler),
HTTP/1.1 with keep-alive, and a few endpoints:

  /echo           the request body back, X-Method and X-Client-Port set
  /chunked        a body in chunks (Transfer-Encoding: chunked)
  /redirect?to=U&status=N   a redirect (302 by default) to U
  /status/N       an empty response with status N
  /headers        the request's headers as JSON
  /close          an answer with Connection: close

Usage: python3 pyserver.py PORT ROOT  (prints "serving on PORT" once it
listens on 127.0.0.1:PORT; idle connections are closed after 1 s).
"""
import json
import sys
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 1  # an idle keep-alive connection is closed after this

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Client-Port", str(self.client_address[1]))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def route(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        if url.path == "/echo":
            body = self._body()
            self._send(200, body, [("X-Method", self.command),
                                   ("Content-Type", self.headers.get("Content-Type") or "none")])
        elif url.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"hello ", b"in ", b"chunks"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif url.path == "/redirect":
            self._body()
            status = int(q.get("status", ["302"])[0])
            self._send(status, b"moved", [("Location", q["to"][0])])
        elif url.path.startswith("/status/"):
            self._send(int(url.path[8:]))
        elif url.path == "/headers":
            self._send(200, json.dumps(dict(self.headers.items())).encode(),
                       [("Content-Type", "application/json")])
        elif url.path == "/close":
            self.close_connection = True
            self._send(200, b"closing", [("Connection", "close")])
        else:
            return False
        return True

    def do_GET(self):
        if not self.route():
            super().do_GET()

    def do_HEAD(self):
        if not self.route():
            super().do_HEAD()

    def do_POST(self):
        if not self.route():
            self._send(404, self._body())

    do_PUT = do_POST
    do_DELETE = do_POST


def main():
    port, root = int(sys.argv[1]), sys.argv[2]

    def handler(*args, **kwargs):
        return Handler(*args, directory=root, **kwargs)

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", port), handler)
    server.daemon_threads = True
    print(f"serving on {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
