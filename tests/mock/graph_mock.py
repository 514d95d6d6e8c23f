"""dormant test mock: the Microsoft identity platform and Microsoft Graph v1.0.

As strict as the real services, for what dormant's azure provider uses:

  POST /{tenant}/oauth2/v2.0/token       client credentials grant: a client
       secret, a certificate assertion (RS256 JWT: signature checked with
       the registered certificate's RSA key, x5t#S256 thumbprint, aud, iss,
       sub, jti never reused, nbf/exp), or a federated token; AADSTS
       errors as Entra writes them
  GET  /v1.0/users                       $select (known properties only),
       $top 1..999 (120 at most per page once signInActivity is selected),
       opaque signed $skiptoken in @odata.nextLink
  GET  /v1.0/users/$count                needs ConsistencyLevel: eventual
  GET  /v1.0/users/{id}                  $select
  PATCH /v1.0/users/{id}                 {"accountEnabled": bool} only
  POST /v1.0/users/{id}/revokeSignInSessions
  GET  /v1.0/roleManagement/directory/roleAssignments   ($expand=principal)
  GET  /v1.0/roleManagement/directory/roleEligibilitySchedules  (same)
  GET  /v1.0/groups/{id}/members         ($select=id)
  POST /v1.0/$batch                      at most 20 requests, answers in
       shuffled order, per-request throttling on demand

What it accepts and answers is checked against Graph's published types
(@microsoft/microsoft-graph-types, microsoft-graph.d.ts, found through
api_models.py and loaded at start-up): $select, $filter and $expand may
name only properties the entity type declares (400 BadRequest "Could not
find a property named 'x' on type 'microsoft.graph.user'." otherwise), a
PATCH /users/{id} body only properties of User, and every object the mock
answers only declared property names (a self-check: 500 MockSelfCheck
otherwise, recorded in /_graph/state). Paths, OData query options,
$batch, actions and the token endpoint are not in that package and stay
hand-written. Without the package the mock runs on its own lists and says
so on stderr.

Every Graph call needs a live bearer token from the token endpoint whose
application roles allow it (403 Authorization_RequestDenied otherwise).

The tenant is generated: user i's fields are a pure function of (i, seed,
now), so a test recomputes the truth with make_user() and admin_ids().

Test control (not Graph): GET /_graph/state (actions, token requests),
POST /_graph/revoke-tokens (every issued token becomes invalid).
"""

import base64
import calendar
import hashlib
import hmac
import json
import os
import random
import re
import secrets
import socket
import ssl
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_models  # noqa: E402
import mockserver  # noqa: E402

NEVER = "0001-01-01T00:00:00Z"
DAY = 86400
USER_PROPS = ["id", "userPrincipalName", "mail", "displayName",
              "accountEnabled", "createdDateTime", "userType",
              "signInActivity", "givenName", "surname", "jobTitle"]
ROLE_GA = "62e90394-69f5-4237-9190-012177145e10"
ROLE_UA = "fe930be7-5e62-47db-91af-98c3a49a38b1"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SHA256_DIGESTINFO = bytes.fromhex("3031300d060960864801650304020105000420")

# Which roles each call accepts (the "Permissions" table of each API page).
NEEDS = {
    "users": {"User.Read.All", "User.ReadWrite.All", "Directory.Read.All"},
    "signin": {"AuditLog.Read.All"},
    "roles": {"RoleManagement.Read.Directory", "RoleManagement.Read.All",
              "Directory.Read.All"},
    # "List roleEligibilitySchedules": least privileged first.
    "eligible": {"RoleEligibilitySchedule.Read.Directory",
                 "RoleEligibilitySchedule.ReadWrite.Directory",
                 "RoleManagement.Read.Directory", "RoleManagement.Read.All",
                 "RoleManagement.ReadWrite.Directory"},
    "members": {"GroupMember.Read.All", "Group.Read.All",
                "Directory.Read.All"},
    "enable": {"User.EnableDisableAccount.All", "User.ReadWrite.All"},
    "revoke": {"User.RevokeSessions.All", "User.ReadWrite.All"},
}


# -- the generated tenant ---------------------------------------------------

def iso(t, frac=False):
    s = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))
    return s + (".1234567Z" if frac else "Z")


def user_id(i, seed):
    return "%08x-%04x-4%03x-8%03x-%012x" % (
        (i * 2654435761 + seed) & 0xffffffff, (i >> 16) & 0xffff,
        i & 0xfff, seed & 0xfff, i)


def make_user(i, seed, now):
    """User i as Graph returns it with every property we select."""
    guest = i % 13 == 5
    upn = ("guest%d_fabrikam.example#EXT#@contoso.example" % i if guest
           else "user%06d@contoso.example" % i)
    d1 = now - ((i * 7919) % 400) * DAY - (i * 37) % DAY
    frac = i % 3 == 0
    kind = i % 7
    if kind == 0:
        sia = None
    elif kind == 1:
        sia = {"lastSignInDateTime": iso(d1, frac),
               "lastNonInteractiveSignInDateTime": iso(d1 - DAY),
               "lastSuccessfulSignInDateTime": iso(d1, frac)}
    elif kind == 2:  # a password spray: recent failures, old success
        sia = {"lastSignInDateTime": iso(now - 5 * DAY),
               "lastNonInteractiveSignInDateTime": NEVER,
               "lastSuccessfulSignInDateTime": iso(d1)}
    elif kind == 3:  # before successful sign-ins were recorded
        sia = {"lastSignInDateTime": iso(d1 - 300 * DAY),
               "lastNonInteractiveSignInDateTime": iso(d1, frac)}
    elif kind == 4:
        sia = {"lastSignInDateTime": iso(d1),
               "lastNonInteractiveSignInDateTime": NEVER,
               "lastSuccessfulSignInDateTime": None}
    elif kind == 5:
        sia = {"lastSignInDateTime": None,
               "lastNonInteractiveSignInDateTime": iso(d1)}
    else:
        sia = {"lastSignInDateTime": NEVER,
               "lastNonInteractiveSignInDateTime": NEVER,
               "lastSuccessfulSignInDateTime": NEVER}
    created = None if i % 97 == 1 else iso(now - (400 + i % 900) * DAY)
    return {
        "id": user_id(i, seed),
        "userPrincipalName": upn,
        "mail": None if i % 5 == 0 else "u%d@contoso.example" % i,
        "displayName": "User %d" % i,
        "accountEnabled": i % 11 != 3,
        "createdDateTime": created,
        "userType": "Guest" if guest else "Member",
        "signInActivity": sia,
        "givenName": None, "surname": None, "jobTitle": None,
    }


