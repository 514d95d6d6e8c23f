"""dormant test helper: judges one run of the fault matrix against a mock's
truth (tests/e2e/fault_matrix.test, tests/bench/faults.sh).

The mocks' users are pure functions of their arguments, so the truth of a
scan is recomputed here from the mock modules themselves:

    fault_check.py verdicts CLOUD REPORT.json ARGS
        prints one of: exact | error | admins-unknown | wrong: WHY
        (exact: every ok scope's findings are the truth, user by user;
        error: some scope failed, and dormant exited 3 for it; wrong: a
        finding differs or is missing, or a failed scope went unnoticed)
    fault_check.py disables CLOUD STATE.json AUDIT.jsonl ARGS [--killed RUN]
        prints "disabled=N wrong=N unaudited=N": accounts the mock shows
        disabled, those of them not dormant non-admins in the truth (must
        be 0), and those without both a "before" and an "after" record
        in every run that touched them (must be 0; in the run RUN, which
        was killed, a "before" alone is the record)

ARGS is KEY=VALUE words: users=N (aws: per account), accounts=N, seed=S,
now=EPOCH, days=N, admins=N (aws), exit=N (the run's exit status),
exclude=P1,P2 (the acting runs' --exclude: such users are not to be
disabled either).
"""

import fnmatch
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# -- the truth: {scope: {id: (last_login, days_inactive, admin)}} ---------

def truth_aws(a):
    import aws_mock as m
    out = {}
    for k in range(a["accounts"]):
        scope = {}
        for name, arn, last, _ref, idle in m.truth(a["seed"], a["now"],
                                                  a["days"], k, a["users"]):
            i = int(name.split("-")[1])
            scope[arn] = (last, idle, m.is_admin(a["admins"], i),
                          (arn, name))
        out[m.account_id(k)] = scope
    return out


def truth_azure(a):
    import graph_mock as g
    found = g.dormant_truth(a["users"], a["seed"], a["now"], a["days"])
    return {"tenant": {uid: (w["last_login"], w["days_inactive"], w["admin"],
                             (uid, w["name"], w["mail"]))
                       for uid, w in found.items()}}


def truth_gcp(a):
    import google_mock as m
    scope = {}
    for i, u, ref in m.dormant_truth(a["users"], a["seed"], a["now"],
                                     a["days"]):
        uid = str(m.ID_BASE + i)
        scope[uid] = (m.iso(u["last"]), (a["now"] - ref) // m.DAY,
                      bool(u["admin"] or u["delegated"]),
                      (uid, m.email_of(i), m.email_of(i)))
    return {"domain": scope}


TRUTH = {"aws": truth_aws, "azure": truth_azure, "gcp": truth_gcp}


def scope_key(cloud, scope):
    # Entra and Google scan one scope a run: its label is the tenant's or
    # customer's id, which the truth need not know.
    return scope if cloud == "aws" else {"azure": "tenant",
                                         "gcp": "domain"}[cloud]


def verdicts(cloud, report_path, a):
    try:
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        return "wrong: no report (%s)" % e
    truth = TRUTH[cloud](a)
    got = {}
    for f in report["findings"]:
        if f["provider"] == cloud:
            got.setdefault(scope_key(cloud, f["scope"]), {})[f["id"]] = f
    errors = unknown = 0
    scopes = [p for p in report["providers"] if p["provider"] == cloud]
    if len(scopes) != len(truth):
        return "wrong: %d scopes reported, %d in the truth" % (len(scopes),
                                                               len(truth))
    for p in scopes:
        key = scope_key(cloud, p["scope"])
        if p["status"] != "ok":
            errors += 1
            continue
        want = truth.get(key)
        if want is None:
            return "wrong: scope %s is not in the truth" % p["scope"]
        n = a["users"]
        if p["users_scanned"] != n:
            return "wrong: %s scanned %s users of %d" % (
                p["scope"], p["users_scanned"], n)
        have = got.get(key, {})
        for uid in sorted(set(want) | set(have)):
            w, h = want.get(uid), have.get(uid)
            if w is None or h is None:
                return "wrong: %s %s %s" % (p["scope"], uid,
                                            "missing" if h is None else
                                            "reported, not dormant")
            admin = h["admin"]
            if admin is None and p.get("admins_unknown"):
                admin = w[2]
            if (h["last_login"], h["days_inactive"], admin) != w[:3]:
                return "wrong: %s %s got %r want %r" % (
                    p["scope"], uid,
                    (h["last_login"], h["days_inactive"], h["admin"]),
                    w[:3])
        if p.get("admins_unknown"):
            unknown += 1
    if errors:
        return "error" if a["exit"] == 3 else \
            "wrong: a scope failed but the exit status is %d" % a["exit"]
    if a["exit"] not in (0, 1, 4):
        return "wrong: every scope ok but the exit status is %d" % a["exit"]
    return "admins-unknown" if unknown else "exact"


