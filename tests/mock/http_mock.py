"""dormant test mock for the HTTP layer itself (tests/unit/lib/test_http.c).

Routes (KEY makes a separate request counter per test case; the counter is
the mock's count of requests for that exact path):

  *      /echo                 200, JSON: method, path, query, headers, body,
                               client_port; sets a Set-Cookie header (tests
                               check the trace hides it)
  *      /status/CODE          CODE always; ?ra=V adds Retry-After: V
  *      /flaky/KEY            ?fail=N&code=C&ra=V: the first N requests get
                               C (default 503) with Retry-After V, then the
                               /echo answer
  *      /throttle400/KEY      ?fail=N: 400 with an AWS-style Throttling
                               error body for the first N, then 200
  *      /reset/KEY            ?fail=N: the first N connections are reset
                               without an answer, then 200
  *      /garble/KEY           ?fail=N&kind=json|xml|xhtml: the first N
                               answers are 200 with a truncated body of
                               that kind (xhtml: a well-formed HTML page),
                               then a whole one (root element R)
  GET    /big                  ?bytes=N: N bytes of "x"
  GET    /slow                 ?ms=N: answers 200 after N ms

A Retry-After value "date:S" is sent as the HTTP-date S seconds from now.
"""

import os
import sys
import time

# The source tree may be read-only (make distcheck): no __pycache__ there.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mockserver  # noqa: E402


class HttpTestHandler(mockserver.MockHandler):
    ROUTES = [
        ("*", r"^/echo$", "echo"),
        ("*", r"^/status/(\d{3})$", "status"),
        ("*", r"^/flaky/[\w.-]+$", "flaky"),
        ("*", r"^/throttle400/[\w.-]+$", "throttle400"),
        ("*", r"^/reset/[\w.-]+$", "reset"),
        ("*", r"^/garble/[\w.-]+$", "garble"),
        ("GET", r"^/big$", "big"),
        ("GET", r"^/headers$", "many_headers"),
        ("GET", r"^/slow$", "slow"),
    ]

    def retry_after(self, req):
        value = req.arg("ra")
        if value is None:
            return {}
        if value.startswith("date:"):
            value = self.http_date(time.time() + float(value[5:]))
        return {"Retry-After": value}

    def echo(self, req, match):
        self.send_json(200, {
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "headers": {k: v for k, v in req.headers.items()},
            "body": req.text(),
            "client_port": req.client_port,
        }, {"Set-Cookie": "sid=SECRETSETCOOKIE; Secure; HttpOnly",
            "x-amzn-RequestId": "req-%d" % req.client_port})

    def status(self, req, match):
        code = int(match.group(1))
        self.send(code, "status %d\n" % code, headers=self.retry_after(req))

    def flaky(self, req, match):
        if self.server.count(req.path) <= req.int_arg("fail", 1):
            code = req.int_arg("code", 503)
            return self.send(code, "try again\n",
                             headers=self.retry_after(req))
        self.echo(req, match)

    def throttle400(self, req, match):
        if self.server.count(req.path) <= req.int_arg("fail", 1):
            return self.send(400, '{"Error":{"Code":"Throttling"}}\n',
                             "application/json")
        self.send(200, "ok\n")

    def reset(self, req, match):
        if self.server.count(req.path) <= req.int_arg("fail", 1):
            return self.reset_connection()
        self.send(200, "ok\n")

    def garble(self, req, match):
        kind = req.arg("kind")
        xml = kind in ("xml", "xhtml")
        whole = ('<R xmlns="urn:x"><A>1</A></R>\n' if xml
                 else '{"value": [1, 2, 3]}\n')
        ctype = "text/xml" if xml else "application/json"
        if self.server.count(req.path) <= req.int_arg("fail", 1):
            if kind == "xhtml":
                # A proxy's error page: well-formed, but not the answer.
                return self.send(200, "<html><body>502</body></html>\n",
                                 ctype)
            # Cut mid-document, with a Content-Length that matches: only
            # parsing can tell.
            return self.send(200, whole[:len(whole) // 2], ctype)
        self.send(200, whole, ctype)

    def many_headers(self, req, match):
        """Headers as a paging API sends them: Link on two lines, a
        header every answer of dormant's clouds lacks, one over the
        value cap."""
        self.send(200, "ok\n", headers=[
            ("Link", '<https://x.test/u?limit=2>; rel="self"'),
            ("X-Rate-Limit-Remaining", "41"),
            ("link", '<https://x.test/u?after=a%2Cb&limit=2>; rel="next"'),
            ("X-Huge", "h" * 9000),
        ])

    def big(self, req, match):
        self.send(200, b"x" * req.int_arg("bytes", 0),
                  "application/octet-stream")

    def slow(self, req, match):
        time.sleep(req.int_arg("ms", 1000) / 1000.0)
        self.send(200, "slow\n")


if __name__ == "__main__":
    sys.exit(mockserver.serve(HttpTestHandler))