def direct_admins(n):
    return [i for i in range(n) if i % 1000 == 7]


def group_admins(n):
    return [i for i in range(n) if i % 1500 in (11, 19)]


def eligible_admins(n):
    """PIM: eligible for Global Administrator, not active."""
    return [i for i in range(n) if i % 1000 == 13]


def eligible_group_admins(n):
    """Members of a role-assignable group that is eligible for a role."""
    return [i for i in range(n) if i % 1500 == 17]


def dormant_truth(n, seed, now, days):
    """What a correct scan finds in the tenant: {id: facts} of every
    enabled user idle more than `days` days by dormant's rule (the last
    successful sign-in, else the latest attempt, else the creation)."""
    def t(v):
        if v is None or v == NEVER:
            return None
        return calendar.timegm(time.strptime(v[:19], "%Y-%m-%dT%H:%M:%S"))
    admins = admin_ids(n, seed)
    out = {}
    for i in range(n):
        u = make_user(i, seed, now)
        s = u["signInActivity"] or {}
        ok = t(s.get("lastSuccessfulSignInDateTime"))
        other = [x for x in (t(s.get("lastSignInDateTime")),
                             t(s.get("lastNonInteractiveSignInDateTime")))
                 if x is not None]
        last = ok if ok is not None else (max(other) if other else None)
        ref = last if last is not None else t(u["createdDateTime"])
        if not u["accountEnabled"]:
            continue
        if ref is not None and now - ref <= days * DAY:
            continue
        out[u["id"]] = {
            "name": u["userPrincipalName"], "mail": u["mail"],
            "last_login": None if last is None else time.strftime(
                "%Y-%m-%dT%H:%M:%SZ", time.gmtime(last)),
            "days_inactive": None if ref is None else (now - ref) // DAY,
            "admin": u["id"] in admins, "guest": u["userType"] == "Guest"}
    return out


def admin_ids(n, seed):
    """Every user holding a directory role, active or eligible, directly
    or through a group."""
    return {user_id(i, seed) for i in direct_admins(n) + group_admins(n) +
            eligible_admins(n) + eligible_group_admins(n)}


# -- the published description: @microsoft/microsoft-graph-types ----------

class GraphTypes:
    """Entity and complex types of Graph v1.0 with their property names, as
    microsoft-graph.d.ts declares them: `export interface User extends
    DirectoryObject {` then `    name?: Type;` lines up to `}`. A property
    whose type is an entity (an interface that extends Entity) is a
    navigation property ($expand); the others are structural ($select,
    request bodies). Paths, OData query options and actions are not in the
    package: those stay hand-written below."""

    def __init__(self, path):
        self.path = path
        self.types = {}
        cur = None
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^export interface (\w+)(?: extends (\w+))? \{",
                             line)
                if m:
                    cur = m.group(1)
                    self.types[cur] = (m.group(2), {})
                    continue
                if cur is None:
                    continue
                if line.startswith("}"):
                    cur = None
                    continue
                m = re.match(r'^    "?([@\w.]+)"?\??: (.*);$', line)
                if m:
                    self.types[cur][1][m.group(1)] = self.base_type(
                        m.group(2))
        for need in ("Entity", "User", "SignInActivity",
                     "UnifiedRoleAssignment",
                     "UnifiedRoleEligibilitySchedule", "DirectoryObject"):
            if need not in self.types:
                raise api_models.Missing("%s in %s" % (need, path))

    @staticmethod
    def base_type(t):
        t = t.strip()
        m = re.match(r"^NullableOption<(.*)>$", t)
        if m:
            t = m.group(1)
        return t[:-2] if t.endswith("[]") else t

    @staticmethod
    def interface(odata_name):
        """'microsoft.graph.servicePrincipal' -> 'ServicePrincipal'."""
        n = odata_name.lstrip("#").rsplit(".", 1)[-1]
        return n[:1].upper() + n[1:]

    def props(self, name):
        out = {}
        while name:
            base, own = self.types[name]
            for k, v in own.items():
                out.setdefault(k, v)
            name = base
        return out

    def is_entity(self, name):
        while name in self.types:
            if name == "Entity":
                return True
            name = self.types[name][0]
        return False

    def structural(self, name):
        return {k for k, t in self.props(name).items()
                if not self.is_entity(t)}

    def navigation(self, name):
        return {k for k, t in self.props(name).items() if self.is_entity(t)}

    def undeclared(self, name, obj, where="$"):
        """Property names of obj (and of the complex or expanded objects in
        it) that its type does not declare, as JSON paths."""
        if not isinstance(obj, dict):
            return []
        t = obj.get("@odata.type")
        if isinstance(t, str) and self.interface(t) in self.types:
            name = self.interface(t)
        props = self.props(name)
        bad = []
        for k, v in obj.items():
            if k.startswith("@odata.") or "@odata." in k:
                continue  # annotations, not properties
            if k not in props:
                bad.append("%s.%s (not on %s)" % (where, k, name))
                continue
            inner = props[k]
            if inner in self.types:
                for i, item in enumerate(v if isinstance(v, list) else [v]):
                    bad += self.undeclared(inner, item, "%s.%s" % (where, k)
                                           + ("[%d]" % i
                                              if isinstance(v, list) else ""))
        return bad


def load_types():
    """GraphTypes from the installed package, or None (the mock then keeps
    its own lists; tests that need the description skip without it)."""
    try:
        return GraphTypes(api_models.npm_file(
            "@microsoft/microsoft-graph-types", "microsoft-graph.d.ts"))
    except api_models.Missing as e:
        print("graph_mock: Graph types not checked: missing %s" % e,
              file=sys.stderr)
        return None


