// bench/worker.cjs (bench/worker.sh runs it under corojs and node): the
// time to start a worker_threads Worker that posts one message and ends, one
// after another, and the round trip of a small message to a live worker.
'use strict';
const { Worker } = require('worker_threads');
const N = Number(process.argv[2] || 50);
const M = Number(process.argv[3] || 20000);

function startEach(i, t0, done) {
  const w = new Worker("require('worker_threads').parentPort.postMessage(1)", { eval: true });
  w.once('message', () => {});
  w.on('exit', () => {
    if (i + 1 < N) startEach(i + 1, t0, done);
    else done(Number(process.hrtime.bigint() - t0) / 1e6 / N);
  });
}

function roundTrips(done) {
  const w = new Worker("const { parentPort } = require('worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m))", { eval: true });
  let left = M, t0;
  w.on('message', () => {
    if (--left === 0) {
      const us = Number(process.hrtime.bigint() - t0) / 1e3 / M;
      w.terminate().then(() => done(us));
    } else {
      w.postMessage({ n: left, s: 'hello' });
    }
  });
  w.once('online', () => {
    t0 = process.hrtime.bigint();
    w.postMessage({ n: left, s: 'hello' });
  });
}

startEach(0, process.hrtime.bigint(), (ms) => {
  roundTrips((us) => console.log(`${ms.toFixed(2)} ${us.toFixed(2)}`));
});
