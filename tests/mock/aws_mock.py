"""dormant test mock: AWS IAM + STS (Query API), EC2 instance metadata
and the container credentials endpoint, on one HTTPS server.

As strict as the real services where dormant depends on it:

- Every IAM/STS request is a POST of application/x-www-form-urlencoded
  Action=...&Version=... (IAM 2010-05-08, STS 2011-06-15), signed with
  SigV4, which is checked in full with this file's own implementation:
  a missing Authorization is MissingAuthenticationToken, an unknown key
  or a temporary key without (or with a wrong) X-Amz-Security-Token is
  InvalidClientTokenId, an expired session token is ExpiredToken, a wrong
  signature and an X-Amz-Date more than 5 minutes off are
  SignatureDoesNotMatch, and the credential scope must name the action's
  service (iam or sts) and its signing region (IAM: us-east-1).
- The API itself comes from botocore's service models (see ServiceModel
  below): only actions the model declares are served, every request's
  parameters are checked against the operation's input shape, and every
  answer against its output shape before it is sent.
- Errors have the documented XML envelope and status codes (IAM and
  STS API references, "Common Errors").
- GetAccountAuthorizationDetails pages users, groups and the account's
  managed policies (Filter.member.N) with MaxItems and Marker; policy
  documents are URL-encoded JSON, as IAM sends them.
- ListUsers pages with MaxItems (1..1000) and an opaque, signed Marker.
- The credential report is STARTED, then COMPLETE after --report-ms;
  GetCredentialReport before that is ReportInProgress (404), before any
  GenerateCredentialReport ReportNotPresent (410).
- --throttle N: the first N calls of each action in each account are
  throttled (400 Throttling, 503 ServiceUnavailable, 400
  RequestLimitExceeded in turn).

Accounts: index 0 is the base account of the long-term key
AKIDMOCKBASE00000000 (user "scanner"); 1..N-1 are reached through
sts:AssumeRole on arn:aws:iam::ACCOUNT:role/DormantScan. Users are a pure
function of (seed, account, index), see user(), so a test recomputes the
truth with `aws_mock.py truth ...` and compares every verdict.

Options (besides mockserver's): --accounts N, --users N[,N...] (per
account), --seed S, --now EPOCH (the clock the data is relative to),
--days D (boundary users sit exactly at D days and D days + 1 s),
--report-ms MS, --throttle N, --deny ACTION@K[,...] (AccessDenied for
that action in account K; "AssumeRole@K" denies assuming K's role),
--limit ACTION@K (LimitExceeded), --external-id ID (the roles' trust
policy requires it), --session-seconds S (lifetime of temporary
credentials), --lie-expiration S (AssumeRole's Expiration says S seconds
later than the real end: the client learns of it from ExpiredToken), --latency-ms MS (added to every request), --bad-xml K
(account K's ListUsers answers are cut short), --fresh NAME[,...]
(GetUser says these users just signed in), --precompute (build the
credential reports at start-up: benchmarks), --admins N (who holds
administrator power, see access()), --bad-details K (account K's
GetAccountAuthorizationDetails answers are cut short), --off-model
ACTION[,...] (those answers carry an element the model does not
declare: the self-check answers 500 instead).

Control: GET /_mock/aws/state is a JSON dump: calls per "account:action",
deleted login profiles, most requests in flight at once, requests the
model accepted and rejected per action, off-model answers caught.
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_models  # noqa: E402
import mockserver  # noqa: E402

BASE_KEY = "AKIDMOCKBASE00000000"
BASE_SECRET = "mock/base+secret=0123456789abcdefABCDEF"
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
IAM_ACTIONS = {"ListUsers", "GetUser", "GetLoginProfile",
               "DeleteLoginProfile", "GenerateCredentialReport",
               "GetCredentialReport", "GetAccountAuthorizationDetails"}
STS_ACTIONS = {"AssumeRole", "GetCallerIdentity"}
ROLE_NAME = "DormantScan"
SKEW = 300  # SigV4: a request is valid for 5 minutes


# -- what AWS itself declares: botocore's service models ---------------
#
# The mock takes the operations, their parameters and the shapes of
# their answers from botocore's iam/2010-05-08 and sts/2011-06-15
# service-2.json (api_models.py finds them), not from this file's own
# reading of the docs. Requests are checked the way the Query protocol
# serialises them (botocore's QuerySerializer does the same in reverse):
# structure members as Prefix.Member, lists as Prefix.member.N (N from
# 1), maps as Prefix.entry.N.key/.value, scalars as text. Every answer
# the mock gives is checked against the operation's output shape before
# it leaves: an off-model answer is a bug of the mock, answered 500 with
# the reason on stderr.
#
# Errors, as IAM and STS answer them (IAM API Reference, "Common
# Errors"): a missing required member or a value outside the model's
# constraints is 400 ValidationError, "N validation error(s) detected:
# Value ... at 'member' failed to satisfy constraint: ..."; a parameter
# the operation does not declare is 400 InvalidQueryParameter ("The AWS
# query string is malformed or does not adhere to AWS standards").

class ModelError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def _java_pattern(p):
    """A model pattern as a Python regex, or None when it uses Java
    classes Python's re lacks (\p{L}, code points past U+FFFF)."""
    if "\\p{" in p or re.search(r"\\u[0-9A-Fa-f]{5}", p):
        return None
    try:
        return re.compile(p)
    except re.error:
        return None


def _lower_first(name):
    return name[:1].lower() + name[1:]