def unknown_property(prop, odata_type):
    """Graph's answer to a name its type does not declare in $select,
    $expand, $filter or $orderby (the OData library's message)."""
    return graph_error(400, "BadRequest",
                       "Could not find a property named '%s' on type "
                       "'microsoft.graph.%s'." % (prop[:60], odata_type))


# -- certificates (standard library only) -----------------------------------

def der_read(data, pos):
    """One DER TLV at pos: (tag, value start, value end)."""
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7f
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    return tag, pos, pos + length


def der_children(data, start, end):
    out = []
    while start < end:
        tag, vs, ve = der_read(data, start)
        out.append((tag, vs, ve))
        start = ve
    return out


def rsa_public_key(der):
    """(n, e) of an X.509 certificate's RSA key."""
    _, s, e = der_read(der, 0)
    tbs = der_children(der, s, e)[0]
    fields = der_children(der, tbs[1], tbs[2])
    if fields[0][0] == 0xA0:  # explicit version
        fields = fields[1:]
    spki = fields[5]
    _, bs, be = der_children(der, spki[1], spki[2])[1]
    bits = der[bs + 1:be]  # skip the unused-bits byte
    _, ks, ke = der_read(bits, 0)
    n_tlv, e_tlv = der_children(bits, ks, ke)
    n = int.from_bytes(bits[n_tlv[1]:n_tlv[2]], "big")
    e = int.from_bytes(bits[e_tlv[1]:e_tlv[2]], "big")
    return n, e


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def rs256_verify(n, e, signed, sig):
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return False
    m = pow(int.from_bytes(sig, "big"), e, n).to_bytes(k, "big")
    digest = hashlib.sha256(signed).digest()
    want = (b"\x00\x01" + b"\xff" * (k - 3 - len(SHA256_DIGESTINFO) - 32)
            + b"\x00" + SHA256_DIGESTINFO + digest)
    return hmac.compare_digest(m, want)


# -- answers ----------------------------------------------------------------

def graph_error(status, code, message, headers=None):
    body = {"error": {"code": code, "message": message, "innerError": {
        "date": iso(time.time()), "request-id": secrets.token_hex(8),
        "client-request-id": secrets.token_hex(8)}}}
    return status, dict(headers or {}), body


def aad_error(status, error, code, text):
    desc = ("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\n"
            "Timestamp: %s" % (code, text, secrets.token_hex(8),
                               secrets.token_hex(8), iso(time.time())))
    return status, {}, {"error": error, "error_description": desc,
                        "error_codes": [code], "timestamp": iso(time.time()),
                        "trace_id": secrets.token_hex(8),
                        "correlation_id": secrets.token_hex(8)}


class Sub:
    """A request, from HTTP or from inside a $batch."""

    def __init__(self, method, path, query, headers, body, token):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.token = token

    def arg(self, name):
        v = self.query.get(name)
        return v[0] if v else None


