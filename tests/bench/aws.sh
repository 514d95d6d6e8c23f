#!/bin/sh
# dormant bench: live AWS IAM scans against tests/mock/aws_mock.py with
# 50 ms added to every answer.
#
# 1. One account of 5,000 IAM users (the IAM maximum) through the
#    credential report: a constant number of IAM calls whatever the
#    number of users (GetCallerIdentity, GenerateCredentialReport until
#    COMPLETE, GetCredentialReport), plus the admins:
#    GetAccountAuthorizationDetails, 1,000 items a page (6 pages for
#    5,000 users, one user in ten an admin).
# 2. 20 such accounts (the base account + 19 roles through AssumeRole):
#    the criterion (issue 3) is a wall time of at most 1.5 x that of one.
# 3. The fallback (no credential report): ListUsers + GetLoginProfile per
#    user, paced at max_requests_per_second, to show the pacing holds.
#
# The mock builds its reports at start-up (--precompute) so that its own
# Python does not serialize the 20 accounts: the time measured is
# dormant's plus the simulated latency and the report's generation delay
# (--report-ms, 300 ms: real IAM takes seconds).
#
# Prints: wall times, IAM calls per account, and the ratios (a timing
# is a measurement: the script fails only when a scan does).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/mock/mock.sh"

mock_require
# The mock takes its API from botocore's IAM and STS models.
api_require botocore
USERS=${BENCH_AWS_USERS:-5000}
ACCOUNTS=${BENCH_AWS_ACCOUNTS:-20}
LATENCY=${BENCH_AWS_LATENCY_MS:-50}
FALLBACK_USERS=${BENCH_AWS_FALLBACK_USERS:-1000}
FALLBACK_RATE=${BENCH_AWS_FALLBACK_RATE:-100}
NOW=2026-11-28T12:00:00Z
NOW_S=1795867200

for v in AWS_SESSION_TOKEN AWS_PROFILE AWS_CONFIG_FILE \
	AWS_SHARED_CREDENTIALS_FILE AWS_REGION AWS_DEFAULT_REGION \
	AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_STS AWS_CA_BUNDLE \
	AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
	AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_EC2_METADATA_SERVICE_ENDPOINT; do
	unset "$v"
done
HOME="$T"
AWS_EC2_METADATA_DISABLED=true
AWS_ACCESS_KEY_ID=AKIDMOCKBASE00000000
AWS_SECRET_ACCESS_KEY='mock/base+secret=0123456789abcdefABCDEF'
export HOME AWS_EC2_METADATA_DISABLED AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

# GNU date: a Python start-up inside the timed span would add ~20 ms.
now_s() { date +%s.%N; }

# run LABEL: scans with $T/aws.conf, prints the wall time in seconds.
run() {
	t0=$(now_s)
	"$DORMANT" -c "$T/aws.conf" --ca-file "$MOCK_CA" --now "$NOW" -f json \
		-o "$T/$1.json" 2>"$T/$1.err"
	rc=$?
	t1=$(now_s)
	[ "$rc" -le 1 ] || { cat "$T/$1.err" >&2; exit 1; }
	"$PYTHON3" -c "print('%.2f' % ($t1 - $t0))"
}

# calls: IAM calls per account and in all, from the mock's counters.
calls() {
	"$PYTHON3" - "$MOCK_URL" "$MOCK_CA" <<'EOF'
import json, ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile=sys.argv[2])
c = json.load(urllib.request.urlopen(sys.argv[1] + "/_mock/aws/state",
                                     context=ctx))["calls"]
iam = {"ListUsers", "GetUser", "GetLoginProfile", "DeleteLoginProfile",
       "GenerateCredentialReport", "GetCredentialReport",
       "GetAccountAuthorizationDetails"}
per = {}
for k, v in c.items():
    acct, action = k.split(":")
    if action in iam:
        per[acct] = per.get(acct, 0) + v
print("%d IAM calls in %d accounts (max %d per account), %d requests in all"
      % (sum(per.values()), len(per), max(per.values()), sum(c.values())))
EOF
}

check_users() { # REPORT ACCOUNTS USERS
	"$PYTHON3" -c '
import json, sys
d = json.load(open(sys.argv[1]))
ok = len(d["providers"]) == int(sys.argv[2]) and all(
    p["status"] == "ok" and p["users_scanned"] == int(sys.argv[3])
    for p in d["providers"])
sys.exit(0 if ok else 1)' "$@" || { echo "incomplete scan: $1" >&2; exit 1; }
}

mock_start aws aws_mock.py --accounts 1 --users "$USERS" --now "$NOW_S" \
	--latency-ms "$LATENCY" --precompute --admins 10
printf '[aws]\nendpoint_iam = %s\nendpoint_sts = %s\n' "$MOCK_URL" \
	"$MOCK_URL" >"$T/aws.conf"
chmod 600 "$T/aws.conf"
one=$(run one) || exit 1
check_users "$T/one.json" 1 "$USERS"
one_calls=$(calls)
mock_stop aws

mock_start aws aws_mock.py --accounts "$ACCOUNTS" --users "$USERS" \
	--now "$NOW_S" --latency-ms "$LATENCY" --precompute --admins 10
"$PYTHON3" -c "print('\n'.join('arn:aws:iam::%012d:role/DormantScan' % (210000000000 + k) for k in range(1, $ACCOUNTS)))" >"$T/roles"
printf '[aws]\nendpoint_iam = %s\nendpoint_sts = %s\nassume_roles_file = %s\n' \
	"$MOCK_URL" "$MOCK_URL" "$T/roles" >"$T/aws.conf"
many=$(run many) || exit 1
check_users "$T/many.json" "$ACCOUNTS" "$USERS"
many_calls=$(calls)
mock_stop aws

mock_start aws aws_mock.py --accounts 1 --users "$FALLBACK_USERS" \
	--now "$NOW_S" --latency-ms "$LATENCY" \
	--deny GenerateCredentialReport@0
printf '[aws]\nendpoint_iam = %s\nendpoint_sts = %s\nmax_requests_per_second = %s\nparallel_requests = 8\n' \
	"$MOCK_URL" "$MOCK_URL" "$FALLBACK_RATE" >"$T/aws.conf"
fb=$(run fallback) || exit 1
check_users "$T/fallback.json" 1 "$FALLBACK_USERS"
fb_calls=$(calls)
mock_stop aws

ratio=$("$PYTHON3" -c "print('%.2f' % ($many / $one))")
fb_rate=$("$PYTHON3" -c "print('%.1f' % ($FALLBACK_USERS / $fb))")
echo "aws: 1 account x $USERS users, credential report, ${LATENCY} ms/request: ${one} s; $one_calls"
echo "aws: $ACCOUNTS accounts x $USERS users, ${LATENCY} ms/request: ${many} s; $many_calls"
met=$("$PYTHON3" -c "print('met' if $ratio <= 1.5 else 'NOT met')")
echo "aws: $ACCOUNTS accounts / 1 account wall time: ${ratio} (criterion <= 1.5: $met)"
echo "aws: fallback, 1 account x $FALLBACK_USERS users at max_requests_per_second = $FALLBACK_RATE: ${fb} s (${fb_rate} GetLoginProfile/s); $fb_calls"
