#!/bin/sh
# dormant bench: Microsoft Entra ID through the mock identity platform +
# Graph with 50 ms added to every answer.
#
#   1. scan a 100,000-user tenant through the dormant binary: 834 pages of
#      120 users (plus $count, role assignments, group members and the
#      token: 838 requests). Goal: at most 1.2 x pages x 50 ms = 50.0 s.
#   2. disable 1,000 users (PATCH accountEnabled=false, then
#      revokeSignInSessions): 2,000 requests in 100 $batch requests of 20.
#      Goal: at most 1.5 x 100 x 50 ms = 7.5 s.
# Prints the measurements; exits non-zero only when something broke.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/mock/mock.sh"

mock_require
unset AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET \
	AZURE_CLIENT_CERTIFICATE_PATH AZURE_AUTHORITY_HOST \
	AZURE_FEDERATED_TOKEN_FILE
TENANT=8f3c2a71-5d4e-4b9a-9c1f-2e6d7a0b4c35
CLIENT=3d1c4f0e-7a2b-4c5d-8e9f-0a1b2c3d4e5f
SECRET='Zq8~s3cr3t.Value-0123456789abcdefGHIJ'
N=100000
LAT=50

now_ms() { "$PYTHON3" -c 'import time; print(int(time.monotonic() * 1000))'; }

mock_start graph graph_mock.py --tenant "$TENANT" --client-id "$CLIENT" \
	--secret "$SECRET" --users $N --now 1795003200 --latency-ms $LAT
cat >"$T/bench.conf" <<EOC
[azure]
tenant_id = $TENANT
client_id = $CLIENT
client_secret = $SECRET
authority_host = $MOCK_URL
graph_endpoint = $MOCK_URL
# The documented limit (10 a minute) would take 83 minutes here; the mock
# has none.
requests_per_minute = 100000000
EOC
chmod 600 "$T/bench.conf"
a=$(now_ms)
"$DORMANT" -c "$T/bench.conf" --ca-file "$MOCK_CA" --now 2026-11-18T09:20:00Z \
	-f json -o "$T/bench.json" 2>"$T/bench.err"
rc=$?
b=$(now_ms)
[ $rc -eq 1 ] || { echo "scan failed ($rc):"; cat "$T/bench.err"; exit 1; }
pages=$(( (N + 119) / 120 ))
"$PYTHON3" -c 'import sys
ms, pages, lat = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
goal = 1.2 * pages * lat
print("azure scan: %d users, %d pages, %d ms latency: %.2f s "
      "(goal <= %.2f s: %s, %.3f x pages x latency)"
      % (int(sys.argv[4]), pages, lat, ms / 1000, goal / 1000,
         "met" if ms <= goal else "MISSED", ms / (pages * lat)))' \
	$((b - a)) $pages $LAT $N
mock_stop graph

mock_start graph graph_mock.py --tenant "$TENANT" --client-id "$CLIENT" \
	--secret "$SECRET" --users 2000 --now 1795003200 --latency-ms $LAT
set -- $("$top_builddir/tests/unit/azure/test_live" "$MOCK_CA" "$MOCK_URL" bench 1000)
[ $# -eq 3 ] || { echo "disable bench failed"; exit 1; }
"$PYTHON3" -c 'import sys
n, batches, secs, lat = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
need = (2 * n + 19) // 20
goal = 1.5 * need * lat / 1000
print("azure disable: %d users, %d $batch requests (%d needed), %d ms latency: "
      "%.2f s (goal <= %.2f s: %s)"
      % (n, batches, need, lat, secs, goal, "met" if secs <= goal else "MISSED"))' \
	"$1" "$2" "$3" $LAT
mock_stop graph