def _iso_time(text):
    """An ISO 8601 time, as the Query protocol writes timestamps."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?"
                     r"(Z|[+-]\d\d:?\d\d)", text)
    if not m:
        return False
    try:
        datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return False
    return True


class ServiceModel:
    def __init__(self, service, version):
        m = api_models.botocore_model(service, version)
        self.ns = m["metadata"]["xmlNamespace"]
        self.ops = m["operations"]
        self.shapes = m["shapes"]
        self.patterns = {}

    def _pattern(self, p):
        if p not in self.patterns:
            self.patterns[p] = _java_pattern(p)
        return self.patterns[p]

    def _scalar(self, sname, value, where, errors):
        """Checks one scalar's text against its shape; appends the
        ValidationError sentence for each broken constraint."""
        sh = self.shapes[sname]
        t = sh["type"]
        shown = value if len(value) <= 64 else value[:61] + "..."
        if t == "string":
            if "enum" in sh and value not in sh["enum"]:
                errors.append("Value '%s' at '%s' failed to satisfy "
                              "constraint: Member must satisfy enum value "
                              "set: [%s]" % (shown, where,
                                             ", ".join(sh["enum"])))
            if "min" in sh and len(value) < sh["min"]:
                errors.append("Value '%s' at '%s' failed to satisfy "
                              "constraint: Member must have length greater "
                              "than or equal to %d" % (shown, where,
                                                       sh["min"]))
            if "max" in sh and len(value) > sh["max"]:
                errors.append("Value '%s' at '%s' failed to satisfy "
                              "constraint: Member must have length less "
                              "than or equal to %d" % (shown, where,
                                                       sh["max"]))
            rx = self._pattern(sh["pattern"]) if "pattern" in sh else None
            if rx and not rx.fullmatch(value):
                errors.append("Value '%s' at '%s' failed to satisfy "
                              "constraint: Member must satisfy regular "
                              "expression pattern: %s"
                              % (shown, where, sh["pattern"]))
        elif t in ("integer", "long"):
            if not re.fullmatch(r"-?\d+", value):
                errors.append("Value '%s' at '%s' failed to satisfy "
                              "constraint: Member must be a number"
                              % (shown, where))
                return
            n = int(value)
            if "min" in sh and n < sh["min"]:
                errors.append("Value '%s' at '%s' failed to satisfy "
                              "constraint: Member must have value greater "
                              "than or equal to %d" % (shown, where,
                                                       sh["min"]))
            if "max" in sh and n > sh["max"]:
                errors.append("Value '%s' at '%s' failed to satisfy "
                              "constraint: Member must have value less than "
                              "or equal to %d" % (shown, where, sh["max"]))
        elif t == "boolean":
            if value not in ("true", "false"):
                errors.append("Value '%s' at '%s' failed to satisfy "
                              "constraint: Member must be true or false"
                              % (shown, where))
        elif t == "timestamp":
            if not _iso_time(value):
                errors.append("Value '%s' at '%s' failed to satisfy "
                              "constraint: Member must be a timestamp"
                              % (shown, where))
        elif t == "blob":
            try:
                base64.b64decode(value, validate=True)
            except ValueError:
                errors.append("Value at '%s' failed to satisfy constraint: "
                              "Member must be base64" % where)
        else:
            errors.append("'%s': shape type %s not understood" % (where, t))

    # -- requests ---------------------------------------------------

    def _walk_in(self, sname, prefix, where, form, used, errors):
        sh = self.shapes[sname]
        t = sh["type"]
        if t == "structure":
            for name, mem in sh["members"].items():
                key = mem.get("locationName", name)
                key = "%s.%s" % (prefix, key) if prefix else key
                w = "%s.%s" % (where, _lower_first(name)) if where \
                    else _lower_first(name)
                if key in form or any(k.startswith(key + ".")
                                      for k in form):
                    self._walk_in(mem["shape"], key, w, form, used, errors)
                elif name in sh.get("required", []):
                    errors.append("Value null at '%s' failed to satisfy "
                                  "constraint: Member must not be null" % w)
        elif t == "list":
            if prefix in form and form[prefix] == "":
                used.add(prefix)  # the Query protocol's empty list
                return
            tag = sh["member"].get("locationName", "member")
            if sh.get("flattened"):
                head = prefix + "."
            else:
                head = "%s.%s." % (prefix, tag)
            idx = set()
            for k in form:
                if k.startswith(head):
                    n = k[len(head):].split(".")[0]
                    if n.isdigit() and not n.startswith("0"):
                        idx.add(int(n))
            if idx != set(range(1, len(idx) + 1)):
                errors.append("Value at '%s' failed to satisfy constraint:"
                              " list members must be numbered from 1 "
                              "without gaps" % where)
            for n in sorted(idx):
                self._walk_in(sh["member"]["shape"], "%s%d" % (head, n),
                              "%s.%d" % (where, n), form, used, errors)
            if "min" in sh and len(idx) < sh["min"]:
                errors.append("Value at '%s' failed to satisfy constraint: "
                              "Member must have length greater than or "
                              "equal to %d" % (where, sh["min"]))
            if "max" in sh and len(idx) > sh["max"]:
                errors.append("Value at '%s' failed to satisfy constraint: "
                              "Member must have length less than or equal "
                              "to %d" % (where, sh["max"]))
        elif t == "map":
            n = 1
            while "%s.entry.%d.key" % (prefix, n) in form:
                for part, ref in (("key", sh["key"]), ("value", sh["value"])):
                    self._walk_in(ref["shape"], "%s.entry.%d.%s"
                                  % (prefix, n, part), where, form, used,
                                  errors)
                n += 1
        else:
            if prefix not in form:
                errors.append("Value at '%s' failed to satisfy constraint: "
                              "a structure where the model has a %s"
                              % (where, t))
                return
            used.add(prefix)
            self._scalar(sname, form[prefix], where, errors)

    def check_request(self, action, form):
        """Raises ModelError unless form (Action and Version removed) is
        what the operation's input shape declares."""
        op = self.ops[action]
        params = {k: v for k, v in form.items()
                  if k not in ("Action", "Version")}
        used, errors = set(), []
        if "input" in op:
            self._walk_in(op["input"]["shape"], "", "", params, used, errors)
        unknown = sorted(set(params) - used)
        if unknown:
            raise ModelError("InvalidQueryParameter",
                             "The parameter %s is not recognized by %s"
                             % (unknown[0], action))
        if errors:
            raise ModelError("ValidationError",
                             "%d validation error%s detected: %s"
                             % (len(errors), "" if len(errors) == 1 else "s",
                                "; ".join(errors)))

    # -- answers ----------------------------------------------------

    def _walk_out(self, sname, elem, where, problems):
        sh = self.shapes[sname]
        t = sh["type"]
        q = "{%s}" % self.ns
        kids = list(elem)
        if t == "structure":
            names = {mem.get("locationName", n): (n, mem)
                     for n, mem in sh["members"].items()}
            seen = set()
            for kid in kids:
                if not kid.tag.startswith(q) or kid.tag[len(q):] not in names:
                    problems.append("%s: <%s> is not a member" % (where,
                                                                  kid.tag))
                    continue
                tag = kid.tag[len(q):]
                if tag in seen:
                    problems.append("%s: <%s> twice" % (where, tag))
                seen.add(tag)
                self._walk_out(names[tag][1]["shape"], kid,
                               where + "/" + tag, problems)
            for req in sh.get("required", []):
                tag = sh["members"][req].get("locationName", req)
                if tag not in seen:
                    problems.append("%s: required <%s> missing"
                                    % (where, tag))
        elif t == "list":
            tag = sh["member"].get("locationName", "member")
            for i, kid in enumerate(kids):
                if kid.tag != q + tag:
                    problems.append("%s: <%s> in a list, not <%s>"
                                    % (where, kid.tag, tag))
                    continue
                self._walk_out(sh["member"]["shape"], kid,
                               "%s/%s[%d]" % (where, tag, i + 1), problems)
        elif t == "map":
            problems.append("%s: maps are not served" % where)
        else:
            if kids:
                problems.append("%s: a %s with child elements" % (where, t))
                return
            errors = []
            self._scalar(sname, elem.text or "", where, errors)
            problems.extend(errors)

    def check_answer(self, action, body):
        """The reasons body is not the operation's answer ([] if it
        is)."""
        op = self.ops[action]
        q = "{%s}" % self.ns
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            return ["not XML: %s" % e]
        problems = []
        if root.tag != q + action + "Response":
            return ["root <%s>, not <%sResponse> in %s"
                    % (root.tag, action, self.ns)]
        wrapper = op.get("output", {}).get("resultWrapper")
        kids = list(root)
        tags = [k.tag for k in kids]
        want = ([q + wrapper] if wrapper else []) + [q + "ResponseMetadata"]
        if tags != want:
            problems.append("children %s, want %s" % (tags, want))
            return problems
        meta = kids[-1]
        if [k.tag for k in meta] != [q + "RequestId"] or \
                not (meta[0].text or "").strip():
            problems.append("ResponseMetadata without one RequestId")
        if wrapper:
            self._walk_out(op["output"]["shape"], kids[0], wrapper,
                           problems)
        return problems


