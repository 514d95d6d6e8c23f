#!/bin/sh
# dormant tests: a throwaway CA and a server certificate for 127.0.0.1.
#
#   mkcerts.sh DIR
#
# writes into DIR (created if needed):
#   ca.pem, ca.key           the CA (what --ca-file / ca_file trusts)
#   server.pem, server.key   a leaf for IP 127.0.0.1 and DNS localhost,
#                            signed by that CA (what a mock serves)
#   other-ca.pem             an unrelated CA, for "wrong CA" tests
# Uses $OPENSSL (default: openssl). EC P-256 keys: fast to make.
set -eu

dir=${1:?usage: mkcerts.sh DIR}
openssl=${OPENSSL:-openssl}
mkdir -p "$dir"
cd "$dir"

ca() { # NAME SUBJECT
	"$openssl" req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$1.key" -out "$1.pem" -days 2 -subj "$2" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

ca ca "/CN=dormant test CA"
ca other-ca "/CN=dormant unrelated test CA"

cat >server.ext <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
EOF
"$openssl" req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
"$openssl" x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
	-CAcreateserial -out server.pem -days 2 -sha256 \
	-extfile server.ext 2>/dev/null
rm -f server.csr server.ext ca.srl
chmod 600 ca.key other-ca.key server.key
