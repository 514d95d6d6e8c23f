#!/bin/sh
# dormant bench: one run over large exports of all three clouds (offline
# input): 5,000 IAM users (the IAM maximum), 100,000 Entra users and
# 100,000 Google users, generated deterministically. Prints the wall time
# of the whole run, of each provider alone, and the peak memory.
. "$top_srcdir/tests/lib.sh"

PY="${PYTHON3:-/usr/bin/python3}"
"$PY" - "$T" <<'PYEOF'
import json, sys, random
d = sys.argv[1]
rnd = random.Random(7)
def t(days_ago):
    import datetime
    base = datetime.datetime(2026, 11, 28, 12, 0, 0)
    return (base - datetime.timedelta(seconds=int(days_ago * 86400))).strftime("%Y-%m-%dT%H:%M:%S")
with open(d + "/cred.csv", "w") as f:
    f.write("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n")
    for i in range(5000):
        f.write("u%d,arn:aws:iam::123456789012:user/u%d,%s+00:00,true,%s+00:00,%s+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" % (i, i, t(900), t(rnd.uniform(0, 400)), t(800)))
users = []
for i in range(100000):
    users.append({"id": "%08x-0000-4000-8000-%012x" % (i, i), "userPrincipalName": "u%d@contoso.com" % i,
                  "mail": "u%d@contoso.com" % i, "displayName": "User %d" % i, "accountEnabled": True,
                  "createdDateTime": t(900) + "Z", "userType": "Member",
                  "signInActivity": {"lastSignInDateTime": t(rnd.uniform(0, 400)) + "Z", "lastSignInRequestId": None,
                                     "lastNonInteractiveSignInDateTime": None, "lastNonInteractiveSignInRequestId": None,
                                     "lastSuccessfulSignInDateTime": None, "lastSuccessfulSignInRequestId": None}})
json.dump({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName,mail,displayName,accountEnabled,createdDateTime,userType,signInActivity)", "value": users}, open(d + "/graph.json", "w"))
json.dump({"value": []}, open(d + "/roles.json", "w"))
gusers = []
for i in range(100000):
    gusers.append({"kind": "admin#directory#user", "id": str(100000000000000000000 + i), "primaryEmail": "u%d@example.com" % i,
                   "name": {"fullName": "User %d" % i}, "isAdmin": False, "isDelegatedAdmin": False,
                   "lastLoginTime": t(rnd.uniform(0, 400)) + ".000Z", "creationTime": t(900) + ".000Z",
                   "suspended": False, "archived": False, "isEnrolledIn2Sv": True, "isEnforcedIn2Sv": False,
                   "customerId": "C03az79cb", "orgUnitPath": "/"})
json.dump({"kind": "admin#directory#users", "users": gusers}, open(d + "/google.json", "w"))
PYEOF
cat >"$T/all.conf" <<CONF
[aws]
credential_report_file = cred.csv
[azure]
tenant_id = 8f3c2a71-5d4e-4b9a-9c1f-2e6d7a0b4c35
users_file = graph.json
directory_roles_file = roles.json
[gcp]
users_file = google.json
CONF
ls -l "$T"/*.csv "$T"/*.json | awk '{printf "# %-12s %6.1f MB\n", $9, $5 / 1048576}' | sed "s|$T/||"

run() {
	/usr/bin/time -f "%e %M" -o "$T/time" "$DORMANT" -c "$T/all.conf" --now 2026-11-28T12:00:00Z -f json -o "$T/out.json" "$@" 2>/dev/null
	read -r secs kb <<EOF2
$(tail -n 1 "$T/time")
EOF2
	echo "$secs s, peak $((kb / 1024)) MiB"
}
for p in aws azure gcp; do
	echo "$p alone: $(run -p $p)"
done
echo "all three at once: $(run)"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print("findings:", len(d["findings"]), "users:", sum(p["users_scanned"] for p in d["providers"]))' "$T/out.json"
