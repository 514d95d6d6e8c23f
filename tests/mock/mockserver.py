"""dormant test mocks: the shared base of every mock HTTPS server.

Standard library only (the tests run it with the system's /usr/bin/python3).

A mock is a MockHandler subclass with a ROUTES table, started with serve():

    import os, sys
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import mockserver

    class GraphHandler(mockserver.MockHandler):
        ROUTES = [
            ("GET", r"^/v1\\.0/users$", "list_users"),
        ]

        def list_users(self, req, match):
            if not req.bearer():
                return self.send_json(401, {"error": {"code": "InvalidAuthenticationToken"}})
            self.send_json(200, {"value": []})

    if __name__ == "__main__":
        mockserver.serve(GraphHandler)

serve() parses --cert, --key, --port-file, --log (plus any options the mock
adds through add_arguments), listens on 127.0.0.1 on a port the kernel picks,
writes that port to --port-file once it is listening (atomically: tests wait
for the file), appends one JSON line per request to --log, and exits 0 on
SIGTERM or SIGINT. Nothing ever listens beyond 127.0.0.1.

Every mock also answers GET /_mock/count?path=/some/path (requests seen for
that path, query excluded) and GET /_mock/requests (all counts), so a test
can compare what the client says it sent with what arrived. These requests
are neither counted nor logged.

Faults on demand, for every mock alike (the fault matrix): --faults
KIND[,KIND...] --fault-rate R (default 0.2) --fault-seed S answers that
share R of the cloud requests (control paths never) with one of these,
drawn at random:

    429, 429-retry-after  throttled (the mock's fault_error() gives the
                          cloud's own throttling answer)
    500, 503              a server error in the cloud's shape
    reset-before          the connection reset, the request not served
    reset-after           the request served (a mutation applied), its
                          status line and headers sent, then a reset
    truncated             a 2xx answer cut in half, Content-Length
                          matching the cut (as a broken proxy sends it)
    garbage               a 2xx answer's body replaced by an HTML page
    slow                  served only after --fault-slow-ms (default
                          4000), past the client's timeout
    expire                every credential the mock issued expires now
                          (the mock's expire_credentials()), then served;
                          at most once in 2 s, so that a credential just
                          renewed lives a while, as real ones do
    tls                   a new connection reset before the TLS handshake

Every fault is logged with "fault": KIND in the request log.

Shell side: tests/mock/mock.sh starts and stops mocks; tests/mock/mkcerts.sh
makes the throwaway CA and the 127.0.0.1 certificate they serve.
"""

import argparse
import email.utils
import io
import json
import os
import random
import re
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A request body over this is refused: mocks are strict like real clouds.
MAX_REQUEST_BODY = 16 << 20

# Fault kinds (see the module's text): answered instead of the request,
# applied to the request's own answer, or at the connection.
PRE_FAULTS = ("429", "429-retry-after", "500", "503", "reset-before")
POST_FAULTS = ("reset-after", "truncated", "garbage")
FAULTS = PRE_FAULTS + POST_FAULTS + ("slow", "expire", "tls")

GARBAGE = (b"<html><head><title>502 Bad Gateway</title></head>\r\n"
           b"<body><center><h1>502 Bad Gateway</h1></center></body>"
           b"</html>\r\n")


class FaultPlan:
    """Which requests get which fault: a seeded draw, so that a failing
    run can be replayed with the same --fault-seed."""

    def __init__(self, kinds, rate, seed, slow_ms):
        unknown = [k for k in kinds if k not in FAULTS]
        if unknown:
            raise SystemExit("unknown fault kind(s): %s (known: %s)"
                             % (", ".join(unknown), ", ".join(FAULTS)))
        self.kinds = [k for k in kinds if k != "tls"]
        self.tls = "tls" in kinds
        self.rate = rate
        self.slow = slow_ms / 1000.0
        self.rand = random.Random(seed)
        self.lock = threading.Lock()
        self.counts = {}
        self.expired_at = 0.0

    def draw(self, kinds):
        if not kinds:
            return None
        with self.lock:
            if self.rand.random() >= self.rate:
                return None
            kind = self.rand.choice(kinds)
            self.counts[kind] = self.counts.get(kind, 0) + 1
            return kind

    def for_request(self):
        kind = self.draw(self.kinds)
        if kind == "expire":
            with self.lock:
                if time.time() - self.expired_at < 2.0:
                    self.counts["expire"] -= 1
                    return None
                self.expired_at = time.time()
        return kind

    def for_connection(self):
        return self.draw(["tls"] if self.tls else [])


