"""dormant test mock: Google's OAuth 2.0 token endpoint and the Admin SDK
Directory API (users.list, users.get, users.patch), as strict as the real
ones.

Token endpoint (POST /token), as "Using OAuth 2.0 for Server to Server
Applications" describes it: a form body with grant_type
urn:ietf:params:oauth:grant-type:jwt-bearer and an RS256 JWT assertion,
whose signature is checked against the public half of the service
account's key (--sa-key), whose header must carry kid = private_key_id and
whose claims must carry iss = client_email, sub = a user of the domain,
scope = Directory scopes the service account was delegated
(--delegated-scopes), aud = this endpoint's URL, iat/exp at most an hour
apart around the mock's clock. Errors are the real ones: 401
unauthorized_client (no delegation for a scope), 400 invalid_grant (clock,
subject, signature, audience).

Directory API (/admin/directory/v1/users...), as Google's own description
declares it: the generated client @googleapis/admin (load_description
below) gives each method's query parameters, the User resource's
properties (fields= masks, PATCH bodies) and each route; anything else
is Google's 400 INVALID_ARGUMENT ("Cannot bind query parameter", "Cannot
find field"). Every call needs a Bearer token the token endpoint issued
and not expired or revoked, with a scope that allows the call (a
readonly token cannot suspend: 403 insufficientPermissions), made as an
admin subject (else 403 forbidden). users.list takes customer or domain,
maxResults 1..500, pages with opaque HMAC-signed tokens bound to the
query, and honours fields=. Quota: --quota N/SECONDS per subject answers
403 userRateLimitExceeded past the limit, as the real 2,400-a-minute
quota does.

The domain: --users N users, user i's every field a pure function of
(i, --seed, --now), so that a test can recompute the truth (make_user, and
--check REPORT compares a dormant JSON report with it verdict by verdict).

Faults on demand: --throttle-list N (the first N users.list calls get 403
userRateLimitExceeded; --throttle-status 429 for rateLimitExceeded),
--throttle-always, --fault KIND:PAGE (badjson, badjsononce: the first
answer only, http500, loop, nolastlogin,
badtime; http500:get fails every users.get), --latency-ms (every answer takes that long), --token-ttl,
--clock-skew, --fresh-login (users.get sees a sign-in users.list did not).

Control paths (not counted): GET /_mock/gcp/state (tokens issued per
scope, assertions seen, patches, list calls, throttled answers, calls
accepted by method and token scope, requests rejected as undeclared), POST
/_mock/gcp/revoke (revoke every token), POST /_mock/gcp/login?id=ID&time=T
(the user signs in).

Helper modes (no server): --make-key PEM TOKEN_URI prints a service-account
key file for the PEM private key; --check REPORT compares a report.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import socket
import sys
import time
import urllib.parse
from datetime import datetime, timezone

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mockserver  # noqa: E402

SCOPE_RO = "https://www.googleapis.com/auth/admin.directory.user.readonly"
SCOPE_RW = "https://www.googleapis.com/auth/admin.directory.user"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLIENT_EMAIL = "dormant-scan@dormant-test.iam.gserviceaccount.com"
CLIENT_ID = "113958265398234567890"
KEY_ID = "3f1b0c6e2a9d4c7b8e5f1a2b3c4d5e6f7a8b9c0d"
CUSTOMER_ID = "C03mock42"
DOMAIN = "example.com"
ID_BASE = 10 ** 20  # user ids are 21 digits, as Google's
NEVER = "1970-01-01T00:00:00.000Z"
DAY = 86400

ANY = object()  # a property whose members the description leaves open

# -- what Google's own description declares ---------------------------------
#
# The generated Admin SDK client, @googleapis/admin, is Google's Directory
# API discovery document turned into TypeScript: build/directory_v1.d.ts
# declares each method's parameters (interface Params$Resource$Users$Get
# etc., each extending StandardParameters, the system parameters every
# Google API takes) and each resource's properties (Schema$User, ...);
# build/directory_v1.js gives each method's HTTP verb, URL template and
# path parameters. The mock accepts what they declare and nothing else, so
# that a parameter the client's authors put on the wrong method is a 400
# here as it is at Google.

# Members of StandardParameters that are the generated client's own, not
# wire parameters ("Auth client or API Key for the request").
CLIENT_ONLY = {"auth"}
# The methods the mock serves: (resource method, Params interface).
METHODS = {
    "users.list": "Params$Resource$Users$List",
    "users.get": "Params$Resource$Users$Get",
    "users.patch": "Params$Resource$Users$Patch",
    "users.update": "Params$Resource$Users$Update",
}
# Values of the enum parameters. The generated client keeps only each
# parameter's description ("What subset of fields to fetch for this
# user."), not its enum: these come from the Directory API reference
# (users.list, users.get: "Query parameters", each enum's values), and are
# checked only where the description declares the parameter for the
# method.
ENUMS = {
    "projection": ("basic", "custom", "full"),
    "viewType": ("admin_view", "domain_public"),
    "orderBy": ("email", "familyName", "givenName"),
    "sortOrder": ("ASCENDING", "DESCENDING"),
    "event": ("add", "delete", "makeAdmin", "undelete", "update"),
    # The system parameters' enums (discovery document "parameters").
    "alt": ("json", "media", "proto"),
    "$.xgafv": ("1", "2"),
}


def parse_interfaces(text):
    """{name: (base or None, {property: type text})} of every interface of
    a generated .d.ts; a multi-line type (an index signature) is '{...}'."""
    out = {}
    lines = text.splitlines()
    i = 0
    head = re.compile(r"^    (?:export )?interface (\S+?)"
                      r"(?: extends (\S+))? \{$")
    prop = re.compile(r"^        ('[^']+'|[A-Za-z_$][\w$]*)\??: (.*?);?$")
    while i < len(lines):
        m = head.match(lines[i])
        i += 1
        if not m:
            continue
        props = {}
        comment = False
        while i < len(lines) and lines[i] != "    }":
            ln = lines[i]
            i += 1
            s = ln.strip()
            if comment or s.startswith("/*"):
                comment = not s.endswith("*/")
                continue
            p = prop.match(ln)
            if not p:
                continue
            typ = p.group(2)
            if typ.endswith("{"):
                while i < len(lines) and \
                        not lines[i].startswith("        }"):
                    i += 1
                i += 1
                typ = "{...}"
            props[p.group(1).strip("'")] = typ
        i += 1
        out[m.group(1)] = (m.group(2), props)
    return out


def parse_routes(js):
    """{(verb, URL template): path parameters} of the generated client's
    methods (build/directory_v1.js)."""
    routes = {}
    for m in re.finditer(
            r"url: \(rootUrl \+ '([^']+)'\).*?method: '([A-Z]+)'.*?"
            r"pathParams: \[([^\]]*)\]", js, re.S):
        names = tuple(re.findall(r"'([^']+)'", m.group(3)))
        routes[(m.group(2), m.group(1))] = names
    return routes


def param_kind(typ):
    """'string', 'number', 'boolean', or None (no wire parameter)."""
    typ = typ.replace(" | null", "")
    return typ if typ in ("string", "number", "boolean") else None


def schema_tree(ifaces, name, seen=()):
    """A Schema$ interface as {property: None (a leaf), ANY, or a nested
    tree}, for fields= masks and request bodies."""
    tree = {}
    for p, typ in ifaces[name][1].items():
        t = typ.replace(" | null", "")
        base = t[:-2] if t.endswith("[]") else t
        if base.startswith("Schema$") and base in ifaces and \
                base not in seen:
            tree[p] = schema_tree(ifaces, base, seen + (name,))
        elif t in ("any", "{...}"):
            tree[p] = ANY
        else:
            tree[p] = None
    return tree


def load_description():
    """The Directory API as @googleapis/admin declares it: {"params":
    {method: {name: kind}}, "user": tree, "users": tree, "types":
    {property of Schema$User: type text}, "routes": ...}."""
    import api_models

    with open(api_models.npm_file("@googleapis/admin",
                                  "build/directory_v1.d.ts"),
              encoding="utf-8") as f:
        ifaces = parse_interfaces(f.read())
    with open(api_models.npm_file("@googleapis/admin",
                                  "build/directory_v1.js"),
              encoding="utf-8") as f:
        routes = parse_routes(f.read())
    std = {n: param_kind(t) for n, t in
           ifaces["StandardParameters"][1].items() if n not in CLIENT_ONLY}
    params = {}
    for method, iface in METHODS.items():
        base, props = ifaces[iface]
        if base != "StandardParameters":
            raise ValueError("%s does not extend StandardParameters" % iface)
        declared = dict(std)
        for n, t in props.items():
            if n != "requestBody" and param_kind(t):
                declared[n] = param_kind(t)
        params[method] = declared
    want = {"users.list": ("GET", "/admin/directory/v1/users"),
            "users.get": ("GET", "/admin/directory/v1/users/{userKey}"),
            "users.patch": ("PATCH", "/admin/directory/v1/users/{userKey}"),
            "users.update": ("PUT", "/admin/directory/v1/users/{userKey}")}
    for method, route in want.items():
        if route not in routes:
            raise ValueError("the description has no %s %s (%s)"
                             % (route + (method,)))
        # A path parameter travels in the path, never in the query.
        for n in routes[route]:
            params[method].pop(n, None)
    for n in ("customer", "domain", "maxResults", "pageToken"):
        if n not in params["users.list"]:
            raise ValueError("users.list does not declare %s" % n)
    return {"params": params,
            "user": schema_tree(ifaces, "Schema$User"),
            "users": schema_tree(ifaces, "Schema$Users"),
            "types": dict(ifaces["Schema$User"][1])}


# -- the domain ------------------------------------------------------------

def parse_time(s):
    return int(datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
               .replace(tzinfo=timezone.utc).timestamp())


def fmt_ms(t, ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + \
        ".%03dZ" % ms


def mix(i, seed, salt):
    """64-bit splitmix of (i, seed, salt): the domain's only randomness."""
    z = (i * 0x9E3779B97F4A7C15 + seed * 0xBF58476D1CE4E5B9 + salt *
         0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


def user_facts(i, seed, now):
    """The facts of user i: times in whole seconds (+ ms), flags."""
    h = [mix(i, seed, k) for k in range(8)]
    created = now - (1 + h[0] % 2000) * DAY - h[1] % DAY
    never = h[2] % 20 == 0
    # Most people signed in this month; one in six long ago.
    span = 30 if h[3] % 6 else 1000
    last = now - (h[3] // 6 % span) * DAY - h[4] % DAY
    if i % 1000 == 1:  # created yesterday, never signed in: not dormant
        created, never = now - DAY, True
    if i % 5000 == 2:  # idle exactly 90 days: not dormant
        last, never, created = now - 90 * DAY, False, now - 500 * DAY
    if i % 5000 == 3:  # 90 days and a second: dormant
        last, never, created = now - 90 * DAY - 1, False, now - 500 * DAY
    if last < created:
        last = created + h[5] % DAY
    return {
        "created": created, "created_ms": h[6] % 1000,
        "last": None if never else last, "last_ms": h[7] % 1000,
        "admin": h[5] % 997 == 0, "delegated": h[6] % 991 == 1,
        "suspended": h[7] % 37 == 5, "archived": h[1] % 101 == 7,
        "2sv": h[2] % 3 == 0, "2sv_enforced": h[3] % 5 == 0,
    }


def email_of(i):
    return "user%06d@%s" % (i, DOMAIN)


def full_name(i):
    return "Zo\u00eb \u00dcnicode" if i == 3 else "User %d" % i


def make_user(i, seed, now, overrides=None):
    """User i as the Directory API's admin view returns it (projection
    basic), every member a pure function of (i, seed, now)."""
    f = user_facts(i, seed, now)
    o = (overrides or {}).get(i, {})
    suspended = o.get("suspended", f["suspended"])
    last = o.get("last", f["last"])
    uid = str(ID_BASE + i)
    u = {
        "kind": "admin#directory#user",
        "id": uid,
        "etag": '"etag-%d"' % i,
        "primaryEmail": email_of(i),
        "name": {"givenName": "User", "familyName": str(i),
                 "fullName": full_name(i)},
        "isAdmin": f["admin"],
        "isDelegatedAdmin": f["delegated"],
        "lastLoginTime": NEVER if last is None else
        fmt_ms(last, f["last_ms"]),
        "creationTime": fmt_ms(f["created"], f["created_ms"]),
        "agreedToTerms": True,
        "suspended": suspended,
        "archived": f["archived"],
        "changePasswordAtNextLogin": False,
        "ipWhitelisted": False,
        "emails": [{"address": email_of(i), "primary": True}],
        "phones": [{"value": "+1 555 01%05d" % (i % 100000),
                    "type": "work"}],
        "addresses": [{"type": "work", "formatted":
                       "%d Main Street, Springfield" % i}],
        "organizations": [{"name": "Example", "title": "Staff",
                           "primary": True}],
        "customerId": CUSTOMER_ID,
        "orgUnitPath": "/" if i % 4 else "/Sales",
        "isMailboxSetup": True,
        "isEnrolledIn2Sv": f["2sv"],
        "isEnforcedIn2Sv": f["2sv_enforced"],
        "includeInGlobalAddressList": True,
        "thumbnailPhotoUrl":
            "https://lh3.googleusercontent.com/a/photo-%d" % i,
    }
    if suspended:
        u["suspensionReason"] = "ADMIN"
    return u


# -- fields= (Google's partial response syntax) -----------------------------

class FieldError(Exception):
    pass


def parse_fields(s):
    """'a,b/c,d(e,f)' -> {'a': True, 'b': {'c': True}, 'd': {...}}."""
    pos = 0

    def selection(depth):
        nonlocal pos
        tree = {}
        while True:
            start = pos
            while pos < len(s) and s[pos] not in ",()/":
                pos += 1
            name = s[start:pos]
            if not name:
                raise FieldError(s)
            node = tree
            path = [name]
            while pos < len(s) and s[pos] == "/":
                pos += 1
                start = pos
                while pos < len(s) and s[pos] not in ",()/":
                    pos += 1
                if start == pos:
                    raise FieldError(s)
                path.append(s[start:pos])
            sub = True
            if pos < len(s) and s[pos] == "(":
                pos += 1
                sub = selection(depth + 1)
                if pos >= len(s) or s[pos] != ")":
                    raise FieldError(s)
                pos += 1
            for p in path[:-1]:
                nxt = node.get(p)
                if nxt is True:
                    break
                if nxt is None:
                    nxt = node[p] = {}
                node = nxt
            else:
                node[path[-1]] = sub
            if pos < len(s) and s[pos] == ",":
                pos += 1
                continue
            if depth > 0 and pos < len(s) and s[pos] == ")":
                return tree
            if depth == 0 and pos == len(s):
                return tree
            raise FieldError(s)

    return selection(0)


def check_fields(tree, schema):
    for name, sub in tree.items():
        if name == "*":
            continue
        if schema is ANY:
            continue
        if name not in schema:
            raise FieldError(name)
        if sub is not True:
            inner = schema[name]
            if inner is None:
                raise FieldError(name)
            check_fields(sub, inner)


def apply_fields(obj, tree):
    if tree is True:
        return obj
    if isinstance(obj, list):
        return [apply_fields(x, tree) for x in obj]
    if not isinstance(obj, dict):
        return obj
    if "*" in tree:
        return obj
    return {k: apply_fields(obj[k], sub) for k, sub in tree.items()
            if k in obj}


# -- RSA over the standard library ------------------------------------------

def der_read(buf, pos):
    """One DER TLV at pos: (tag, value bytes, next pos)."""
    tag = buf[pos]
    length = buf[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(buf[pos:pos + n], "big")
        pos += n
    return tag, buf[pos:pos + length], pos + length


def rsa_public_from_pem(pem):
    """(n, e) of a PKCS#8 or PKCS#1 RSA private key in PEM."""
    lines = [ln for ln in pem.strip().splitlines()
             if not ln.startswith("-----")]
    der = base64.b64decode("".join(lines))
    tag, body, _ = der_read(der, 0)
    if "BEGIN PRIVATE KEY" in pem:  # PKCS#8: unwrap the OCTET STRING
        pos = 0
        _, _, pos = der_read(body, pos)      # version
        _, _, pos = der_read(body, pos)      # AlgorithmIdentifier
        _, inner, _ = der_read(body, pos)    # privateKey
        _, body, _ = der_read(inner, 0)
    pos = 0
    _, _, pos = der_read(body, pos)          # version
    _, n, pos = der_read(body, pos)
    _, e, pos = der_read(body, pos)
    return int.from_bytes(n, "big"), int.from_bytes(e, "big")


# RFC 8017 section 9.2: DigestInfo of SHA-256.
SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


def rs256_verify(n, e, data, sig):
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return False
    m = pow(int.from_bytes(sig, "big"), e, n).to_bytes(k, "big")
    t = SHA256_PREFIX + hashlib.sha256(data).digest()
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return hmac.compare_digest(m, expected)


def b64url_decode(s):
    if not all(c.isalnum() or c in "-_" for c in s):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


# -- the server -------------------------------------------------------------

def google_error(code, message, reason, status, domain="global",
                 info=None, extra=None):
    """Google's JSON error body."""
    err = {"code": code, "message": message,
           "errors": [dict({"message": message, "domain": domain,
                            "reason": reason}, **(extra or {}))],
           "status": status}
    if info:
        err["details"] = [{"@type": "type.googleapis.com/google.rpc."
                           "ErrorInfo", "reason": info,
                           "domain": "googleapis.com"}]
    return {"error": err}


class GoogleHandler(mockserver.MockHandler):
    ROUTES = [
        ("POST", r"^/token$", "token"),
        ("GET", r"^/admin/directory/v1/users$", "users_list"),
        ("GET", r"^/admin/directory/v1/users/([^/]+)$", "users_get"),
        ("PATCH", r"^/admin/directory/v1/users/([^/]+)$", "users_patch"),
        ("PUT", r"^/admin/directory/v1/users/([^/]+)$", "users_update"),
    ]

    @property
    def st(self):
        return self.server.state

    def setup(self):
        super().setup()
        # The head and the body leave in two writes; with Nagle's
        # algorithm the body's last segment would wait for the client's
        # delayed ACK (40 ms), a delay no real service has.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY,
                                   1)

    def route(self, req):
        self.arrived = time.monotonic()
        return super().route(req)

    def send(self, status, body=b"", content_type="text/plain",
             headers=None):
        # --latency-ms is the time an answer takes, the mock's own work
        # included, as a real service's latency is: the answer leaves no
        # sooner than that after the request arrived.
        ms = self.st["args"].latency_ms
        if ms and hasattr(self, "arrived"):
            left = self.arrived + ms / 1000.0 - time.monotonic()
            if left > 0:
                time.sleep(left)
        super().send(status, body, content_type, headers)

    def mock_now(self):
        return time.time() + self.st["args"].clock_skew

    def send_compact(self, status, obj, headers=None):
        self.send(status, json.dumps(obj, separators=(",", ":")),
                  "application/json; charset=UTF-8", headers)

    # -- token endpoint ---------------------------------------------------

    def oauth_error(self, status, code, desc):
        self.send_compact(status, {"error": code,
                                   "error_description": desc})

    def token(self, req, match):
        a = self.st["args"]
        ctype = req.headers.get("Content-Type", "")
        if not ctype.startswith("application/x-www-form-urlencoded"):
            return self.oauth_error(400, "invalid_request",
                                    "Bad Request")
        form = req.form()
        if form.get("grant_type") != GRANT:
            return self.oauth_error(400, "unsupported_grant_type",
                                    "Invalid grant_type: %s"
                                    % form.get("grant_type", ""))
        parts = form.get("assertion", "").split(".")
        bad_jwt = ("invalid_grant", "Invalid JWT: could not be decoded")
        try:
            if len(parts) != 3:
                raise ValueError("parts")
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            sig = b64url_decode(parts[2])
        except (ValueError, UnicodeDecodeError):
            return self.oauth_error(400, *bad_jwt)
        if not isinstance(header, dict) or not isinstance(claims, dict):
            return self.oauth_error(400, *bad_jwt)
        with self.server.lock:
            self.st["assertions"].append({"header": header,
                                          "claims": claims})
        if header.get("alg") != "RS256" or \
                header.get("typ", "JWT") != "JWT":
            return self.oauth_error(400, "invalid_grant",
                                    "Invalid JWT: unsupported algorithm")
        if header.get("kid") != self.st["key_id"]:
            return self.oauth_error(400, "invalid_grant",
                                    "Invalid JWT Signature.")
        if not rs256_verify(self.st["n"], self.st["e"],
                            (parts[0] + "." + parts[1]).encode(), sig):
            return self.oauth_error(400, "invalid_grant",
                                    "Invalid JWT Signature.")
        if claims.get("iss") != self.st["client_email"]:
            return self.oauth_error(400, "invalid_grant",
                                    "Invalid JWT: iss: account not found")
        aud = "https://127.0.0.1:%d/token" % self.server.port
        if claims.get("aud") != aud:
            return self.oauth_error(400, "invalid_grant",
                                    "Invalid JWT: Failed audience check. "
                                    "The right audience is " + aud)
        iat, exp = claims.get("iat"), claims.get("exp")
        now = self.mock_now()
        if not isinstance(iat, int) or not isinstance(exp, int) or \
                isinstance(iat, bool) or exp <= iat or \
                exp - iat > 3600 or iat > now + 60 or exp < now:
            return self.oauth_error(
                400, "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 "
                "minutes) and in a reasonable timeframe. Check your iat "
                "and exp values in the JWT claim.")
        sub = claims.get("sub")
        if not isinstance(sub, str) or \
                sub not in self.st["admins"] and \
                sub not in self.st["non_admins"]:
            return self.oauth_error(400, "invalid_grant",
                                    "Invalid email or User ID")
        scopes = str(claims.get("scope", "")).split()
        if not scopes or any(s not in (SCOPE_RO, SCOPE_RW)
                             for s in scopes):
            return self.oauth_error(400, "invalid_scope",
                                    "Invalid OAuth scope or ID token "
                                    "audience provided.")
        if any(s not in self.st["delegated"] for s in scopes):
            return self.oauth_error(
                401, "unauthorized_client",
                "Client is unauthorized to retrieve access tokens using "
                "this method, or client not authorized for any of the "
                "scopes requested.")
        tok = "ya29.mock-" + secrets.token_urlsafe(32)
        with self.server.lock:
            self.st["tokens"][tok] = {"scopes": set(scopes), "sub": sub,
                                      "exp": time.time() + a.token_ttl}
            for s in scopes:
                self.st["issued"][s] = self.st["issued"].get(s, 0) + 1
        self.send_compact(200, {"access_token": tok,
                                "expires_in": a.token_ttl,
                                "scope": " ".join(scopes),
                                "token_type": "Bearer"})

    # -- Directory API: checks every call goes through --------------------

    def unauthenticated(self, missing):
        if missing:
            body = google_error(
                401, "Request is missing required authentication "
                "credential. Expected OAuth 2 access token, login cookie "
                "or other valid authentication credential.",
                "required", "UNAUTHENTICATED",
                extra={"location": "Authorization",
                       "locationType": "header"})
        else:
            body = google_error(
                401, "Request had invalid authentication credentials. "
                "Expected OAuth 2 access token, login cookie or other "
                "valid authentication credential.", "authError",
                "UNAUTHENTICATED",
                extra={"location": "Authorization",
                       "locationType": "header"})
        self.send_compact(401, body, {"WWW-Authenticate":
                                      'Bearer realm="https://accounts.'
                                      'google.com/"'})

    def authorize(self, req, write):
        """The caller's subject, or None once an error was sent."""
        tok = req.bearer()
        if tok is None:
            self.unauthenticated(True)
            return None
        with self.server.lock:
            info = self.st["tokens"].get(tok)
        if info is None or info["exp"] < time.time():
            self.unauthenticated(False)
            return None
        allowed = {SCOPE_RW} if write else {SCOPE_RO, SCOPE_RW}
        if not info["scopes"] & allowed:
            self.send_compact(403, google_error(
                403, "Request had insufficient authentication scopes.",
                "insufficientPermissions", "PERMISSION_DENIED",
                info="ACCESS_TOKEN_SCOPE_INSUFFICIENT"))
            return None
        sub = info["sub"]
        # Which token the call came with, for the state's "accepted".
        self.token_scope = "+".join(
            sorted("write" if s == SCOPE_RW else "read"
                   for s in info["scopes"]))
        if sub not in self.st["admins"]:
            self.send_compact(403, google_error(
                403, "Not Authorized to access this resource/api",
                "forbidden", "PERMISSION_DENIED"))
            return None
        if self.over_quota(sub):
            return None
        return sub

    def throttle(self):
        a = self.st["args"]
        with self.server.lock:
            self.st["throttled"] += 1
        if a.throttle_status == 429:
            return self.send_compact(429, google_error(
                429, "Rate limit exceeded.", "rateLimitExceeded",
                "RESOURCE_EXHAUSTED", domain="usageLimits"))
        self.send_compact(403, google_error(
            403, "Quota exceeded for quota metric 'Queries' and limit "
            "'Queries per minute per user' of service "
            "'admin.googleapis.com' for consumer 'project_number:"
            "123456789012'.", "userRateLimitExceeded",
            "PERMISSION_DENIED", domain="usageLimits",
            info="RATE_LIMIT_EXCEEDED"))

    def over_quota(self, sub):
        """The per-user quota: --quota N/SECONDS, a sliding window."""
        limit, window = self.st["quota"]
        if not limit:
            return False
        now = time.monotonic()
        with self.server.lock:
            q = [t for t in self.st["calls"].get(sub, [])
                 if t > now - window]
            over = len(q) >= limit
            q.append(now)  # a refused call counts too, as Google's
            self.st["calls"][sub] = q
        if over:
            self.throttle()
        return over

    def bad_request(self, message, reason="invalid"):
        self.send_compact(400, google_error(400, message, reason,
                                            "INVALID_ARGUMENT"))

    # Faults (mockserver's --faults): Google's own error bodies.
    def fault_error(self, status, retry_after):
        reason, text = {429: ("rateLimitExceeded", "RESOURCE_EXHAUSTED"),
                        500: ("backendError", "INTERNAL"),
                        503: ("backendError", "UNAVAILABLE")}[status]
        body = google_error(status, "injected fault", reason, text)
        return (status, "application/json", json.dumps(body),
                {"Retry-After": "1"} if retry_after else {})

    def expire_credentials(self):
        with self.server.lock:
            self.st["tokens"].clear()

    def reject(self, method, message, field=None):
        """Google's answer to a request its description does not allow:
        400 INVALID_ARGUMENT with a google.rpc.BadRequest detail (the
        AIP-193 error model that Google's front end answers a request it
        cannot bind with), and a note in the state for the tests."""
        violation = {"description": message}
        if field:
            violation = {"field": field, "description": message}
        with self.server.lock:
            self.st["rejected"].append({"method": method, "why": message})
        self.send_compact(400, {"error": {
            "code": 400, "message": message, "status": "INVALID_ARGUMENT",
            "details": [{"@type": "type.googleapis.com/google.rpc."
                         "BadRequest", "fieldViolations": [violation]}]}})

    def accepted(self, kind):
        with self.server.lock:
            self.st["accepted"][kind] = self.st["accepted"].get(kind, 0) + 1

    def unknown_params(self, req, method):
        """Sends the 400 and answers True unless every query parameter is
        one the description declares for `method`, once, with a value of
        its type (and of its enum, where the reference gives one)."""
        declared = self.st["desc"]["params"][method]
        for name, values in req.query.items():
            if name not in declared:
                self.reject(method, "Invalid JSON payload received. Unknown "
                            "name \"%s\": Cannot bind query parameter. "
                            "Field '%s' could not be found in request "
                            "message." % (name, name))
                return True
            # A single-valued parameter given twice, and a value that is
            # not of its type: refused with messages shaped like Google's
            # binding errors (their exact wording is not documented).
            if len(values) > 1:
                self.reject(method, "Invalid JSON payload received. Field "
                            "'%s' is repeated in the query but is not a "
                            "repeated field." % name)
                return True
            v, kind = values[0], declared[name]
            bad = None
            if kind == "number" and not re.fullmatch(r"-?[0-9]+", v):
                bad = "TYPE_INT32"
            elif kind == "boolean" and v not in ("true", "false"):
                bad = "TYPE_BOOL"
            elif name in ENUMS and v not in ENUMS[name]:
                bad = "TYPE_ENUM"
            if bad:
                self.reject(method, "Invalid value at '%s' (%s), \"%s\""
                            % (name, bad, v), name)
                return True
        return False

    def body_errors(self, obj, tree, types, path):
        """The first way a request body breaks the schema, or None."""
        if not isinstance(obj, dict):
            return ("Invalid JSON payload received. Expected an object.",
                    path)
        for k, v in obj.items():
            if k not in tree:
                return ("Invalid JSON payload received. Unknown name \"%s\""
                        " at '%s': Cannot find field." % (k, path), path)
            sub, typ = tree[k], (types or {}).get(k, "")
            where = "%s.%s" % (path, k)
            if v is None or sub is ANY:
                continue
            if isinstance(sub, dict):
                err = self.body_errors(v, sub, None, where)
                if err:
                    return err
                continue
            t = typ.replace(" | null", "")
            ok = {"boolean": lambda x: isinstance(x, bool),
                  "string": lambda x: isinstance(x, str),
                  "string[]": lambda x: isinstance(x, list) and
                  all(isinstance(y, str) for y in x)}.get(t)
            if ok and not ok(v):
                return ("Invalid value at '%s' (%s), %s"
                        % (where, {"boolean": "TYPE_BOOL"}.get(
                            t, "TYPE_STRING"), json.dumps(v)), where)
        return None

    def fields_of(self, req, method, schema):
        """The parsed fields= selection (True: everything), or None once
        an error was sent."""
        f = req.arg("fields")
        if f is None:
            return True
        with self.server.lock:
            self.st["fields_seen"].add(f)
        try:
            tree = parse_fields(f)
            check_fields(tree, schema)
        except FieldError as e:
            with self.server.lock:
                self.st["rejected"].append(
                    {"method": method, "why": "fields= names %s" % e.args[0]})
            self.bad_request("Invalid field selection %s" % e.args[0],
                             "invalidParameter")
            return None
        return tree

    def view(self, user, req):
        """The domain_public view leaves out what only admins see."""
        if req.arg("viewType", "admin_view") == "domain_public":
            for k in ("isAdmin", "isDelegatedAdmin", "lastLoginTime",
                      "suspended", "archived", "isEnrolledIn2Sv",
                      "isEnforcedIn2Sv", "customerId"):
                user.pop(k, None)
        return user

    def subject_user(self, email):
        digest = hashlib.sha256(email.encode()).hexdigest()
        return {"kind": "admin#directory#user",
                "id": str(2 * ID_BASE + int(digest[:12], 16)),
                "primaryEmail": email,
                "name": {"fullName": email.split("@")[0]},
                "isAdmin": email in self.st["admins"],
                "isDelegatedAdmin": False, "suspended": False,
                "archived": False, "customerId": CUSTOMER_ID,
                "orgUnitPath": "/", "creationTime": "2020-01-01T00:00:00.000Z",
                "lastLoginTime": fmt_ms(self.st["now"] - 3600, 0)}

    def user_index(self, key):
        key = urllib.parse.unquote(key)
        a = self.st["args"]
        if key.isdigit():
            i = int(key) - ID_BASE
        elif key.startswith("user") and key.endswith("@" + DOMAIN):
            try:
                i = int(key[4:-len(DOMAIN) - 1])
            except ValueError:
                return None
        else:
            return None
        return i if 0 <= i < a.users else None

    def not_found(self):
        self.send_compact(404, google_error(
            404, "Resource Not Found: userKey", "notFound", "NOT_FOUND"))

    # -- users.list -------------------------------------------------------

    def page_token(self, offset, binding):
        body = ("%d:%s" % (offset, binding)).encode()
        mac = hmac.new(self.st["secret"], body, "sha256").digest()[:12]
        return base64.urlsafe_b64encode(body + mac).decode().rstrip("=")

    def page_offset(self, token, binding):
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            body, mac = raw[:-12], raw[-12:]
            good = hmac.new(self.st["secret"], body,
                            "sha256").digest()[:12]
            off, bound = body.decode().split(":", 1)
            if not hmac.compare_digest(mac, good) or bound != binding:
                return None
            return int(off)
        except (ValueError, UnicodeDecodeError):
            return None

    def users_list(self, req, match):
        a = self.st["args"]
        if self.unknown_params(req, "users.list"):
            return
        sub = self.authorize(req, False)
        if sub is None:
            return
        with self.server.lock:
            self.st["list_calls"] += 1
            n_call = self.st["list_calls"]
        if a.throttle_always or n_call <= a.throttle_list:
            return self.throttle()
        customer, domain = req.arg("customer"), req.arg("domain")
        if not customer and not domain:
            return self.bad_request("Bad Request", "badRequest")
        if customer and customer not in ("my_customer", CUSTOMER_ID):
            return self.bad_request("Bad Request", "badRequest")
        if domain and domain != DOMAIN:
            self.send_compact(403, google_error(
                403, "Not Authorized to access this resource/api",
                "forbidden", "PERMISSION_DENIED"))
            return
        try:
            size = int(req.arg("maxResults", "100"))
        except ValueError:
            return self.bad_request("Invalid value '%s'"
                                    % req.arg("maxResults"))
        if not 1 <= size <= 500:
            return self.bad_request(
                "Invalid value '%d'. Values must be within the range: "
                "[1, 500]" % size)
        tree = self.fields_of(req, "users.list",
                              self.st["desc"]["users"])
        if tree is None:
            return
        binding = "%s|%s|%d|%s" % (customer, domain, size,
                                   req.arg("query", ""))
        token = req.arg("pageToken")
        offset = 0
        if token is not None:
            offset = self.page_offset(token, binding)
            if offset is None:
                return self.bad_request("Invalid page token")
        page_no = offset // size + 1
        faults = self.st["faults"].get(page_no, set())
        if "http500" in faults:
            return self.send_compact(500, google_error(
                500, "Backend Error", "backendError", "INTERNAL"))
        garble = "badjson" in faults
        if "badjsononce" in faults:
            with self.server.lock:
                garbled = self.st.setdefault("garbled_once", set())
                garble = page_no not in garbled
                garbled.add(page_no)
        if garble:
            return self.send(200, '{"kind":"admin#directory#users","users'
                             '":[{"id":"1"', "application/json")
        end = min(offset + size, a.users)
        with self.server.lock:
            overrides = dict(self.st["overrides"])
        users = [self.view(make_user(i, a.seed, self.st["now"],
                                     overrides), req)
                 for i in range(offset, end)]
        if "nolastlogin" in faults and users:
            users[0].pop("lastLoginTime", None)
        if "badtime" in faults and users:
            users[-1]["lastLoginTime"] = "yesterday"
        body = {"kind": "admin#directory#users", "etag": '"list-etag"'}
        if users:
            body["users"] = users
        if end < a.users:
            body["nextPageToken"] = self.page_token(end, binding)
        if "loop" in faults and token is not None:
            body["nextPageToken"] = token
        self.accepted("users.list " + self.token_scope)
        self.send_compact(200, apply_fields(body, tree))

    # -- users.get and users.patch ----------------------------------------

    def users_get(self, req, match):
        a = self.st["args"]
        if self.unknown_params(req, "users.get"):
            return
        if self.authorize(req, False) is None:
            return
        if "http500" in self.st["faults"].get("get", set()):
            return self.send_compact(500, google_error(
                500, "Backend Error", "backendError", "INTERNAL"))
        key = urllib.parse.unquote(match.group(1))
        if key in self.st["admins"] or key in self.st["non_admins"]:
            # The subjects are users of the domain too (outside the
            # numbered ones, which stay the domain's truth).
            tree = self.fields_of(req, "users.get", self.st["desc"]["user"])
            if tree is None:
                return
            with self.server.lock:
                self.st["subject_gets"] += 1
            self.accepted("users.get " + self.token_scope)
            return self.send_compact(200, apply_fields(
                self.subject_user(key), tree))
        i = self.user_index(match.group(1))
        if i is None:
            return self.not_found()
        tree = self.fields_of(req, "users.get", self.st["desc"]["user"])
        if tree is None:
            return
        with self.server.lock:
            self.st["gets"] += 1
            overrides = dict(self.st["overrides"])
        user = self.view(make_user(i, a.seed, self.st["now"], overrides),
                         req)
        if i in self.st["fresh"] and "lastLoginTime" in user:
            # Signed in since the listing: only a re-read sees it.
            user["lastLoginTime"] = fmt_ms(self.st["now"] - 3600, 0)
        self.accepted("users.get " + self.token_scope)
        self.send_compact(200, apply_fields(user, tree))

    def users_patch(self, req, match):
        a = self.st["args"]
        if self.unknown_params(req, "users.patch"):
            return
        sub = self.authorize(req, True)
        if sub is None:
            return
        if not req.headers.get("Content-Type", "").startswith(
                "application/json"):
            return self.reject("users.patch",
                               "Invalid JSON payload received.")
        try:
            patch = req.json()
        except (ValueError, UnicodeDecodeError):
            return self.reject("users.patch",
                               "Invalid JSON payload received.")
        # The body is a User (Params$Resource$Users$Patch: requestBody
        # Schema$User): every name and type as the description has it.
        err = self.body_errors(patch, self.st["desc"]["user"],
                               self.st["desc"]["types"], "resource")
        if err:
            return self.reject("users.patch", err[0], err[1])
        if set(patch) != {"suspended"} or \
                not isinstance(patch["suspended"], bool):
            # Google would take any User property; dormant changes only
            # this one, and anything else here is a bug in dormant.
            return self.reject("users.patch", "mock: dormant patches "
                               "only \"suspended\", got %s"
                               % sorted(patch))
        i = self.user_index(match.group(1))
        if i is None:
            return self.not_found()
        tree = self.fields_of(req, "users.patch", self.st["desc"]["user"])
        if tree is None:
            return
        with self.server.lock:
            self.st["overrides"].setdefault(i, {})["suspended"] = \
                patch["suspended"]
            self.st["patches"].append({"id": str(ID_BASE + i),
                                       "suspended": patch["suspended"],
                                       "subject": sub})
            overrides = dict(self.st["overrides"])
        user = make_user(i, a.seed, self.st["now"], overrides)
        self.accepted("users.patch suspended=%s %s" % (
            "true" if patch["suspended"] else "false", self.token_scope))
        self.send_compact(200, apply_fields(user, tree))

    def users_update(self, req, match):
        """users.update replaces the whole User: a client that sent only
        {"suspended": true} would blank every other property. Declared by
        Google, so its parameters are checked as such, but dormant must
        never send it: always refused, and noted."""
        if self.unknown_params(req, "users.update"):
            return
        return self.reject("users.update", "mock: dormant must not replace "
                           "a user (users.update); it patches")

    # -- control --------------------------------------------------------

    def _control(self, req):
        if req.path == "/_mock/gcp/state":
            with self.server.lock:
                s = self.st
                out = {"issued": dict(s["issued"]),
                       "assertions": list(s["assertions"]),
                       "patches": list(s["patches"]),
                       "list_calls": s["list_calls"], "gets": s["gets"],
                       "throttled": s["throttled"],
                       "fields_seen": sorted(s["fields_seen"]),
                       "accepted": dict(s["accepted"]),
                       "subject_gets": s["subject_gets"],
                       "rejected": list(s["rejected"]),
                       "live_tokens": len(s["tokens"])}
            return self.send_json(200, out)
        if req.path == "/_mock/gcp/revoke":
            with self.server.lock:
                self.st["tokens"].clear()
            return self.send_json(200, {"revoked": True})
        if req.path == "/_mock/gcp/login":
            i = self.user_index(req.arg("id", ""))
            if i is None:
                return self.send_json(404, {"error": "no such user"})
            with self.server.lock:
                self.st["overrides"].setdefault(i, {})["last"] = \
                    parse_time(req.arg("time"))
            return self.send_json(200, {"ok": True})
        return super()._control(req)


def add_arguments(p):
    p.add_argument("--sa-key", required=True,
                   help="the service-account key file the client uses")
    p.add_argument("--users", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--now", default="2026-11-28T12:00:00Z",
                   help="the time the domain's data is relative to")
    p.add_argument("--admins", default="admin@" + DOMAIN,
                   help="subjects that exist and are admins")
    p.add_argument("--non-admins", default="staff@" + DOMAIN,
                   help="subjects that exist but are no admins")
    p.add_argument("--delegated-scopes", default=SCOPE_RO + "," + SCOPE_RW,
                   help="scopes domain-wide delegation allows ('none')")
    p.add_argument("--token-ttl", type=int, default=3600)
    p.add_argument("--clock-skew", type=int, default=0,
                   help="seconds the mock's clock is ahead")
    p.add_argument("--latency-ms", type=int, default=0)
    p.add_argument("--quota", default="",
                   help="N/SECONDS: calls a subject may make per window")
    p.add_argument("--throttle-list", type=int, default=0)
    p.add_argument("--throttle-always", action="store_true")
    p.add_argument("--throttle-status", type=int, default=403,
                   choices=(403, 429))
    p.add_argument("--fresh-login", default="",
                   help="I,J,...: users whom users.get shows signed in an "
                   "hour before --now (since the listing)")
    p.add_argument("--fault", action="append", default=[],
                   help="KIND:PAGE, KIND in badjson, badjsononce, http500, loop, "
                   "nolastlogin, badtime; or http500:get")


def setup(server, args):
    with open(args.sa_key, encoding="utf-8") as f:
        key = json.load(f)
    n, e = rsa_public_from_pem(key["private_key"])
    faults = {}
    for spec in args.fault:
        kind, page = spec.split(":")
        faults.setdefault(page if page == "get" else int(page),
                          set()).add(kind)
    quota = (0, 1.0)
    if args.quota:
        limit, window = args.quota.split("/")
        quota = (int(limit), float(window))
    server.state.update({
        "args": args, "n": n, "e": e, "key_id": key["private_key_id"],
        "client_email": key["client_email"],
        "now": parse_time(args.now),
        "admins": set(filter(None, args.admins.split(","))),
        "non_admins": set(filter(None, args.non_admins.split(","))),
        "delegated": set() if args.delegated_scopes == "none" else
        set(args.delegated_scopes.split(",")),
        "secret": secrets.token_bytes(32), "tokens": {}, "issued": {},
        "assertions": [], "patches": [], "overrides": {},
        "list_calls": 0, "gets": 0, "throttled": 0, "fields_seen": set(),
        "accepted": {}, "rejected": [], "subject_gets": 0, "desc": load_description(),
        "faults": faults, "quota": quota, "calls": {},
        "fresh": {int(x) for x in args.fresh_login.split(",") if x},
    })


# -- helper modes -------------------------------------------------------------

def make_key(pem_path, token_uri):
    with open(pem_path, encoding="ascii") as f:
        pem = f.read()
    print(json.dumps({
        "type": "service_account", "project_id": "dormant-test",
        "private_key_id": KEY_ID, "private_key": pem,
        "client_email": CLIENT_EMAIL, "client_id": CLIENT_ID,
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url":
            "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/"
            "metadata/x509/dormant-scan%40dormant-test.iam."
            "gserviceaccount.com",
        "universe_domain": "googleapis.com"}, indent=2))


def iso(t):
    return None if t is None else \
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def dormant_truth(users, seed, now, days):
    """What a correct scan finds in the domain: (i, facts, reference) of
    every user who can sign in and has been idle more than `days`."""
    for i in range(users):
        u = user_facts(i, seed, now)
        if u["suspended"] or u["archived"]:
            continue
        ref = u["created"] if u["last"] is None else u["last"]
        if now - ref > days * DAY:
            yield i, u, ref


def check(report_path, users, seed, now_s, days, scope):
    """Compares a dormant JSON report with the truth, user by user."""
    now = parse_time(now_s)
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    got = {f["id"]: f for f in report["findings"] if f["provider"] ==
           "gcp"}
    want = {}
    for i, u, ref in dormant_truth(users, seed, now, days):
        admin = u["admin"] or u["delegated"]
        want[str(ID_BASE + i)] = {
            "provider": "gcp", "scope": scope, "id": str(ID_BASE + i),
            "name": email_of(i), "email": email_of(i),
            "display_name": full_name(i), "created": iso(u["created"]),
            "last_login": iso(u["last"]), "reference": iso(ref),
            "days_inactive": (now - ref) // DAY,
            "never_logged_in": u["last"] is None, "admin": admin,
            "risk": "high" if admin else "medium",
            "2sv": u["2sv"]}
    bad = 0
    for uid in sorted(set(got) | set(want)):
        g, w = got.get(uid), want.get(uid)
        if g is None or w is None:
            bad += 1
            if bad <= 10:
                print("# %s: %s" % (uid, "missing from the report" if g is
                                    None else "reported, not dormant"))
            continue
        diff = [k for k in w if k != "2sv" and g.get(k) != w[k]]
        if g.get("details", {}).get("isEnrolledIn2Sv") != w["2sv"]:
            diff.append("details.isEnrolledIn2Sv")
        if diff:
            bad += 1
            if bad <= 10:
                print("# %s: %s" % (uid, ", ".join(
                    "%s got %r want %r" % (k, g.get(k), w.get(k))
                    for k in diff)))
    gcp = [p for p in report["providers"] if p["provider"] == "gcp"]
    if len(gcp) != 1 or gcp[0]["users_scanned"] != users or \
            gcp[0]["status"] != "ok" or gcp[0]["findings"] != len(want):
        bad += 1
        print("# provider line: %r (want %d users, %d findings)"
              % (gcp, users, len(want)))
    print("# %d users, %d dormant in truth, %d reported, %d mismatches"
          % (users, len(want), len(got), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--make-key":
        make_key(sys.argv[2], sys.argv[3])
        sys.exit(0)
    if len(sys.argv) >= 2 and sys.argv[1] == "--check":
        # --check REPORT USERS SEED NOW DAYS SCOPE
        sys.exit(check(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                       sys.argv[5], int(sys.argv[6]), sys.argv[7]))
    sys.exit(mockserver.serve(GoogleHandler, add_arguments=add_arguments,
                              setup=setup))
