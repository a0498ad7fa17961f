#!/bin/sh
# Node.js's own tests for node:tls and node:https (tests/node/run.sh's tls
# group: the client, server, connect, SNI, ALPN and certificate files of
# test-tls-* and test-https-*; `sh tests/node/run.sh tls https` runs all);
# under asan the connect and SNI files and https' simple one.
exec sh "$(dirname "$0")/../node/group.sh" tls "tls-connect tls-sni https-simple"
