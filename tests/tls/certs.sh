#!/bin/sh
# tests/tls/certs.sh DIR: make the certificates the TLS tests use, in DIR.
#
#   ca.pem                the test CA (the tests trust it with `ca`)
#   a.pem a.key           a.test, also localhost and 127.0.0.1, from the CA
#   b.pem b.key           b.test, from the CA
#   expired.pem .key      localhost and 127.0.0.1, from the CA, expired in 2020
#   self.pem self.key     localhost, self-signed
#   untrusted.pem .key    localhost, from another CA nobody trusts
#
# EC P-256 keys, so it takes a fraction of a second. Needs the openssl
# command (package openssl, which deps/deps.sh installs).
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# ca NAME SUBJECT: a self-signed CA certificate
ca() {
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 30 -subj "/CN=$2" \
        -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign
}

# leaf NAME CA SAN: a certificate for SAN (DNS:a.test,...) signed by CA
leaf() {
    key "$1.key"
    openssl req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr"
    printf 'subjectAltName=%s\nbasicConstraints=CA:false\nextendedKeyUsage=serverAuth\n' "$3" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 30 \
        -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}

ca ca 'CoroJS Test CA'
ca other 'Nobody Trusts This CA'
leaf a ca DNS:a.test,DNS:localhost,IP:127.0.0.1
leaf b ca DNS:b.test
leaf untrusted other DNS:localhost,IP:127.0.0.1

# self-signed
key self.key
openssl req -x509 -new -key self.key -out self.pem -days 30 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1

# expired: `openssl x509` cannot date a certificate in the past, `openssl ca` can
key expired.key
openssl req -new -key expired.key -subj /CN=expired -out expired.csr
mkdir -p newcerts
: > index.txt
echo 1000 > serial
cat > ca.cnf <<CNF
[ca]
default_ca = test
[test]
dir = .
database = index.txt
new_certs_dir = newcerts
serial = serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[ext]
subjectAltName = DNS:localhost,IP:127.0.0.1
basicConstraints = CA:false
CNF
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem \
    -startdate 20200101000000Z -enddate 20200102000000Z -extensions ext -notext 2>/dev/null
rm -rf newcerts index.txt* serial* ca.cnf ./*.csr ./*.ext ./*.srl