class GraphHandler(mockserver.MockHandler):

    ROUTES = []  # route() below dispatches

    def send_json(self, status, obj, headers=None):
        # Compact, as Graph sends it (and fast for 100,000 users).
        self.send(status, json.dumps(obj, separators=(",", ":")),
                  "application/json", headers)

    # -- plumbing --

    def route(self, req):
        st = self.server.state
        if st["latency"]:
            time.sleep(st["latency"])
        if req.path == "/_graph/state":
            with self.server.lock:
                snap = json.loads(json.dumps(st["public"]))
            return self.send_json(200, snap)
        if req.path == "/_graph/revoke-tokens" and req.method == "POST":
            with self.server.lock:
                st["tokens"].clear()
            return self.send_json(200, {})
        m = re.match(r"^/([^/]+)/oauth2/v2\.0/token$", req.path)
        if m:
            return self.answer(*self.token(req, m.group(1)))
        if not req.path.startswith("/v1.0/"):
            return self.answer(*graph_error(404, "BadRequest",
                                            "Resource not found for the "
                                            "segment."))
        sub = Sub(req.method, req.path[len("/v1.0"):], req.query,
                  req.headers, req.body, req.bearer())
        self.answer(*self.graph(sub, top=True))

    # Faults (mockserver's --faults): Graph's own error bodies.
    def fault_error(self, status, retry_after):
        code = {429: "TooManyRequests", 500: "generalException",
                503: "serviceNotAvailable"}[status]
        status, headers, body = graph_error(
            status, code, "injected fault",
            {"Retry-After": "1"} if retry_after else None)
        return status, "application/json", json.dumps(body), headers

    @staticmethod
    def is_mutation(req):
        # A $batch of PATCHes (dormant sends no batch of reads alone).
        return req.method == "PATCH" or (req.method == "POST" and
                                         req.path.endswith("/$batch"))

    def expire_credentials(self):
        with self.server.lock:
            self.server.state["tokens"].clear()

    def answer(self, status, headers, body):
        if isinstance(body, (dict, list)):
            return self.send_json(status, body, headers)
        if body is None:
            return self.send(status, b"", None, headers)
        return self.send(status, body, "text/plain", headers)

    def count(self, key):
        with self.server.lock:
            c = self.server.state["public"]["counts"]
            c[key] = c.get(key, 0) + 1
            return c[key]

    def event(self, what, **kw):
        with self.server.lock:
            self.server.state["public"]["events"].append(dict(kw, op=what))

    # -- identity platform --

    def token(self, req, tenant):
        st = self.server.state
        now = time.time()
        if req.method != "POST":
            return aad_error(405, "invalid_request", 900561,
                             "The endpoint only accepts POST requests.")
        if req.headers.get("Content-Type", "").split(";")[0].strip() != \
                "application/x-www-form-urlencoded":
            return aad_error(400, "invalid_request", 900144,
                             "The request body must contain the following "
                             "parameter: 'grant_type'.")
        form = urllib.parse.parse_qs(req.text(), keep_blank_values=True)
        if any(len(v) != 1 for v in form.values()):
            return aad_error(400, "invalid_request", 90014,
                             "A parameter appears more than once.")
        f = {k: v[0] for k, v in form.items()}
        self.count("token")
        if tenant != st["tenant"]:
            return aad_error(400, "invalid_request", 90002,
                             "Tenant '%s' not found. Check to make sure you "
                             "have the correct tenant ID." % tenant[:60])
        if f.get("grant_type") != "client_credentials":
            return aad_error(400, "unsupported_grant_type", 70003,
                             "The app requested an unsupported grant type.")
        if f.get("client_id") != st["client_id"]:
            return aad_error(400, "unauthorized_client", 700016,
                             "Application with identifier '%s' was not "
                             "found in the directory." %
                             f.get("client_id", "")[:60])
        with self.server.lock:
            st["public"]["scopes"].append(f.get("scope"))
        if f.get("scope") != st["resource"] + "/.default":
            return aad_error(400, "invalid_scope", 1002012,
                             "The provided value for scope is not valid. "
                             "Client credential flows must have a scope "
                             "value with /.default suffixed.")
        kind = None
        if "client_secret" in f:
            if "client_assertion" in f:
                return aad_error(400, "invalid_request", 90014,
                                 "Only one credential may be presented.")
            if st["secret"] is None or not hmac.compare_digest(
                    f["client_secret"], st["secret"]):
                return aad_error(401, "invalid_client", 7000215,
                                 "Invalid client secret provided. Ensure "
                                 "the secret being sent in the request is "
                                 "the client secret value, not the client "
                                 "secret ID.")
            kind = "secret"
        elif "client_assertion" in f:
            if f.get("client_assertion_type") != ASSERTION_TYPE:
                return aad_error(400, "invalid_request", 90014,
                                 "client_assertion_type is missing or "
                                 "wrong.")
            kind, err = self.assertion(f["client_assertion"], tenant, now)
            if err:
                return err
        else:
            return aad_error(401, "invalid_client", 7000218,
                             "The request body must contain the following "
                             "parameter: 'client_assertion' or "
                             "'client_secret'.")
        tok = "mock." + secrets.token_urlsafe(32)
        life = st["token_lifetime"]
        with self.server.lock:
            st["tokens"][tok] = (now + life, frozenset(st["roles"]))
            st["public"]["token_requests"].append(kind)
            if "token" not in st["public"]["kinds"]:
                st["public"]["kinds"].append("token")
        return 200, {}, {"token_type": "Bearer", "expires_in": life,
                         "ext_expires_in": life, "access_token": tok}

    def assertion(self, jwt, tenant, now):
        st = self.server.state
        if st["federated"] is not None and hmac.compare_digest(
                jwt, st["federated"]):
            return "federated", None
        bad = aad_error(401, "invalid_client", 700027,
                        "Client assertion failed signature validation.")
        parts = jwt.split(".")
        if len(parts) != 3 or st["cert"] is None:
            return None, bad
        try:
            hdr = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            sig = b64url_decode(parts[2])
        except (ValueError, UnicodeDecodeError):
            return None, bad
        n, e, thumb = st["cert"]
        if hdr.get("alg") != "RS256" or hdr.get("typ") != "JWT":
            return None, bad
        if hdr.get("x5t#S256") != thumb:
            return None, aad_error(401, "invalid_client", 700027,
                                   "The certificate with identifier used "
                                   "to sign the client assertion is not "
                                   "registered on application.")
        if not rs256_verify(n, e, (parts[0] + "." + parts[1]).encode(),
                            sig):
            return None, bad
        if st["cert_expired"]:
            return None, aad_error(401, "invalid_client", 700027,
                                   "The certificate used to sign the "
                                   "client assertion has expired.")
        aud = "%s/%s/oauth2/v2.0/token" % (st["base"], tenant)
        if claims.get("aud") != aud or \
                claims.get("iss") != st["client_id"] or \
                claims.get("sub") != st["client_id"]:
            return None, aad_error(401, "invalid_client", 700021,
                                   "Client assertion audience, issuer or "
                                   "subject claim does not match.")
        jti = claims.get("jti")
        nbf, exp = claims.get("nbf"), claims.get("exp")
        if not isinstance(jti, str) or not jti or \
                not isinstance(nbf, (int, float)) or \
                not isinstance(exp, (int, float)):
            return None, bad
        if nbf > now + 300 or exp <= now:
            return None, aad_error(401, "invalid_client", 700024,
                                   "Client assertion is not within its "
                                   "valid time range.")
        with self.server.lock:
            if jti in st["jtis"]:
                replay = True
            else:
                replay = False
                st["jtis"].add(jti)
        if replay:
            return None, aad_error(401, "invalid_client", 700027,
                                   "The client assertion was already used "
                                   "(jti replayed).")
        return "certificate", None

    # -- Graph --

    def authorize(self, sub, *needs):
        st = self.server.state
        with self.server.lock:
            entry = st["tokens"].get(sub.token) if sub.token else None
        if entry is None or entry[0] <= time.time():
            return graph_error(401, "InvalidAuthenticationToken",
                               "Access token has expired or is not yet "
                               "valid.", {"WWW-Authenticate":
                                          'Bearer realm=""'})
        for need in needs:
            if not entry[1] & NEEDS[need]:
                return graph_error(403, "Authorization_RequestDenied",
                                   "Insufficient privileges to complete "
                                   "the operation.")
        return None

    # What each route answers, for the self-check against the types: the
    # entity type of a collection's items, or of a single answer.
    ROUTES_GRAPH = [
        # (method, path regex, kind, handler, answer type, collection)
        ("GET", r"^/users$", "users", "list_users", "User", True),
        ("GET", r"^/users/\$count$", "count", "count_users", None, False),
        ("GET", r"^/users/([^/]+)$", "user", "get_user", "User", False),
        ("PATCH", r"^/users/([^/]+)$", "patch", "patch_user", None, False),
        ("POST", r"^/users/([^/]+)/revokeSignInSessions$", "revoke",
         "revoke", None, False),
        ("GET", r"^/roleManagement/directory/roleAssignments$", "roles",
         "role_assignments", "UnifiedRoleAssignment", True),
        ("GET", r"^/roleManagement/directory/roleEligibilitySchedules$",
         "eligible", "role_eligibility", "UnifiedRoleEligibilitySchedule",
         True),
        ("GET", r"^/groups/([^/]+)/members$", "members", "members",
         "DirectoryObject", True),
    ]

    def graph(self, sub, top=False):
        st = self.server.state
        p = sub.path
        if p == "/$batch" and sub.method == "POST" and top:
            out = self.batch(sub)
            if out[0] < 400:
                self.kind("batch")
            return out
        for method, rx, kind, handler, rtype, many in self.ROUTES_GRAPH:
            m = re.match(rx, p)
            if not m or sub.method != method:
                continue
            args = [urllib.parse.unquote(g) for g in m.groups()]
            status, headers, body = getattr(self, handler)(sub, *args)
            types = st["types"]
            if types and rtype and status == 200 and isinstance(body, dict):
                items = body.get("value", []) if many else [body]
                bad = []
                for item in items:
                    bad += types.undeclared(rtype, item)
                if bad:
                    with self.server.lock:
                        st["public"]["selfcheck"].append(
                            "%s: %s" % (kind, ", ".join(bad[:5])))
                    return graph_error(500, "MockSelfCheck",
                                       "the mock answered properties its "
                                       "type does not declare: %s"
                                       % ", ".join(bad[:5]))
            if status < 400:
                self.kind(kind)
            return status, headers, body
        return graph_error(400, "BadRequest",
                           "Resource not found for the segment '%s'."
                           % p[:60])

    def kind(self, kind):
        """Records a request kind that was accepted."""
        with self.server.lock:
            kinds = self.server.state["public"]["kinds"]
            if kind not in kinds:
                kinds.append(kind)

    def declared(self, sub, option, rtype, odata, props, navigation=False):
        """None when every name in props is declared by the entity type
        rtype (structural, or navigation for $expand); Graph's 400
        otherwise. Without the types package, everything passes here."""
        types = self.server.state["types"]
        if not types:
            return None
        known = types.navigation(rtype) if navigation else \
            types.structural(rtype)
        for prop in props:
            if prop not in known:
                with self.server.lock:
                    self.server.state["public"]["rejected"].append(
                        "%s %s %s=%s" % (sub.method, sub.path, option,
                                         prop[:60]))
                return unknown_property(prop, odata)
        return None

    def unknown_params(self, sub, allowed):
        for k in sub.query:
            if k not in allowed:
                return graph_error(400, "Request_BadRequest",
                                   "Unsupported query parameter '%s'." %
                                   k[:40])
        return None

    def index_of(self, uid):
        st = self.server.state
        m = re.match(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8([0-9a-f]{3})-"
                     r"([0-9a-f]{12})$", uid)
        if not m:
            return None
        i = int(m.group(2), 16)
        if i >= st["n"] or user_id(i, st["seed"]) != uid:
            return None
        return i

    def current(self, i):
        st = self.server.state
        u = make_user(i, st["seed"], st["now"])
        with self.server.lock:
            enabled = st["public"]["enabled"].get(u["id"])
        if enabled is not None:
            u["accountEnabled"] = enabled
        return u

    def parse_select(self, sub):
        sel = sub.arg("$select")
        if sel is None:
            return ["id", "userPrincipalName", "displayName", "mail",
                    "givenName", "surname", "jobTitle"], None
        props = sel.split(",")
        err = self.declared(sub, "$select", "User", "user", props)
        if err:
            return None, err
        for prop in props:
            if prop not in USER_PROPS:
                # Declared, but not one this mock's tenant fills in.
                return None, unknown_property(prop, "user")
        return props, None

    def sign_token(self, payload):
        raw = json.dumps(payload, sort_keys=True).encode()
        mac = hmac.new(self.server.state["key"], raw, "sha256").digest()
        return "RFNwdA" + b64url(raw) + "." + b64url(mac[:16])

    def open_token(self, token):
        try:
            if not token.startswith("RFNwdA"):
                return None
            raw_b64, mac_b64 = token[6:].split(".")
            raw = b64url_decode(raw_b64)
            mac = hmac.new(self.server.state["key"], raw, "sha256").digest()
            if not hmac.compare_digest(b64url(mac[:16]), mac_b64):
                return None
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return None

    def expired_token(self):
        return graph_error(400, "Directory_ExpiredPageToken",
                           "The specified page token value has expired "
                           "and can no longer be included in your "
                           "request.")

    def list_users(self, sub):
        st = self.server.state
        err = self.unknown_params(sub, {"$select", "$top", "$skiptoken",
                                        "$filter"})
        if err:
            return err
        props, err = self.parse_select(sub)
        if err:
            return err
        signin = "signInActivity" in props
        err = self.authorize(sub, "users", *(["signin"] if signin else []))
        if err:
            return err
        if signin and st["nonpremium"]:
            return graph_error(403,
                               "Authentication_RequestFromNonPremiumTenant"
                               "OrB2CTenant",
                               "Neither tenant is B2C or tenant doesn't "
                               "have premium license")
        flt = sub.arg("$filter")
        if flt is not None:
            # Only what dormant sends: one user by object id.
            m = re.match(r"^(\w+) eq ", flt)
            err = m and self.declared(sub, "$filter", "User", "user",
                                      [m.group(1)])
            if err:
                return err
            m = re.match(r"^id eq '([0-9a-f-]{36})'$", flt)
            if not m or sub.arg("$skiptoken") is not None:
                return graph_error(400, "Request_UnsupportedQuery",
                                   "Unsupported or invalid query filter "
                                   "clause specified.")
            self.count("get_user")
            i = self.index_of(m.group(1))
            value = [] if i is None else \
                [{k: self.current(i)[k] for k in props}]
            return 200, {}, {"@odata.context": "%s/v1.0/$metadata#users(%s)"
                             % (st["base"], ",".join(props)),
                             "value": value}
        top = sub.arg("$top")
        if top is not None:
            if not re.match(r"^[0-9]{1,6}$", top) or \
                    not 1 <= int(top) <= 999:
                return graph_error(400, "Request_UnsupportedQuery",
                                   "Invalid page size specified: '%s'. "
                                   "Must be between 1 and 999 inclusive."
                                   % top[:12])
            size = int(top)
        else:
            size = 100
        if signin:
            size = min(size, 120)  # "List users", note on signInActivity
        offset = 0
        skip = sub.arg("$skiptoken")
        query_id = hashlib.sha256(("%s|%s" % (sub.arg("$select"), top))
                                  .encode()).hexdigest()[:16]
        if skip is not None:
            tok = self.open_token(skip)
            if not tok or tok.get("q") != query_id or \
                    tok.get("kind") != "users":
                return self.expired_token()
            offset = tok["o"]
        n = self.count("users_page")
        if st["throttle_every"] and n % st["throttle_every"] == 0:
            return graph_error(429, "TooManyRequests",
                               "Too many requests.", {"Retry-After": "1"})
        with self.server.lock:
            st["public"]["tops"].append(top)
        end = min(offset + size, st["n"])
        value = []
        for i in range(offset, end):
            u = self.current(i)
            value.append({k: u[k] for k in props})
        if value and st["faults"].get("users") == "undeclared":
            value[0]["lastLoginDateTime"] = iso(st["now"])
        body = {"@odata.context": "%s/v1.0/$metadata#users(%s)" %
                (st["base"], ",".join(props)), "value": value}
        if end < st["n"]:
            q = {"$skiptoken": self.sign_token({"o": end, "q": query_id,
                                                "kind": "users"})}
            if sub.arg("$select") is not None:
                q["$select"] = sub.arg("$select")
            if top is not None:
                q["$top"] = top
            body["@odata.nextLink"] = "%s/v1.0/users?%s" % (
                st["base"], urllib.parse.urlencode(q, safe=",$"))
        return 200, {}, body

    def count_users(self, sub):
        err = self.unknown_params(sub, set()) or self.authorize(sub, "users")
        if err:
            return err
        if sub.headers.get("ConsistencyLevel") != "eventual":
            return graph_error(400, "Request_BadRequest",
                               "$count is not currently supported.")
        return 200, {}, "%d" % self.server.state["n"]

    def get_user(self, sub, uid):
        err = self.unknown_params(sub, {"$select"})
        if err:
            return err
        props, err = self.parse_select(sub)
        if err:
            return err
        err = self.authorize(sub, "users", *(["signin"]
                                             if "signInActivity" in props
                                             else []))
        if err:
            return err
        i = self.index_of(uid)
        if i is None:
            return self.not_found(uid)
        self.count("get_user")
        u = self.current(i)
        body = {"@odata.context": "%s/v1.0/$metadata#users(%s)/$entity" %
                (self.server.state["base"], ",".join(props))}
        body.update({k: u[k] for k in props})
        return 200, {}, body

    def not_found(self, uid):
        return graph_error(404, "Request_ResourceNotFound",
                           "Resource '%s' does not exist or one of its "
                           "queried reference-property objects are not "
                           "present." % uid[:60])

    def patch_user(self, sub, uid):
        err = self.unknown_params(sub, set()) or \
            self.authorize(sub, "enable")
        if err:
            return err
        if sub.headers.get("Content-Type", "").split(";")[0] != \
                "application/json":
            return graph_error(415, "BadRequest",
                               "A supported MIME type could not be found "
                               "that matches the content type of the "
                               "response.")
        try:
            body = json.loads(sub.body) if isinstance(sub.body, (bytes, str)) \
                else sub.body
        except ValueError:
            return graph_error(400, "BadRequest", "Invalid JSON body.")
        types = self.server.state["types"]
        if types and isinstance(body, dict):
            known = types.structural("User")
            for k in body:
                if k not in known and not k.startswith("@odata."):
                    with self.server.lock:
                        self.server.state["public"]["rejected"].append(
                            "PATCH %s body %s" % (sub.path, k[:60]))
                    # The OData library's message for a property the
                    # type does not declare.
                    return graph_error(
                        400, "BadRequest",
                        "The property '%s' does not exist on type "
                        "'microsoft.graph.user'. Make sure to only use "
                        "property names that are defined by the type or "
                        "mark the type as open type." % k[:60])
        if not isinstance(body, dict) or set(body) != {"accountEnabled"} or \
                not isinstance(body["accountEnabled"], bool):
            return graph_error(400, "Request_BadRequest",
                               "Invalid value specified for property "
                               "'accountEnabled' of resource 'User'.")
        i = self.index_of(uid)
        if i is None:
            return self.not_found(uid)
        with self.server.lock:
            self.server.state["public"]["enabled"][uid] = \
                body["accountEnabled"]
        self.event("enable" if body["accountEnabled"] else "disable", id=uid)
        return 204, {}, None

    def revoke(self, sub, uid):
        err = self.unknown_params(sub, set()) or \
            self.authorize(sub, "revoke")
        if err:
            return err
        i = self.index_of(uid)
        if i is None:
            return self.not_found(uid)
        self.event("revoke", id=uid)
        return 200, {}, {"@odata.context": "%s/v1.0/$metadata#Edm.Boolean"
                         % self.server.state["base"], "value": True}

    def role_assignments(self, sub):
        return self.role_listing(sub, "roles", "roleAssignments",
                                 self.server.state["assignments"])

    def role_eligibility(self, sub):
        st = self.server.state
        return self.role_listing(sub, "eligible",
                                 "roleEligibilitySchedules", st["eligible"])

    def role_listing(self, sub, kind, segment, items):
        st = self.server.state
        err = self.unknown_params(sub, {"$expand", "$skiptoken"})
        if err:
            return err
        expand = sub.arg("$expand")
        rtype = "UnifiedRoleAssignment" if kind == "roles" else \
            "UnifiedRoleEligibilitySchedule"
        err = expand is not None and self.declared(
            sub, "$expand", rtype, rtype[:1].lower() + rtype[1:],
            expand.split(","), navigation=True)
        if err:
            return err
        if expand not in (None, "principal"):
            return graph_error(400, "Request_BadRequest",
                               "Expand is only supported on principal.")
        err = self.authorize(sub, kind)
        if err:
            return err
        if kind == "eligible" and st["no_p2"]:
            # PIM needs Microsoft Entra ID P2 or Governance in the tenant.
            return graph_error(403, "AadPremiumLicenseRequired",
                               "The tenant needs to have Microsoft Entra "
                               "ID P2 or Microsoft Entra ID Governance "
                               "license.")
        offset = 0
        if sub.arg("$skiptoken") is not None:
            tok = self.open_token(sub.arg("$skiptoken"))
            if not tok or tok.get("kind") != kind or \
                    tok.get("e") != expand:
                return self.expired_token()
            offset = tok["o"]
        err = self.fault(kind, offset)
        if err:
            return err
        self.count(kind + "_page")
        end = min(offset + st["page_size"], len(items))
        value = []
        for a in items[offset:end]:
            a = dict(a)
            p = a.pop("_principal")
            if expand and st["faults"].get(kind) != "no-principal":
                a["principal"] = p
            value.append(a)
        body = {"@odata.context": "%s/v1.0/$metadata#roleManagement/"
                "directory/%s" % (st["base"], segment), "value": value}
        if end < len(items):
            q = {"$skiptoken": self.sign_token({"o": end, "kind": kind,
                                                "e": expand})}
            if expand:
                q["$expand"] = expand
            body["@odata.nextLink"] = (
                "%s/v1.0/roleManagement/directory/%s?%s" %
                (st["base"], segment, urllib.parse.urlencode(q, safe=",$")))
        return 200, {}, body

    def fault(self, kind, offset):
        """A failure asked for with --fault KIND=MODE, or None."""
        mode = self.server.state["faults"].get(kind)
        if mode == "page2-garbage":
            mode = "garbage" if offset > 0 else None
        if mode == "garbage":
            return 200, {}, "<html><body>upstream proxy error</body></html>"
        if mode == "no-value":
            return 200, {}, {"@odata.context": "x", "values": []}
        if mode == "403":
            return graph_error(403, "Authorization_RequestDenied",
                               "Insufficient privileges to complete the "
                               "operation.")
        if mode == "500":
            return graph_error(500, "InternalServerError",
                               "Internal server error.")
        return None

    def members(self, sub, gid):
        st = self.server.state
        err = self.unknown_params(sub, {"$select", "$skiptoken"})
        if err:
            return err
        sel = sub.arg("$select")
        err = sel is not None and self.declared(
            sub, "$select", "DirectoryObject", "directoryObject",
            sel.split(","))
        if err:
            return err
        if sel not in (None, "id"):
            return graph_error(400, "Request_BadRequest",
                               "Unsupported $select.")
        err = self.authorize(sub, "members")
        if err:
            return err
        if gid not in st["groups"]:
            return self.not_found(gid)
        members = st["groups"][gid]
        offset = 0
        if sub.arg("$skiptoken") is not None:
            tok = self.open_token(sub.arg("$skiptoken"))
            if not tok or tok.get("kind") != "members":
                return self.expired_token()
            offset = tok["o"]
        err = self.fault("members", offset)
        if err:
            return err
        end = min(offset + st["page_size"], len(members))
        body = {"@odata.context": "%s/v1.0/$metadata#directoryObjects(id)"
                % st["base"],
                "value": [{"@odata.type": "#microsoft.graph.user", "id": m}
                          for m in members[offset:end]]}
        if st["faults"].get("members") == "nested-group":
            body["value"].append({"@odata.type": "#microsoft.graph.group",
                                  "id": "0000cccc-0000-4000-8000-0000000000c1"})
        if end < len(members):
            q = {"$select": "id",
                 "$skiptoken": self.sign_token({"o": end,
                                                "kind": "members"})}
            body["@odata.nextLink"] = "%s/v1.0/groups/%s/members?%s" % (
                st["base"], gid, urllib.parse.urlencode(q, safe=",$"))
        return 200, {}, body

    def batch(self, sub):
        st = self.server.state
        err = self.authorize(sub)
        if err:
            return err
        if sub.headers.get("Content-Type", "").split(";")[0] != \
                "application/json":
            return graph_error(400, "BadRequest", "Invalid content type.")
        try:
            payload = json.loads(sub.body)
            reqs = payload["requests"]
            assert isinstance(reqs, list)
        except (ValueError, KeyError, TypeError, AssertionError):
            return graph_error(400, "BadRequest",
                               "Invalid batch payload format.")
        if not 1 <= len(reqs) <= 20:
            return graph_error(400, "BadRequest",
                               "Exceeded the maximum number of requests "
                               "(20) in a batch." if reqs else
                               "Invalid batch payload format.")
        ids = [r.get("id") if isinstance(r, dict) else None for r in reqs]
        if any(not isinstance(i, str) or not i for i in ids) or \
                len(set(ids)) != len(ids):
            return graph_error(400, "BadRequest",
                               "Batch request ids must be unique, "
                               "non-empty strings.")
        self.count("batch")
        with self.server.lock:
            st["public"]["batch_sizes"].append(len(reqs))
        out = []
        for r in reqs:
            out.append(self.batch_one(sub, r))
        st["rng"].shuffle(out)  # Graph answers in any order
        return 200, {}, {"responses": out}

    def batch_one(self, outer, r):
        st = self.server.state
        rid = r["id"]
        url = r.get("url")
        method = r.get("method")
        headers = r.get("headers") or {}
        if not isinstance(url, str) or method not in ("GET", "POST",
                                                      "PATCH", "DELETE",
                                                      "PUT"):
            s, h, b = graph_error(400, "BadRequest", "Invalid request.")
            return {"id": rid, "status": s, "headers": h, "body": b}
        if "body" in r and "Content-Type" not in headers:
            s, h, b = graph_error(400, "BadRequest",
                                  "A Content-Type header is required for "
                                  "requests with a body.")
            return {"id": rid, "status": s, "headers": h, "body": b}
        n = self.count("batch_request")
        if st["batch_throttle_every"] and \
                n % st["batch_throttle_every"] == 0:
            s, h, b = graph_error(429, "TooManyRequests",
                                  "Too many requests.",
                                  {"Retry-After": "1"})
            return {"id": rid, "status": s, "headers": h, "body": b}
        if not url.startswith("/"):
            url = "/" + url
        parts = urllib.parse.urlsplit(url)
        body = r.get("body")
        sub = Sub(method, parts.path,
                  urllib.parse.parse_qs(parts.query, keep_blank_values=True),
                  headers, json.dumps(body) if body is not None else b"",
                  outer.token)
        s, h, b = self.graph(sub)
        resp = {"id": rid, "status": s, "headers": h}
        if b is not None:
            resp["body"] = b
        return resp