# -- what the mock shows disabled ----------------------------------------

def disabled_aws(state, a):
    import aws_mock as m
    names = {}
    for k in range(a["accounts"]):
        for i in range(a["users"]):
            u = m.user(a["seed"], a["now"], a["days"], k, i)
            names[(str(k), u["name"])] = u["arn"]
    # The mock keys what it deleted by account index.
    return {names[(k, n)] for k, v in state["deleted"].items() for n in v}


def disabled_azure(state, a):
    return {uid for uid, on in state["enabled"].items() if on is False}


def disabled_gcp(state, a):
    last = {}
    for p in state["patches"]:
        last[p["id"]] = p["suspended"]
    return {uid for uid, s in last.items() if s}


DISABLED = {"aws": disabled_aws, "azure": disabled_azure,
            "gcp": disabled_gcp}


def disables(cloud, state_path, audit_path, a, killed_run):
    with open(state_path, encoding="utf-8") as f:
        state = json.load(f)
    shown = DISABLED[cloud](state, a)
    # Dormant non-admins that no exclusion names (as core matches them:
    # id, name or email, shell patterns, any case).
    pats = [p.strip().lower() for p in a.get("exclude", "").split(",")
            if p.strip()]

    def excluded(names):
        return any(fnmatch.fnmatchcase(n.lower(), p) for p in pats
                   for n in names if n)
    allowed = set()
    for scope in TRUTH[cloud](a).values():
        allowed |= {uid for uid, w in scope.items()
                    if not w[2] and not excluded(w[3])}
    # Each user's records, run by run: a run killed mid-action leaves a
    # "before" alone, every other run a "before" and an "after".
    runs = {}
    try:
        with open(audit_path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if r["provider"] == cloud and r["action"] == "disable":
                    runs.setdefault(r["id"], {}).setdefault(
                        r["run"], set()).add(r["phase"])
    except FileNotFoundError:
        pass

    def audited(uid):
        mine = runs.get(uid, {})
        if not mine:
            return False
        return all(ph == {"before", "after"} or
                   (run == killed_run and "before" in ph)
                   for run, ph in mine.items())
    unaudited = [u for u in shown if not audited(u)]
    return "disabled=%d wrong=%d unaudited=%d" % (
        len(shown), len(shown - allowed), len(unaudited))


def args_of(words):
    a = {"accounts": 1, "days": 90, "admins": 0, "exit": 0, "seed": 1}
    for w in words:
        k, _, v = w.partition("=")
        a[k] = v if k in ("seed", "exclude") else int(v)
    return a


def main(argv):
    if len(argv) >= 4 and argv[1] == "verdicts":
        a = args_of(argv[4:])
        if argv[2] != "aws":
            a["seed"] = int(a["seed"])
        print(verdicts(argv[2], argv[3], a))
        return 0
    if len(argv) >= 5 and argv[1] == "disables":
        words, killed = argv[5:], None
        if "--killed" in words:
            i = words.index("--killed")
            killed = words[i + 1]
            words = words[:i] + words[i + 2:]
        a = args_of(words)
        if argv[2] != "aws":
            a["seed"] = int(a["seed"])
        print(disables(argv[2], argv[3], argv[4], a, killed))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
