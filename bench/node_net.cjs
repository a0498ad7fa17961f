// bench/node_net.cjs: node:net's API on loopback, the same script under node
// and corojs (bench/node_net.sh runs both and prints the ratios). Prints one
// JSON line: connections/s (connect, one echoed byte, end; 50 at a time),
// round trips/s (10 connections ping-ponging 64 bytes), MB/s (one connection
// streaming 64 MB in 64 KiB writes into a server that counts them).
'use strict';
const net = require('net');

const now = () => Number(process.hrtime.bigint()) / 1e6;

function listen(handler) {
  return new Promise((resolve) => {
    const server = net.createServer(handler).listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function connectionRate(total, atOnce) {
  const server = await listen((s) => s.pipe(s));
  const { port } = server.address();
  const one = () => new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => c.write('x'));
    c.once('data', () => c.end());
    c.on('close', resolve);
    c.on('error', reject);
  });
  const t0 = now();
  for (let done = 0; done < total; done += atOnce) {
    await Promise.all(Array.from({ length: atOnce }, one));
  }
  const ms = now() - t0;
  server.close();
  return (total / ms) * 1000;
}

async function roundTrips(connections, each) {
  const server = await listen((s) => s.pipe(s));
  const { port } = server.address();
  const payload = Buffer.alloc(64, 'p');
  const one = () => new Promise((resolve) => {
    let left = each;
    const c = net.connect(port, '127.0.0.1', () => c.write(payload));
    let got = 0;
    c.on('data', (d) => {
      got += d.length;
      while (got >= payload.length) {
        got -= payload.length;
        if (--left === 0) return c.end();
        c.write(payload);
      }
    });
    c.on('close', resolve);
  });
  const t0 = now();
  await Promise.all(Array.from({ length: connections }, one));
  const ms = now() - t0;
  server.close();
  return ((connections * each) / ms) * 1000;
}

async function throughput(megabytes) {
  const total = megabytes * 1024 * 1024;
  let received = 0;
  let t0;
  const done = new Promise((resolve) => {
    listen((s) => {
      s.on('data', (d) => { received += d.length; });
      s.on('end', () => { s.end(); resolve(now() - t0); });
    }).then((server) => {
      const c = net.connect(server.address().port, '127.0.0.1', () => {
        t0 = now();
        const chunk = Buffer.alloc(64 * 1024, 'd');
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            sent += chunk.length;
            if (!c.write(chunk)) return c.once('drain', pump);
          }
          c.end();
        };
        pump();
      });
      c.resume();
      c.on('close', () => server.close());
    });
  });
  const ms = await done;
  if (received !== total) throw new Error(`received ${received} of ${total}`);
  return (megabytes / ms) * 1000;
}

(async () => {
  const result = {
    connectionsPerSecond: Math.round(await connectionRate(1000, 50)),
    roundTripsPerSecond: Math.round(await roundTrips(10, 2000)),
    megabytesPerSecond: Math.round(await throughput(64)),
  };
  console.log(JSON.stringify(result));
})();