def add_arguments(p):
    p.add_argument("--tenant", required=True)
    p.add_argument("--client-id", required=True)
    p.add_argument("--secret", help="the registered client secret")
    p.add_argument("--app-cert",
                   help="the registered certificate (PEM)")
    p.add_argument("--cert-expired", action="store_true")
    p.add_argument("--federated-token-file",
                   help="the federated token the tenant trusts")
    p.add_argument("--roles", default="User.Read.All,AuditLog.Read.All,"
                   "RoleManagement.Read.Directory,GroupMember.Read.All,"
                   "User.EnableDisableAccount.All,User.RevokeSessions.All")
    p.add_argument("--token-lifetime", type=int, default=3599)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--now", type=int, default=None)
    p.add_argument("--nonpremium", action="store_true")
    p.add_argument("--no-p2", action="store_true",
                   help="the tenant has no Entra ID P2: PIM calls fail")
    p.add_argument("--throttle-every", type=int, default=0)
    p.add_argument("--batch-throttle-every", type=int, default=0)
    p.add_argument("--latency-ms", type=int, default=0)
    p.add_argument("--page-size", type=int, default=100,
                   help="items a page of role assignments, eligibilities "
                   "and group members")
    p.add_argument("--fault", action="append", default=[],
                   metavar="KIND=MODE",
                   help="answer every KIND request (roles, eligible, "
                   "members) badly: garbage (200 and not JSON), "
                   "no-value (200, JSON without value), 403, 500, "
                   "page2-garbage (the second page only); roles="
                   "no-principal (principal left out despite $expand); "
                   "members=nested-group (a group among the members); "
                   "users=undeclared (a property User does not declare, "
                   "which the self-check catches)")
    p.add_argument("--base", help="the URL clients reach us at (default "
                   "https://127.0.0.1:PORT)")
    p.add_argument("--resource", help="the audience tokens are asked for "
                   "(scope RESOURCE/.default; default: --base)")