class Request:
    """One request as a mock handler sees it."""

    def __init__(self, method, raw_path, headers, body, client):
        parts = urllib.parse.urlsplit(raw_path)
        self.method = method
        self.raw_path = raw_path
        self.path = parts.path
        self.query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        self.headers = headers
        self.body = body
        self.client_host, self.client_port = client[0], client[1]

    def arg(self, name, default=None):
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def int_arg(self, name, default=0):
        value = self.arg(name)
        return int(value) if value is not None else default

    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def form(self):
        """An application/x-www-form-urlencoded body, first values only."""
        parsed = urllib.parse.parse_qs(self.text(), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def bearer(self):
        """The token of an "Authorization: Bearer ..." header, or None."""
        value = self.headers.get("Authorization", "")
        if value.startswith("Bearer "):
            return value[len("Bearer "):]
        return None


class MockHandler(BaseHTTPRequestHandler):
    """Dispatches requests to methods named in ROUTES.

    ROUTES is a list of (method, regex, handler method name); the regex is
    matched against the path without its query and the handler is called
    as handler(req, match). Override route() for anything else.
    """

    protocol_version = "HTTP/1.1"  # keep-alive, as the real clouds
    server_version = "dormant-mock/1"
    timeout = 30  # an idle keep-alive connection ends after this
    ROUTES = []

    # -- answering -----------------------------------------------------

    def send(self, status, body=b"", content_type="text/plain",
             headers=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        # A list of pairs sends a header on several lines (Link).
        pairs = headers.items() if hasattr(headers, "items") else headers
        for name, value in pairs or ():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj, headers=None):
        self.send(status, json.dumps(obj, indent=1) + "\n",
                  "application/json", headers)

    def reset_connection(self):
        """Drops the connection with a TCP reset instead of answering, as
        an overloaded load balancer does."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    # -- faults (overridden by each mock for its cloud's shapes) --------

    def fault_error(self, status, retry_after):
        """The answer a throttled or failing cloud gives: (status,
        content type, body, headers)."""
        headers = {"Retry-After": "1"} if retry_after else {}
        code = {429: "TooManyRequests", 500: "InternalServerError",
                503: "ServiceUnavailable"}[status]
        return (status, "application/json",
                json.dumps({"error": {"code": code,
                                      "message": "injected fault"}}),
                headers)

    def expire_credentials(self):
        """Makes every credential the mock issued expired or unknown."""

    @staticmethod
    def is_mutation(req):
        """Does req change the cloud? Logged as "mutation": true, so that
        a test can act (kill the client, say) once one arrived."""
        return req.method in ("PATCH", "PUT", "DELETE")

    def _pre_fault(self, kind):
        if kind == "reset-before":
            return self.reset_connection()
        status = int(kind.split("-")[0])
        status, ctype, body, headers = self.fault_error(
            status, kind == "429-retry-after")
        self.send(status, body, ctype, headers)

    def _post_fault(self, kind, req):
        """Serves req into a buffer, then sends its answer broken."""
        real = self.wfile
        self.wfile = io.BytesIO()
        try:
            self.route(req)
            raw = self.wfile.getvalue()
        finally:
            self.wfile = real
        head, sep, body = raw.partition(b"\r\n\r\n")
        try:
            status = int(head.split(b" ", 2)[1])
        except (IndexError, ValueError):
            status = 0
        if kind == "reset-after":
            real.write(head + sep)
            real.flush()
            return self.reset_connection()
        if 200 <= status < 300 and sep:
            if kind == "truncated":
                body = body[:len(body) // 2]
            else:
                body = GARBAGE
                head = re.sub(rb"(?im)^Content-Type: [^\r\n]*",
                              b"Content-Type: text/html", head)
            head = re.sub(rb"(?im)^Content-Length: \d+",
                          b"Content-Length: %d" % len(body), head)
        real.write(head + sep + body)

    @staticmethod
    def http_date(when):
        """An IMF-fixdate, as in Retry-After and Date headers."""
        return email.utils.formatdate(when, usegmt=True)

    # -- dispatch ------------------------------------------------------

    def route(self, req):
        for method, pattern, name in self.ROUTES:
            if method != req.method and method != "*":
                continue
            match = re.match(pattern, req.path)
            if match:
                return getattr(self, name)(req, match)
        return self.send_json(404, {"error": "no route for %s %s"
                                    % (req.method, req.path)})

    def _dispatch(self):
        length = self.headers.get("Content-Length")
        try:
            length = int(length) if length is not None else 0
        except ValueError:
            return self.send(400, "bad Content-Length\n")
        if length < 0 or length > MAX_REQUEST_BODY:
            return self.send(413, "request body too large\n")
        if self.headers.get("Transfer-Encoding"):
            # Our client always knows its body size; chunked uploads would
            # be a bug worth seeing.
            return self.send(411, "chunked request bodies not accepted\n")
        body = self.rfile.read(length) if length else b""
        req = Request(self.command, self.path, self.headers, body,
                      self.client_address)
        if req.path.startswith("/_mock/"):
            return self._control(req)
        plan = self.server.faults
        fault = plan.for_request() if plan and \
            not req.path.startswith("/_") else None
        self.server.record(req, fault)
        try:
            if fault in PRE_FAULTS:
                return self._pre_fault(fault)
            if fault == "slow":
                time.sleep(plan.slow)
            elif fault == "expire":
                self.expire_credentials()
            if fault in POST_FAULTS:
                return self._post_fault(fault, req)
            self.route(req)
        except OSError:
            # The client went away mid-answer (timeouts, cancellation,
            # size caps are tested that way): nothing left to tell it.
            self.close_connection = True
        except Exception as e:  # a bug in the mock: say so, loudly
            sys.stderr.write("mock: %s %s: %r\n" % (req.method, req.path, e))
            self.send_json(500, {"error": "mock failure: %r" % (e,)})

    def _control(self, req):
        if req.path == "/_mock/count":
            return self.send_json(200, {"count":
                                        self.server.count(req.arg("path"))})
        if req.path == "/_mock/requests":
            with self.server.lock:
                counts = dict(self.server.counts)
            return self.send_json(200, counts)
        if req.path == "/_mock/faults":
            plan = self.server.faults
            with plan.lock if plan else self.server.lock:
                counts = dict(plan.counts) if plan else {}
            return self.send_json(200, counts)
        return self.send_json(404, {"error": "no such control path"})

    # Late-bound, so that a mock's own _dispatch (latency, in-flight
    # counting) is the one that runs: "do_GET = _dispatch" would bind this
    # class's method once and for all.
    def _any_method(self):
        return self._dispatch()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _any_method

    def log_message(self, format, *args):
        pass  # the JSON request log says what matters


class MockServer(ThreadingHTTPServer):
    """A threaded HTTPS server on 127.0.0.1, port chosen by the kernel.

    `state` is a dict for the mock's own data (users, tokens, ...), guarded
    by `lock` like the request counts.
    """

    daemon_threads = True

    def __init__(self, handler, certfile, keyfile, log_path=None):
        super().__init__(("127.0.0.1", 0), handler)
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.minimum_version = ssl.TLSVersion.TLSv1_2
        self.tls.load_cert_chain(certfile, keyfile)
        self.lock = threading.Lock()
        self.counts = {}
        self.state = {}
        self.faults = None  # a FaultPlan, from --faults
        self.log_file = open(log_path, "a", encoding="utf-8") \
            if log_path else None

    @property
    def port(self):
        return self.server_address[1]

    def finish_request(self, request, client_address):
        # The TLS handshake happens here, in the connection's own thread,
        # so a client that stalls or rejects our certificate (a test of
        # exactly that) never blocks the accept loop.
        request.settimeout(MockHandler.timeout)
        # Headers and body go out in separate writes: without NODELAY,
        # Nagle and the client's delayed ACK add ~40 ms to every answer,
        # which would swamp any latency a benchmark injects on purpose.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.faults and self.faults.for_connection():
            self.log_event({"event": "fault", "fault": "tls",
                            "client_port": client_address[1]})
            request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                               struct.pack("ii", 1, 0))
            request.close()
            return
        try:
            conn = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.log_event({"event": "tls-failed", "client_port":
                            client_address[1], "error": str(e)})
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        except (ssl.SSLError, OSError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def record(self, req, fault=None):
        with self.lock:
            self.counts[req.path] = self.counts.get(req.path, 0) + 1
        event = {"method": req.method, "path": req.path,
                 "query": req.query, "client_port": req.client_port,
                 "headers": sorted(req.headers.keys()),
                 "body_len": len(req.body)}
        if fault:
            event["fault"] = fault
        if self.RequestHandlerClass.is_mutation(req):
            event["mutation"] = True
        self.log_event(event)

    def count(self, path):
        with self.lock:
            return self.counts.get(path, 0)

    def log_event(self, obj):
        if not self.log_file:
            return
        obj = dict(obj, time=round(time.time(), 3))
        with self.lock:
            self.log_file.write(json.dumps(obj, sort_keys=True) + "\n")
            self.log_file.flush()

    def server_close(self):
        super().server_close()
        if self.log_file:
            self.log_file.close()


def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def serve(handler, argv=None, add_arguments=None, setup=None,
          server_class=MockServer):
    """Runs a mock until SIGTERM/SIGINT.

    add_arguments(parser) adds the mock's own options; setup(server, args)
    runs once the server exists, before the port file appears (load
    fixtures into server.state there).
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True, help="server certificate")
    parser.add_argument("--key", required=True, help="server private key")
    parser.add_argument("--port-file", required=True,
                        help="written with the port once listening")
    parser.add_argument("--log", help="JSON lines request log")
    parser.add_argument("--faults", default="",
                        help="fault kinds to inject (comma list)")
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument("--fault-seed", default="0")
    parser.add_argument("--fault-slow-ms", type=int, default=4000)
    if add_arguments:
        add_arguments(parser)
    args = parser.parse_args(argv)

    server = server_class(handler, args.cert, args.key, args.log)
    kinds = [k for k in args.faults.split(",") if k]
    if kinds:
        server.faults = FaultPlan(kinds, args.fault_rate, args.fault_seed,
                                  args.fault_slow_ms)
    if setup:
        setup(server, args)

    def stop(signum, frame):
        # shutdown() waits for serve_forever, which runs in this very
        # thread: ask from another one.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    write_port_file(args.port_file, server.port)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
    return 0


__all__ = ["FAULTS", "MockHandler", "MockServer", "Request", "serve",
           "write_port_file"]
