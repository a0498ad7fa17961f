#!/bin/sh
# Node.js's own tests for worker_threads, MessageChannel/MessagePort,
# BroadcastChannel and structuredClone (test-worker*, test-messagechannel*,
# test-messageport*, test-messageevent*, test-broadcastchannel*,
# test-structuredClone*); under asan the MessagePort and structured clone
# files and a few worker ones.
exec sh "$(dirname "$0")/../node/group.sh" worker "messag structuredClone worker-message-port worker-terminate worker-exit"
