#!/bin/sh
# Node.js's own tests for worker_threads, MessageChannel/MessagePort,
# BroadcastChannel and structuredClone (test-worker*, test-messagechannel*,
# test-messageport*, test-messageevent*, test-broadcastchannel*,
# test-structuredClone*: 137 files, about 40 s on 2 cores, 97 pass); under
# asan the MessageChannel and structured clone files and the worker ones
# about ports (about 60 s; the ones about exit codes too took 100 s).
exec sh "$(dirname "$0")/../node/group.sh" worker "messagechannel structuredClone worker-message-port"