def setup(server, args):
    st = server.state
    st["tenant"] = args.tenant
    st["client_id"] = args.client_id
    st["secret"] = args.secret
    st["cert"] = None
    if args.app_cert:
        with open(args.app_cert, encoding="ascii") as f:
            pem = f.read()
        m = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END "
                      r"CERTIFICATE-----", pem, re.S)
        der = ssl.PEM_cert_to_DER_cert(m.group(0))
        n, e = rsa_public_key(der)
        st["cert"] = (n, e, b64url(hashlib.sha256(der).digest()))
    st["cert_expired"] = args.cert_expired
    st["federated"] = None
    if args.federated_token_file:
        with open(args.federated_token_file, encoding="ascii") as f:
            st["federated"] = f.read().strip()
    st["roles"] = [r for r in args.roles.split(",") if r]
    st["token_lifetime"] = args.token_lifetime
    st["n"] = args.users
    st["seed"] = args.seed
    st["now"] = args.now if args.now is not None else int(time.time())
    st["nonpremium"] = args.nonpremium
    st["no_p2"] = args.no_p2
    st["throttle_every"] = args.throttle_every
    st["batch_throttle_every"] = args.batch_throttle_every
    st["latency"] = args.latency_ms / 1000.0
    st["page_size"] = args.page_size
    st["faults"] = dict(f.split("=", 1) for f in args.fault)
    st["base"] = args.base or "https://127.0.0.1:%d" % server.port
    st["resource"] = args.resource or st["base"]
    st["types"] = load_types()
    st["key"] = secrets.token_bytes(32)
    st["tokens"] = {}
    st["jtis"] = set()
    st["rng"] = random.Random(args.seed)
    group_id = "0000aaaa-0000-4000-8000-00000000beef"
    eligible_group = "0000aaaa-0000-4000-8000-0000000e11e1"
    st["groups"] = {
        group_id: [user_id(i, args.seed) for i in group_admins(args.users)],
        eligible_group: [user_id(i, args.seed)
                         for i in eligible_group_admins(args.users)]}

    def item(k, role, pid, ptype):
        return {"id": "assignment-%d" % k, "roleDefinitionId": role,
                "principalId": pid, "directoryScopeId": "/",
                "_principal": {"@odata.type": "#microsoft.graph." + ptype,
                               "id": pid}}
    assignments = []
    k = 0
    for i in direct_admins(args.users):
        for role in ([ROLE_GA, ROLE_UA] if i % 2000 == 7 else [ROLE_GA]):
            k += 1
            assignments.append(item(k, role, user_id(i, args.seed), "user"))
    for pid, ptype in ((group_id, "group"),
                       ("0000bbbb-0000-4000-8000-0000000000a1",
                        "servicePrincipal")):
        k += 1
        assignments.append(item(k, ROLE_UA, pid, ptype))
    st["assignments"] = assignments
    # unifiedRoleEligibilitySchedule: what an eligibility adds to the
    # assignment's properties (memberType, scheduleInfo, status, ...).
    eligible = []
    for i in eligible_admins(args.users):
        k += 1
        eligible.append(item(k, ROLE_GA, user_id(i, args.seed), "user"))
    k += 1
    eligible.append(item(k, ROLE_GA, eligible_group, "group"))
    for e in eligible:
        e.update({"memberType": "Direct", "status": "Provisioned",
                  "createdUsing": e["id"],
                  "createdDateTime": iso(st["now"] - 30 * DAY),
                  "modifiedDateTime": None, "appScopeId": None,
                  "scheduleInfo": {"startDateTime":
                                   iso(st["now"] - 30 * DAY),
                                   "recurrence": None,
                                   "expiration": {"type": "noExpiration",
                                                  "endDateTime": None,
                                                  "duration": None}}})
    st["eligible"] = eligible
    st["public"] = {"counts": {}, "events": [], "enabled": {},
                    "token_requests": [], "tops": [], "batch_sizes": [],
                   "scopes": [], "kinds": [], "rejected": [],
                   "selfcheck": [],
                   "types": st["types"] and st["types"].path}


if __name__ == "__main__":
    sys.exit(mockserver.serve(GraphHandler, add_arguments=add_arguments,
                              setup=setup))
