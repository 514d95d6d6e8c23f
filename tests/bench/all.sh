#!/bin/sh
# dormant bench: one run over all three clouds live at once, against the
# three mocks with 50 ms added to every answer, versus each provider
# alone. Criterion (issue 5): all three at once take no longer than the
# slowest alone plus 10% (core scans providers concurrently).
#
# Sizes are chosen so each provider alone takes seconds, not minutes:
# AWS 20 accounts of 5,000 users (credential report), Entra 20,000 users
# (167 pages of 120), Google 50,000 users (100 pages of 500).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/mock/mock.sh"

mock_require
api_require google-admin
api_require graph-types
LAT=${BENCH_ALL_LATENCY_MS:-50}
NOW=2026-11-28T12:00:00Z
for v in AWS_SESSION_TOKEN AWS_PROFILE AWS_CONFIG_FILE \
	AWS_SHARED_CREDENTIALS_FILE AWS_REGION AWS_DEFAULT_REGION \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_STS AWS_CA_BUNDLE \
	AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
	AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_EC2_METADATA_SERVICE_ENDPOINT \
	AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET \
	AZURE_CLIENT_CERTIFICATE_PATH AZURE_AUTHORITY_HOST \
	AZURE_FEDERATED_TOKEN_FILE GOOGLE_APPLICATION_CREDENTIALS; do
	unset "$v"
done
HOME="$T"
AWS_EC2_METADATA_DISABLED=true
AWS_ACCESS_KEY_ID=AKIDMOCKBASE00000000
AWS_SECRET_ACCESS_KEY='mock/base+secret=0123456789abcdefABCDEF'
export HOME AWS_EC2_METADATA_DISABLED AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

mock_certs

# AWS: 20 accounts (the base one + 19 roles).
mock_start aws aws_mock.py --accounts 20 --users 5000 --now 1795867200 \
	--latency-ms "$LAT" --precompute
"$PYTHON3" -c "print('\n'.join('arn:aws:iam::%012d:role/DormantScan' % (210000000000 + k) for k in range(1, 20)))" >"$T/roles"
printf '[aws]\nendpoint_iam = %s\nendpoint_sts = %s\nassume_roles_file = %s\n' \
	"$MOCK_URL" "$MOCK_URL" "$T/roles" >"$T/aws.sec"

# Entra: 20,000 users.
TENANT=8f3c2a71-5d4e-4b9a-9c1f-2e6d7a0b4c35
CLIENT=3d1c4f0e-7a2b-4c5d-8e9f-0a1b2c3d4e5f
SECRET='Zq8~s3cr3t.Value-0123456789abcdefGHIJ'
mock_start graph graph_mock.py --tenant "$TENANT" --client-id "$CLIENT" \
	--secret "$SECRET" --users 20000 --now 1795867200 --latency-ms "$LAT"
printf '[azure]\ntenant_id = %s\nclient_id = %s\nclient_secret = %s\nauthority_host = %s\ngraph_endpoint = %s\nrequests_per_minute = 100000000\n' \
	"$TENANT" "$CLIENT" "$SECRET" "$MOCK_URL" "$MOCK_URL" >"$T/azure.sec"

# Google: 50,000 users.
GM="$top_srcdir/tests/mock/google_mock.py"
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$T/key.pem" 2>/dev/null || exit 1
"$PYTHON3" -B "$GM" --make-key "$T/key.pem" https://127.0.0.1/token >"$T/template.json"
mock_start google google_mock.py --sa-key "$T/template.json" \
	--users 50000 --seed 11 --latency-ms "$LAT"
"$PYTHON3" -B "$GM" --make-key "$T/key.pem" "$MOCK_URL/token" >"$T/sa.json"
chmod 600 "$T/sa.json"
printf '[gcp]\ncredentials_file = %s\nsubject = admin@example.com\ndirectory_endpoint = %s\n' \
	"$T/sa.json" "$MOCK_URL" >"$T/gcp.sec"

for p in aws azure gcp; do
	cp "$T/$p.sec" "$T/$p.conf"
done
cat "$T/aws.sec" "$T/azure.sec" "$T/gcp.sec" >"$T/all.conf"
chmod 600 "$T"/*.conf

# GNU date: a Python start-up inside the timed span would add ~20 ms.
now_s() { date +%s.%N; }

run() { # NAME PROVIDERS: scans with $T/NAME.conf, prints the wall time
	t0=$(now_s)
	"$DORMANT" -c "$T/$1.conf" -p "$2" --ca-file "$MOCK_CA" --now "$NOW" \
		-f json -o "$T/$1.json" 2>"$T/$1.err"
	rc=$?
	t1=$(now_s)
	[ "$rc" -le 1 ] || { echo "$1: scan failed ($rc)" >&2; cat "$T/$1.err" >&2; exit 1; }
	"$PYTHON3" -c "print('%.2f' % ($t1 - $t0))"
}

# (AWS_ACCESS_KEY_ID alone would enable aws: -p says which to run.)
aws=$(run aws aws) || exit 1
azure=$(run azure azure) || exit 1
gcp=$(run gcp gcp) || exit 1
all=$(run all aws,azure,gcp) || exit 1
"$PYTHON3" - "$aws" "$azure" "$gcp" "$all" "$T/all.json" <<'PYEOF'
import json, sys
aws, azure, gcp, allt = map(float, sys.argv[1:5])
d = json.load(open(sys.argv[5]))
users = sum(p["users_scanned"] for p in d["providers"])
ok = all(p["status"] == "ok" for p in d["providers"])
slowest = max(aws, azure, gcp)
print("all: aws alone %.2f s, azure alone %.2f s, gcp alone %.2f s" % (aws, azure, gcp))
print("all: three at once %.2f s for %d users in %d scopes (%s); %.2f x the slowest "
      "(criterion <= 1.10: %s)" % (allt, users, len(d["providers"]),
      "all ok" if ok else "SOME FAILED", allt / slowest,
      "met" if allt <= 1.1 * slowest else "NOT met"))
PYEOF