IAM_MODEL = STS_MODEL = None


def load_models():
    """botocore's IAM and STS models; every action served must be in
    them (a mock serving an invented action would teach the client a
    wrong API)."""
    global IAM_MODEL, STS_MODEL
    IAM_MODEL = ServiceModel("iam", "2010-05-08")
    STS_MODEL = ServiceModel("sts", "2011-06-15")
    for model, actions in ((IAM_MODEL, IAM_ACTIONS),
                           (STS_MODEL, STS_ACTIONS)):
        missing = sorted(a for a in actions if a not in model.ops)
        if missing:
            raise SystemExit("aws_mock: %s not in the service model"
                             % ", ".join(missing))


def account_id(k):
    return "%012d" % (210000000000 + k)


# -- the data: a pure function of (seed, account, index) ---------------

def user(seed, now, days, k, i):
    """User i of account k: name, path, times (epoch seconds or None)."""
    r = random.Random("%s:%d:%d" % (seed, k, i))
    name = "u%d-%05d" % (k, i)
    path = "/" if r.random() < 0.7 else "/eng/team-%d/" % r.randrange(4)
    created = now - r.randrange(10, 2500) * 86400 - r.randrange(86400)
    password = r.random() < 0.75
    changed = used = None
    if password:
        changed = created + r.randrange(0, max(1, (now - created) // 2))
        roll = r.random()
        if i % 97 == 0:
            used = now - days * 86400          # exactly D days: active
        elif i % 97 == 1:
            used = now - days * 86400 - 1      # D days + 1 s: dormant
        elif roll < 0.1:
            used = None                        # never: no_information
        elif roll < 0.3:
            # Any time since the password was set: often long ago.
            used = changed + r.randrange(0, max(1, now - changed))
        else:
            # Most people sign in every few weeks.
            used = max(changed, now - r.randrange(0, 60 * 86400))
    elif r.random() < 0.3:
        # Signed in once, console password removed since.
        used = created + r.randrange(0, max(1, now - created))
    return {"name": name, "path": path, "created": created,
            "password": password, "changed": changed, "used": used,
            "arn": "arn:aws:iam::%s:user%s%s" % (account_id(k), path, name),
            "id": "AIDA%016X" % (r.getrandbits(64))}


def iso(t):
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def report_time(t):
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def truth(seed, now, days, k, n):
    """The findings a correct scan reports for account k, by name:
    (name, arn, last_login, reference, days_inactive)."""
    out = []
    for i in range(n):
        u = user(seed, now, days, k, i)
        if not u["password"]:
            continue
        ref = u["used"] if u["used"] is not None else u["changed"]
        idle = max(0, now - ref)
        if idle > days * 86400:
            out.append((u["name"], u["arn"],
                        iso(u["used"]) if u["used"] is not None else None,
                        iso(ref), idle // 86400))
    return sorted(out)


# -- who may do what: the data GetAccountAuthorizationDetails serves ---
#
# With --admins N, user i holds administrator power when i % N is
#   0  through the AWS-managed AdministratorAccess, attached to it;
#   1  through the group "admins", whose inline policy allows * on *;
#   2  through the customer-managed "IamAll": iam:* on *;
# and i % N == 3 has only narrow powers: its own inline policy, the
# customer-managed "SelfService", and "Legacy", whose old version 1
# allowed iam:* but whose default version 2 does not. Everyone is in
# the group "staff" (s3 reads) with the AWS-managed ReadOnlyAccess.
# Without --admins nobody is an admin.

AWS_ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
AWS_READONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
V = "2012-10-17"
DOC_ALL = {"Version": V, "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DOC_IAM = {"Version": V, "Statement": [
    {"Sid": "All", "Effect": "Allow", "Action": ["iam:*"],
     "Resource": "*"}]}
DOC_S3 = {"Version": V, "Statement": {
    "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
    "Resource": ["arn:aws:s3:::team-bucket", "arn:aws:s3:::team-bucket/*"]}}
DOC_SELF = {"Version": V, "Statement": [
    {"Effect": "Allow", "Action": ["iam:ChangePassword", "iam:GetUser"],
     "Resource": "arn:aws:iam::*:user/${aws:username}"}]}
DOC_EC2 = {"Version": V, "Statement": [
    {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}
GROUPS = [("admins", [("everything", DOC_ALL)], []),
          ("staff", [("read-bucket", DOC_S3)], [AWS_READONLY])]
# name: [(version, document, default)]
POLICIES = [("IamAll", [("v1", DOC_IAM, True)]),
            ("SelfService", [("v1", DOC_SELF, True)]),
            ("Legacy", [("v1", DOC_IAM, False), ("v2", DOC_EC2, True)])]


def admin_kind(every, i):
    if not every or i % every > 3:
        return None
    return ("attached", "group", "customer", "narrow")[i % every]


def is_admin(every, i):
    return admin_kind(every, i) in ("attached", "group", "customer")


def local_policy(k, name):
    return "arn:aws:iam::%s:policy/%s" % (account_id(k), name)


def access(every, k, i):
    """User i's groups, attached policy ARNs and inline policies."""
    kind = admin_kind(every, i)
    groups = ["staff"] + (["admins"] if kind == "group" else [])
    managed = [AWS_READONLY]
    inline = []
    if kind == "attached":
        managed.append(AWS_ADMIN)
    elif kind == "customer":
        managed.append(local_policy(k, "IamAll"))
    elif kind == "narrow":
        managed += [local_policy(k, "SelfService"), local_policy(k, "Legacy")]
        inline.append(("own-password", DOC_SELF))
    return groups, managed, inline


def encode_doc(doc):
    # "Policies returned by this operation are URL-encoded compliant
    # with RFC 3986" (API_GetAccountAuthorizationDetails).
    return urllib.parse.quote(json.dumps(doc), safe="")


REPORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,"
    "password_last_changed,password_next_rotation,mfa_active,"
    "access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,"
    "access_key_1_last_used_service,access_key_2_active,"
    "access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,"
    "cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated")


# -- SigV4, checked independently of dormant's C code ----------------

def _enc(s, keep_slash=False):
    safe = "-._~" + ("/" if keep_slash else "")
    return urllib.parse.quote(s, safe=safe)


def canonical_request(method, path, query, headers, signed, payload):
    segs = [s for s in path.split("/") if s not in ("", ".")]
    cpath = "/" + "/".join(segs) + ("/" if path.endswith("/") and segs
                                    else "")
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    cq = "&".join("%s=%s" % kv
                  for kv in sorted((_enc(k), _enc(v)) for k, v in pairs))
    lines = []
    for name in signed:
        values = headers.get_all(name) or []
        vals = [" ".join(v.split()) for v in values]
        lines.append("%s:%s\n" % (name, ",".join(vals)))
    return "\n".join([method, _enc(cpath, True), cq, "".join(lines),
                      ";".join(signed),
                      hashlib.sha256(payload).hexdigest()])


def signature(secret, date, region, service, string_to_sign):
    k = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return hmac.new(k, string_to_sign.encode(), hashlib.sha256).hexdigest()


class AuthError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class AwsHandler(mockserver.MockHandler):
    ROUTES = [
        ("POST", r"^/$", "query"),
        ("PUT", r"^/latest/api/token$", "imds_token"),
        ("GET", r"^/latest/meta-data/iam/security-credentials/(.*)$",
         "imds_creds"),
        ("GET", r"^/container-creds$", "container_creds"),
    ]

    # -- plumbing ---------------------------------------------------

    def _dispatch(self):
        st = self.server.state
        with self.server.lock:
            st["inflight"] += 1
            st["max_inflight"] = max(st["max_inflight"], st["inflight"])
        try:
            if st["latency"] and not self.path.startswith("/_mock/"):
                time.sleep(st["latency"])
            return super()._dispatch()
        finally:
            with self.server.lock:
                st["inflight"] -= 1

    def _control(self, req):
        if req.path == "/_mock/aws/state":
            st = self.server.state
            with self.server.lock:
                dump = {"calls": dict(st["calls"]),
                        "deleted": {k: sorted(v)
                                    for k, v in st["deleted"].items()},
                        "max_inflight": st["max_inflight"],
                        "sessions": len(st["sessions"]),
                        "accepted": dict(st["accepted"]),
                        "rejected": dict(st["rejected"]),
                        "off_model": list(st["off_model"])}
            return self.send_json(200, dump)
        return super()._control(req)

    def xml(self, status, body):
        self.send(status, '<?xml version="1.0" encoding="UTF-8"?>\n' + body,
                  "text/xml")

    # Faults (mockserver's --faults): throttling is 400
    # ThrottlingException, as IAM's published common errors give it (the
    # --throttle option sends the "Throttling" code IAM answers on the
    # wire), never 429; AWS sends no Retry-After of its own, a proxy in
    # front of it might, hence the header.
    def fault_error(self, status, retry_after):
        code, kind = {429: ("ThrottlingException", "Sender"),
                      500: ("InternalFailure", "Receiver"),
                      503: ("ServiceUnavailable", "Receiver")}[status]
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<ErrorResponse xmlns="%s">\n  <Error>\n'
                '    <Type>%s</Type>\n    <Code>%s</Code>\n'
                '    <Message>Rate exceeded</Message>\n  </Error>\n'
                '  <RequestId>%s</RequestId>\n</ErrorResponse>\n'
                % (IAM_NS, kind, code, self.request_id()))
        return (400 if status == 429 else status, "text/xml", body,
                {"Retry-After": "1"} if retry_after else {})

    @staticmethod
    def is_mutation(req):
        return b"Action=DeleteLoginProfile" in req.body

    def expire_credentials(self):
        # Every AssumeRole session ends now: the next call with one is
        # ExpiredToken, as when a long scan outlives its session.
        with self.server.lock:
            for sess in self.server.state["sessions"].values():
                sess["expires"] = min(sess["expires"], time.time())

    def error(self, status, code, message, ns=IAM_NS, kind="Sender"):
        self.xml(status,
                 '<ErrorResponse xmlns="%s">\n  <Error>\n'
                 '    <Type>%s</Type>\n    <Code>%s</Code>\n'
                 '    <Message>%s</Message>\n  </Error>\n'
                 '  <RequestId>%s</RequestId>\n</ErrorResponse>\n'
                 % (ns, kind, code, _x(message), self.request_id()))

    def request_id(self):
        return "%08x-0000-4000-8000-%012x" % (
            random.getrandbits(32), random.getrandbits(48))

    def ok(self, action, result, ns=IAM_NS, checked=False):
        """Sends the answer; True when it was sent (on-model)."""
        inner = ("  <%sResult>\n%s  </%sResult>\n" % (action, result, action)
                 if result is not None else "")
        if action in self.server.state["off_model_actions"] and inner:
            # --off-model: an element the model does not declare, to
            # show that the self-check below catches it.
            inner = inner.replace("  </%sResult>" % action,
                                  "    <Bogus>1</Bogus>\n  </%sResult>"
                                  % action)
        body = ('<%sResponse xmlns="%s">\n%s  <ResponseMetadata>\n'
                '    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n'
                '</%sResponse>\n'
                % (action, ns, inner, self.request_id(), action))
        model = IAM_MODEL if ns == IAM_NS else STS_MODEL
        # checked: the same result was checked when first built.
        problems = [] if checked else model.check_answer(action, body)
        if problems:
            # The mock's own bug: never let it teach the client.
            msg = "aws_mock: off-model %s answer: %s" % (
                action, "; ".join(problems[:5]))
            sys.stderr.write(msg + "\n")
            sys.stderr.flush()
            with self.server.lock:
                self.server.state["off_model"].append(msg)
            self.send(500, msg + "\n")
            return False
        self.xml(200, body)
        return True

    # -- authentication ----------------------------------------------

    def principal(self, req, service):
        """Checks the SigV4 signature; returns the caller's principal."""
        st = self.server.state
        auth = req.headers.get("Authorization")
        if not auth:
            raise AuthError(403, "MissingAuthenticationToken",
                            "Request is missing Authentication Token")
        m = re.match(r"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/"
                     r"([a-z0-9-]+)/([a-z0-9-]+)/aws4_request, "
                     r"SignedHeaders=([a-z0-9;-]+), "
                     r"Signature=([0-9a-f]{64})$", auth)
        if not m:
            raise AuthError(400, "IncompleteSignature",
                            "Authorization header requires 'Credential',"
                            " 'SignedHeaders' and 'Signature'")
        key, date, region, svc, signed, sig = m.groups()
        amz_date = req.headers.get("X-Amz-Date", "")
        if not re.match(r"^\d{8}T\d{6}Z$", amz_date):
            raise AuthError(400, "IncompleteSignature",
                            "Authorization requires X-Amz-Date")
        if svc != service:
            raise AuthError(403, "SignatureDoesNotMatch",
                            "Credential should be scoped to correct "
                            "service: '%s'." % service)
        want_region = "us-east-1" if service == "iam" else st["sts_region"]
        if region != want_region:
            raise AuthError(403, "SignatureDoesNotMatch",
                            "Credential should be scoped to a valid region."
                            " Expected '%s'." % want_region)
        signed_list = signed.split(";")
        if "host" not in signed_list or "x-amz-date" not in signed_list:
            raise AuthError(403, "SignatureDoesNotMatch",
                            "host and x-amz-date must be signed")
        if key == BASE_KEY:
            secret, token, who = BASE_SECRET, None, {
                "account": 0, "arn": "arn:aws:iam::%s:user/scanner"
                % account_id(0)}
        else:
            with self.server.lock:
                sess = st["sessions"].get(key)
            if not sess:
                raise AuthError(403, "InvalidClientTokenId",
                                "The security token included in the "
                                "request is invalid.")
            secret, token, who = sess["secret"], sess["token"], sess
        if token is not None:
            got = req.headers.get("X-Amz-Security-Token")
            if got != token or "x-amz-security-token" not in signed_list:
                raise AuthError(403, "InvalidClientTokenId",
                                "The security token included in the "
                                "request is invalid.")
            if time.time() >= who["expires"]:
                raise AuthError(403, "ExpiredToken",
                                "The security token included in the "
                                "request is expired")
        t = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc).timestamp()
        if abs(time.time() - t) > SKEW or date != amz_date[:8]:
            earliest = datetime.datetime.fromtimestamp(
                time.time() - SKEW, datetime.timezone.utc)
            raise AuthError(403, "SignatureDoesNotMatch",
                            "Signature expired: %s is now earlier than %s "
                            "(%s - 5 min.)" % (
                                amz_date,
                                earliest.strftime("%Y%m%dT%H%M%SZ"),
                                datetime.datetime.now(
                                    datetime.timezone.utc).strftime(
                                        "%Y%m%dT%H%M%SZ")))
        parts = urllib.parse.urlsplit(req.raw_path)
        creq = canonical_request(req.method, parts.path, parts.query,
                                 req.headers, signed_list, req.body)
        sts = "\n".join(["AWS4-HMAC-SHA256", amz_date,
                         "%s/%s/%s/aws4_request" % (date, region, svc),
                         hashlib.sha256(creq.encode()).hexdigest()])
        if not hmac.compare_digest(
                signature(secret, date, region, svc, sts), sig):
            raise AuthError(403, "SignatureDoesNotMatch",
                            "The request signature we calculated does not "
                            "match the signature you provided. Check your "
                            "AWS Secret Access Key and signing method. "
                            "Consult the service documentation for "
                            "details.")
        return who

    # -- the Query API --------------------------------------------------

    def query(self, req, match):
        st = self.server.state
        ctype = req.headers.get("Content-Type", "")
        if not ctype.startswith("application/x-www-form-urlencoded"):
            return self.error(400, "MalformedQueryString",
                              "Content-Type must be "
                              "application/x-www-form-urlencoded")
        form = urllib.parse.parse_qs(req.text(), keep_blank_values=True,
                                     strict_parsing=bool(req.body))
        if any(len(v) > 1 for v in form.values()):
            return self.error(400, "MalformedQueryString",
                              "a parameter appears twice")
        form = {k: v[0] for k, v in form.items()}
        action = form.get("Action", "")
        if action in IAM_ACTIONS:
            service, version, ns = "iam", "2010-05-08", IAM_NS
        elif action in STS_ACTIONS:
            service, version, ns = "sts", "2011-06-15", STS_NS
        else:
            return self.error(400, "InvalidAction",
                              "Could not find operation %s" % action)
        if form.get("Version") != version:
            return self.error(400, "InvalidAction",
                              "Could not find operation %s for version %s"
                              % (action, form.get("Version")), ns)
        try:
            who = self.principal(req, service)
        except AuthError as e:
            return self.error(e.status, e.code, e.message, ns)
        k = who["account"]
        key = "%s:%s" % (account_id(k), action)
        with self.server.lock:
            n = st["calls"].get(key, 0) + 1
            st["calls"][key] = n
        try:
            (IAM_MODEL if service == "iam" else STS_MODEL).check_request(
                action, form)
        except ModelError as e:
            with self.server.lock:
                st["rejected"][action] = st["rejected"].get(action, 0) + 1
            return self.error(400, e.code, e.message, ns)
        with self.server.lock:
            st["accepted"][action] = st["accepted"].get(action, 0) + 1
        if n <= st["throttle"]:
            kind = n % 3
            if kind == 1:
                return self.error(400, "Throttling", "Rate exceeded", ns)
            if kind == 2:
                return self.error(503, "ServiceUnavailable",
                                  "Service is unavailable", ns, "Receiver")
            return self.error(400, "RequestLimitExceeded",
                              "Request limit exceeded.", ns)
        if ("%s@%d" % (action, k)) in st["deny"]:
            return self.error(403, "AccessDenied",
                              "User: %s is not authorized to perform: "
                              "%s:%s on resource: *"
                              % (who["arn"], service, action), ns)
        if ("%s@%d" % (action, k)) in st["limit"]:
            return self.error(409, "LimitExceeded",
                              "Cannot exceed quota for "
                              "CredentialReportsPerAccount", ns)
        return getattr(self, "do_" + action)(form, who, k, ns)

    def users(self, k):
        st = self.server.state
        return st["users"][k] if k < len(st["users"]) else 0

    def get(self, k, i):
        st = self.server.state
        return user(st["seed"], st["now"], st["days"], k, i)

    def find(self, k, name):
        m = re.match(r"^u(\d+)-(\d{5})$", name)
        if not m or int(m.group(1)) != k or int(m.group(2)) >= self.users(k):
            return None
        return self.get(k, int(m.group(2)))

    def has_console(self, k, u):
        with self.server.lock:
            gone = u["name"] in self.server.state["deleted"].get(k, set())
        return u["password"] and not gone

    def member(self, u, tag="member"):
        used = ("      <PasswordLastUsed>%s</PasswordLastUsed>\n"
                % iso(u["used"]) if u["used"] is not None else "")
        return ("    <%s>\n      <Path>%s</Path>\n"
                "      <UserName>%s</UserName>\n      <UserId>%s</UserId>\n"
                "      <Arn>%s</Arn>\n      <CreateDate>%s</CreateDate>\n"
                "%s    </%s>\n"
                % (tag, u["path"], u["name"], u["id"], u["arn"],
                   iso(u["created"]), used, tag))

    def marker(self, k, offset):
        raw = "%d:%d" % (k, offset)
        mac = hmac.new(self.server.state["marker_key"], raw.encode(),
                       hashlib.sha256).hexdigest()[:16]
        return base64.b64encode(("%s:%s" % (raw, mac)).encode()).decode()

    def unmarker(self, k, marker):
        try:
            raw = base64.b64decode(marker, validate=True).decode()
            kk, off, mac = raw.split(":")
            want = hmac.new(self.server.state["marker_key"],
                            ("%s:%s" % (kk, off)).encode(),
                            hashlib.sha256).hexdigest()[:16]
            if int(kk) == k and hmac.compare_digest(mac, want):
                return int(off)
        except (ValueError, UnicodeDecodeError):
            pass
        return None

    def do_ListUsers(self, form, who, k, ns):
        try:
            size = int(form.get("MaxItems", "100"))
        except ValueError:
            size = 0
        if not 1 <= size <= 1000:
            return self.error(400, "ValidationError",
                              "1 validation error detected: Value at "
                              "'maxItems' failed to satisfy constraint", ns)
        start = 0
        if "Marker" in form:
            start = self.unmarker(k, form["Marker"])
            if start is None:
                return self.error(400, "ValidationError",
                                  "Invalid Marker", ns)
        end = min(start + size, self.users(k))
        body = "".join(self.member(self.get(k, i))
                       for i in range(start, end))
        truncated = end < self.users(k)
        result = ("   <Users>\n%s   </Users>\n"
                  "   <IsTruncated>%s</IsTruncated>\n"
                  % (body, "true" if truncated else "false"))
        if truncated:
            result += "   <Marker>%s</Marker>\n" % self.marker(k, end)
        if k in self.server.state["bad_xml"]:
            text = result[:len(result) // 2]
            return self.xml(200, '<ListUsersResponse xmlns="%s">\n'
                            '  <ListUsersResult>\n%s' % (ns, text))
        self.ok("ListUsers", result, ns)

    def need_user(self, form, k, ns):
        name = form.get("UserName")
        if not name:
            self.error(400, "ValidationError", "UserName is required", ns)
            return None
        u = self.find(k, name)
        if not u:
            self.error(404, "NoSuchEntity",
                       "The user with name %s cannot be found." % name, ns)
        return u

    def do_GetUser(self, form, who, k, ns):
        u = self.need_user(form, k, ns)
        if u and u["name"] in self.server.state["fresh"]:
            # Signed in since the credential report was made.
            u = dict(u, used=int(time.time()))
        if u:
            self.ok("GetUser", self.member(u, "User"), ns)

    def do_GetLoginProfile(self, form, who, k, ns):
        u = self.need_user(form, k, ns)
        if not u:
            return
        if not self.has_console(k, u):
            return self.error(404, "NoSuchEntity",
                              "Login Profile for User %s cannot be found."
                              % u["name"], ns)
        self.ok("GetLoginProfile",
                "    <LoginProfile>\n      <UserName>%s</UserName>\n"
                "      <CreateDate>%s</CreateDate>\n"
                "      <PasswordResetRequired>false</PasswordResetRequired>\n"
                "    </LoginProfile>\n" % (u["name"], iso(u["changed"])),
                ns)

    def do_DeleteLoginProfile(self, form, who, k, ns):
        u = self.need_user(form, k, ns)
        if not u:
            return
        if not self.has_console(k, u):
            return self.error(404, "NoSuchEntity",
                              "Login Profile for User %s cannot be found."
                              % u["name"], ns)
        with self.server.lock:
            self.server.state["deleted"].setdefault(k, set()).add(u["name"])
            self.server.state["reports"].pop(k, None)
            self.server.state["content"].pop(k, None)
        self.ok("DeleteLoginProfile", None, ns)

    def do_GenerateCredentialReport(self, form, who, k, ns):
        st = self.server.state
        with self.server.lock:
            rep = st["reports"].get(k)
            if rep is None:
                st["reports"][k] = {"started": time.time()}
                state, desc = "STARTED", ("No report exists. Starting a new "
                                          "report generation task")
            elif time.time() - rep["started"] < st["report_s"]:
                state, desc = "INPROGRESS", "Report generation in progress"
            else:
                state, desc = "COMPLETE", "Report is complete"
        self.ok("GenerateCredentialReport",
                "    <Description>%s</Description>\n"
                "    <State>%s</State>\n" % (desc, state), ns)

    def report(self, k):
        rows = [REPORT_HEADER,
                "<root_account>,arn:aws:iam::%s:root,%s,not_supported,"
                "no_information,not_supported,not_supported,true,false,N/A,"
                "N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
                % (account_id(k), report_time(self.server.state["now"]
                                              - 4000 * 86400))]
        for i in range(self.users(k)):
            u = self.get(k, i)
            console = self.has_console(k, u)
            if console:
                used = (report_time(u["used"]) if u["used"] is not None
                        else "no_information")
                changed = report_time(u["changed"])
            else:
                used = "N/A" if u["used"] is None else report_time(u["used"])
                changed = "N/A"
            rows.append("%s,%s,%s,%s,%s,%s,N/A,false,false,N/A,N/A,N/A,N/A,"
                        "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
                        % (u["name"], u["arn"], report_time(u["created"]),
                           "true" if console else "false", used, changed))
        return "\n".join(rows) + "\n"

    def do_GetCredentialReport(self, form, who, k, ns):
        st = self.server.state
        with self.server.lock:
            rep = st["reports"].get(k)
        if rep is None:
            return self.error(410, "ReportNotPresent",
                              "Credential report not present", ns)
        if time.time() - rep["started"] < st["report_s"]:
            return self.error(404, "ReportInProgress",
                              "Credential report is being generated", ns)
        with self.server.lock:
            content = st["content"].get(k)
        if content is None:
            content = base64.b64encode(self.report(k).encode()).decode()
            with self.server.lock:
                st["content"][k] = content
        self.ok("GetCredentialReport",
                "    <Content>%s</Content>\n"
                "    <ReportFormat>text/csv</ReportFormat>\n"
                "    <GeneratedTime>%s</GeneratedTime>\n"
                % (content, iso(int(rep["started"]))), ns)

    def do_AssumeRole(self, form, who, k, ns):
        st = self.server.state
        arn = form.get("RoleArn", "")
        name = form.get("RoleSessionName", "")
        m = re.match(r"^arn:aws:iam::(\d{12}):role/%s$" % ROLE_NAME, arn)
        if not re.match(r"^[\w+=,.@-]{2,64}$", name):
            return self.error(400, "ValidationError",
                              "Invalid RoleSessionName", ns)
        target = int(m.group(1)) - 210000000000 if m else -1
        denied = ("AssumeRole@%d" % target) in st["deny"]
        if (not m or not 0 < target < st["accounts"] or denied or
                who["account"] != 0 or
                (st["external_id"] and
                 form.get("ExternalId") != st["external_id"])):
            return self.error(403, "AccessDenied",
                              "User: %s is not authorized to perform: "
                              "sts:AssumeRole on resource: %s"
                              % (who["arn"], _x(arn)), ns)
        try:
            duration = int(form.get("DurationSeconds", "3600"))
        except ValueError:
            duration = 0
        if not 900 <= duration <= 43200:
            return self.error(400, "ValidationError",
                              "DurationSeconds out of range", ns)
        lifetime = st["session_s"] or duration
        key = "ASIA%016X" % random.getrandbits(64)
        sess = {"account": target, "secret": base64.b64encode(
                    os.urandom(30)).decode(),
                "token": base64.b64encode(os.urandom(120)).decode(),
                "expires": time.time() + lifetime,
                "arn": "arn:aws:sts::%s:assumed-role/%s/%s"
                % (account_id(target), ROLE_NAME, name)}
        with self.server.lock:
            st["sessions"][key] = sess
        self.ok("AssumeRole",
                "    <AssumedRoleUser>\n      <Arn>%s</Arn>\n"
                "      <AssumedRoleId>AROAMOCK%08d:%s</AssumedRoleId>\n"
                "    </AssumedRoleUser>\n    <Credentials>\n"
                "      <AccessKeyId>%s</AccessKeyId>\n"
                "      <SecretAccessKey>%s</SecretAccessKey>\n"
                "      <SessionToken>%s</SessionToken>\n"
                "      <Expiration>%s</Expiration>\n    </Credentials>\n"
                % (sess["arn"], target, name, key, sess["secret"],
                   sess["token"], iso(int(sess["expires"] +
                                          st["lie_s"]))), ns)

    def details_items(self, k, kinds):
        st = self.server.state
        items = []
        if "User" in kinds:
            items += [("User", i) for i in range(self.users(k))]
        if "Group" in kinds:
            items += [("Group", g) for g in range(len(GROUPS))]
        if "LocalManagedPolicy" in kinds:
            items += [("Policy", p) for p in range(len(POLICIES))]
        del st
        return items

    def detail_xml(self, k, item):
        every = self.server.state["admins"]
        kind, n = item
        created = iso(self.server.state["now"] - 3000 * 86400)
        if kind == "User":
            u = self.get(k, n)
            groups, managed, inline = access(every, k, n)
            return (
                "      <member>\n        <Path>%s</Path>\n"
                "        <UserName>%s</UserName>\n"
                "        <UserId>%s</UserId>\n        <Arn>%s</Arn>\n"
                "        <CreateDate>%s</CreateDate>\n"
                "        <UserPolicyList>%s</UserPolicyList>\n"
                "        <GroupList>%s</GroupList>\n"
                "        <AttachedManagedPolicies>%s"
                "</AttachedManagedPolicies>\n      </member>\n"
                % (u["path"], u["name"], u["id"], u["arn"],
                   iso(u["created"]),
                   "".join("<member><PolicyName>%s</PolicyName>"
                           "<PolicyDocument>%s</PolicyDocument></member>"
                           % (name, encode_doc(doc))
                           for name, doc in inline),
                   "".join("<member>%s</member>" % g for g in groups),
                   "".join("<member><PolicyName>%s</PolicyName>"
                           "<PolicyArn>%s</PolicyArn></member>"
                           % (a.rsplit("/", 1)[1], a) for a in managed)))
        if kind == "Group":
            name, inline, managed = GROUPS[n]
            return (
                "      <member>\n        <Path>/</Path>\n"
                "        <GroupName>%s</GroupName>\n"
                "        <GroupId>AGPAMOCK%04d%08d</GroupId>\n"
                "        <Arn>arn:aws:iam::%s:group/%s</Arn>\n"
                "        <CreateDate>%s</CreateDate>\n"
                "        <GroupPolicyList>%s</GroupPolicyList>\n"
                "        <AttachedManagedPolicies>%s"
                "</AttachedManagedPolicies>\n      </member>\n"
                % (name, k, n, account_id(k), name, created,
                   "".join("<member><PolicyName>%s</PolicyName>"
                           "<PolicyDocument>%s</PolicyDocument></member>"
                           % (pn, encode_doc(doc)) for pn, doc in inline),
                   "".join("<member><PolicyName>%s</PolicyName>"
                           "<PolicyArn>%s</PolicyArn></member>"
                           % (a.rsplit("/", 1)[1], a) for a in managed)))
        name, versions = POLICIES[n]
        default = [v for v, _, d in versions if d][0]
        return (
            "      <member>\n        <PolicyName>%s</PolicyName>\n"
            "        <PolicyId>ANPAMOCK%04d%08d</PolicyId>\n"
            "        <Arn>%s</Arn>\n        <Path>/</Path>\n"
            "        <DefaultVersionId>%s</DefaultVersionId>\n"
            "        <AttachmentCount>1</AttachmentCount>\n"
            "        <PermissionsBoundaryUsageCount>0"
            "</PermissionsBoundaryUsageCount>\n"
            "        <IsAttachable>true</IsAttachable>\n"
            "        <CreateDate>%s</CreateDate>\n"
            "        <UpdateDate>%s</UpdateDate>\n"
            "        <PolicyVersionList>%s</PolicyVersionList>\n"
            "      </member>\n"
            % (name, k, n, local_policy(k, name), default, created, created,
               "".join("<member><Document>%s</Document>"
                       "<VersionId>%s</VersionId>"
                       "<IsDefaultVersion>%s</IsDefaultVersion>"
                       "<CreateDate>%s</CreateDate></member>"
                       % (encode_doc(doc), v, "true" if d else "false",
                          created) for v, doc, d in versions)))

    def details_page(self, k, kinds, start, size):
        """One page's <...Result> content and the next offset (None on
        the last page)."""
        items = self.details_items(k, kinds)
        end = min(start + size, len(items))
        lists = {"User": [], "Group": [], "Policy": []}
        for item in items[start:end]:
            lists[item[0]].append(self.detail_xml(k, item))
        truncated = end < len(items)
        result = ""
        for tag, key in (("UserDetailList", "User"),
                         ("GroupDetailList", "Group"),
                         ("Policies", "Policy")):
            if lists[key] or key in [x if x != "LocalManagedPolicy"
                                     else "Policy" for x in kinds]:
                result += "    <%s>\n%s    </%s>\n" % (
                    tag, "".join(lists[key]), tag)
        result += "    <IsTruncated>%s</IsTruncated>\n" % (
            "true" if truncated else "false")
        return result, end if truncated else None

    def do_GetAccountAuthorizationDetails(self, form, who, k, ns):
        st = self.server.state
        kinds = [v for key, v in sorted(form.items())
                 if key.startswith("Filter.member.")]
        if not kinds:
            kinds = ["User", "Role", "Group", "LocalManagedPolicy",
                     "AWSManagedPolicy"]
        size = int(form.get("MaxItems", "100"))
        start = 0
        if "Marker" in form:
            start = self.unmarker(k, form["Marker"])
            if start is None:
                return self.error(400, "ValidationError",
                                  "Invalid Marker", ns)
        # Pages are a pure function of their arguments: built (and
        # checked against the model) once, then served from the cache
        # (--precompute fills it at start-up for benchmarks).
        ck = (k, tuple(kinds), start, size)
        with self.server.lock:
            cached = st["details_cache"].get(ck)
        if cached is None:
            page, nxt = self.details_page(k, kinds, start, size)
        else:
            page, nxt = cached
        result = page
        if nxt is not None:
            result += "    <Marker>%s</Marker>\n" % self.marker(k, nxt)
        if k in st["bad_details"]:
            return self.xml(200, '<GetAccountAuthorizationDetailsResponse '
                            'xmlns="%s">\n  <GetAccountAuthorizationDetails'
                            'Result>\n%s' % (ns, result[:len(result) // 2]))
        if self.ok("GetAccountAuthorizationDetails", result, ns,
                   checked=cached is not None) and cached is None:
            with self.server.lock:
                st["details_cache"][ck] = (page, nxt)

    def do_GetCallerIdentity(self, form, who, k, ns):
        self.ok("GetCallerIdentity",
                "    <Arn>%s</Arn>\n    <UserId>AIDAMOCK%04d</UserId>\n"
                "    <Account>%s</Account>\n"
                % (who["arn"], k, account_id(k)), ns)

    # -- instance metadata and container credentials ----------------

    def temp_creds(self):
        """New temporary credentials of the base account, as JSON."""
        st = self.server.state
        key = "ASIA%016X" % random.getrandbits(64)
        sess = {"account": 0, "secret": base64.b64encode(
                    os.urandom(30)).decode(),
                "token": base64.b64encode(os.urandom(120)).decode(),
                "expires": time.time() + (st["session_s"] or 3600),
                "arn": "arn:aws:sts::%s:assumed-role/instance/i-mock"
                % account_id(0)}
        with self.server.lock:
            st["sessions"][key] = sess
        return {"AccessKeyId": key, "SecretAccessKey": sess["secret"],
                "Token": sess["token"],
                "Expiration": iso(int(sess["expires"]))}

    def imds_token(self, req, match):
        ttl = req.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
        if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self.send(400, "Missing or invalid TTL\n")
        token = base64.b64encode(os.urandom(32)).decode()
        with self.server.lock:
            self.server.state["imds_tokens"].add(token)
        self.send(200, token, "text/plain",
                  {"X-aws-ec2-metadata-token-ttl-seconds": ttl})

    def imds_creds(self, req, match):
        with self.server.lock:
            ok = req.headers.get("X-aws-ec2-metadata-token") in \
                self.server.state["imds_tokens"]
        if not ok:
            return self.send(401, "Unauthorized\n")
        role = match.group(1)
        if role == "":
            return self.send(200, "mock-instance-role")
        if role != "mock-instance-role":
            return self.send(404, "Not Found\n")
        body = dict(self.temp_creds(), Code="Success", Type="AWS-HMAC",
                    LastUpdated=iso(int(time.time())))
        self.send_json(200, body)

    def container_creds(self, req, match):
        want = self.server.state["container_token"]
        if not want or req.headers.get("Authorization") != want:
            return self.send_json(401, {"message": "Unauthorized"})
        self.send_json(200, dict(self.temp_creds(),
                                 RoleArn="arn:aws:iam::%s:role/task"
                                 % account_id(0)))


class AwsServer(mockserver.MockServer):
    # socketserver listens with a backlog of 5: twenty scan threads
    # connecting at once would see SYNs dropped and a 1 s retransmit,
    # which no real AWS endpoint does.
    request_queue_size = 128


def _x(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def add_arguments(p):
    p.add_argument("--accounts", type=int, default=1)
    p.add_argument("--users", default="100")
    p.add_argument("--seed", default="dormant")
    p.add_argument("--now", type=int, default=None)
    p.add_argument("--days", type=int, default=90)
    p.add_argument("--report-ms", type=int, default=300)
    p.add_argument("--throttle", type=int, default=0)
    p.add_argument("--deny", default="")
    p.add_argument("--limit", default="")
    p.add_argument("--external-id", default="")
    p.add_argument("--session-seconds", type=int, default=0)
    p.add_argument("--latency-ms", type=int, default=0)
    p.add_argument("--bad-xml", default="")
    p.add_argument("--sts-region", default="us-east-1")
    p.add_argument("--container-token", default="")
    p.add_argument("--precompute", action="store_true")
    p.add_argument("--lie-expiration", type=int, default=0)
    p.add_argument("--fresh", default="")
    p.add_argument("--admins", type=int, default=0)
    p.add_argument("--bad-details", default="")
    p.add_argument("--off-model", default="")


def users_per_account(spec, accounts):
    parts = [int(x) for x in spec.split(",")]
    return [parts[k] if k < len(parts) else parts[-1]
            for k in range(accounts)]


def setup(server, args):
    load_models()
    server.state.update({
        "accounts": args.accounts,
        "users": users_per_account(args.users, args.accounts),
        "seed": args.seed,
        "now": args.now if args.now is not None else int(time.time()),
        "days": args.days,
        "report_s": args.report_ms / 1000.0,
        "throttle": args.throttle,
        "deny": set(x for x in args.deny.split(",") if x),
        "limit": set(x for x in args.limit.split(",") if x),
        "external_id": args.external_id,
        "session_s": args.session_seconds,
        "latency": args.latency_ms / 1000.0,
        "bad_xml": set(int(x) for x in args.bad_xml.split(",") if x),
        "sts_region": args.sts_region,
        "container_token": args.container_token,
        "lie_s": args.lie_expiration,
        "fresh": set(x for x in args.fresh.split(",") if x),
        "marker_key": os.urandom(16),
        "calls": {}, "deleted": {}, "reports": {}, "sessions": {},
        "content": {}, "accepted": {}, "rejected": {}, "off_model": [],
        "details_cache": {},
        "admins": args.admins,
        "off_model_actions": set(x for x in args.off_model.split(",") if x),
        "bad_details": set(int(x) for x in args.bad_details.split(",") if x),
        "imds_tokens": set(), "inflight": 0, "max_inflight": 0,
    })
    if args.precompute:
        precompute(server)


def precompute(server):
    """Builds every account's report before the port file appears, so
    that a benchmark measures dormant, not this mock's Python (the
    reports are the same, only built earlier)."""
    handler = AwsHandler.__new__(AwsHandler)
    handler.server = server
    kinds = ("User", "Group", "LocalManagedPolicy")  # what dormant asks
    for k in range(server.state["accounts"]):
        server.state["content"][k] = base64.b64encode(
            handler.report(k).encode()).decode()
        start = 0
        while start is not None:
            result, nxt = handler.details_page(k, list(kinds), start, 1000)
            server.state["details_cache"][(k, kinds, start, 1000)] = (
                result, nxt)
            start = nxt


def main(argv):
    # `aws_mock.py truth SEED NOW DAYS ACCOUNTS USERS`: the findings a
    # correct scan reports, one JSON list per account.
    if len(argv) > 1 and argv[1] == "truth":
        seed, now, days, accounts = argv[2], int(argv[3]), int(argv[4]), \
            int(argv[5])
        users = users_per_account(argv[6], accounts)
        print(json.dumps({account_id(k): truth(seed, now, days, k, users[k])
                          for k in range(accounts)}))
        return 0
    # `aws_mock.py admins EVERY ACCOUNTS USERS`: who holds administrator
    # power with --admins EVERY, by account.
    if len(argv) > 1 and argv[1] == "admins":
        every, accounts = int(argv[2]), int(argv[3])
        users = users_per_account(argv[4], accounts)
        print(json.dumps({account_id(k): ["u%d-%05d" % (k, i)
                                          for i in range(users[k])
                                          if is_admin(every, i)]
                          for k in range(accounts)}))
        return 0
    return mockserver.serve(AwsHandler, argv[1:], add_arguments, setup,
                            AwsServer)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
