// bench/isolates.mjs: what isolates cost. Prints one JSON line per figure.
//   corojs --expose-gc bench/isolates.mjs idle N   RSS of N idle isolates, per isolate
//   corojs bench/isolates.mjs start N              start an isolate and call it, mean
//   corojs bench/isolates.mjs call N               call round trip, small arguments, mean
//   corojs bench/isolates.mjs transfer             move 1 KB and 100 MB ArrayBuffers, mean
//   corojs bench/isolates.mjs spin N               p50/p99 of an echo server isolate's round
//                                                  trip, alone and while another isolate spins
//   corojs bench/isolates.mjs spin-http N          the same for an HTTP server isolate
//   corojs bench/isolates.mjs spin-native N        TCP echo while the other loops over a slow
//                                                  native call (indexOf on 4 MB)
const [mode = 'call', arg] = process.argv.slice(2);
const app = `${import.meta.dirname}/isolate/idle.mjs`;
const us = (ms, n) => Number((ms * 1000 / n).toFixed(2));
const print = (o) => console.log(JSON.stringify(o));

if (mode === 'idle') {
  const n = Number(arg ?? 1000);
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const list = [];
  for (let i = 0; i < n; i++) list.push(new Isolate(app));
  for (const iso of list) iso.call('ping', 1); // all alive and answering
  const after = process.memoryUsage().rss;
  print({ idle: n, bytesPerIsolate: Math.round((after - before) / n), heapPerIsolate: list[0].stats().memory });
} else if (mode === 'start') {
  const n = Number(arg ?? 1000);
  for (let i = 0; i < 50; i++) { const w = new Isolate(app); w.call('ping', i); w.terminate(); w.join(); }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const iso = new Isolate(app);
    iso.call('ping', i);
    total += performance.now() - t;
    iso.terminate();
    iso.join();
  }
  print({ startAndCallUs: us(total, n) });
} else if (mode === 'call') {
  const n = Number(arg ?? 200000);
  const iso = new Isolate(app);
  for (let i = 0; i < 1000; i++) iso.call('ping', i);
  const t = performance.now();
  for (let i = 0; i < n; i++) iso.call('ping', i);
  print({ callUs: us(performance.now() - t, n) });
  iso.terminate();
} else if (mode === 'spin' || mode === 'spin-http' || mode === 'spin-native') {
  // a server isolate's round trips, alone and while another isolate spins;
  // spin: TCP echo, spin-http: HTTP requests on a kept-alive connection
  const n = Number(arg ?? 2000);
  const tcp = mode !== 'spin-http';
  const app = `${import.meta.dirname}/isolate/${tcp ? 'echo' : 'http'}.mjs`;
  const server = new Isolate(app, { net: true });
  const port = server.call('serve');
  let roundTrip, done;
  if (tcp) {
    const net = (await import('corojs:net')).default;
    const s = net.connect(port, '127.0.0.1');
    roundTrip = () => { s.write('ping'); s.read(); };
    done = () => s.close();
  } else {
    const http = (await import('corojs:http')).default;
    roundTrip = () => http.get(`http://127.0.0.1:${port}/`).text();
    done = () => {};
  }
  const measure = () => {
    const times = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      roundTrip();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { p50Ms: Number(times[n >> 1].toFixed(3)), p99Ms: Number(times[Math.floor(n * 0.99)].toFixed(3)) };
  };
  measure();
  const alone = measure();
  const spinner = new Isolate(app, { cpuSlice: 10 });
  spinner.callAsync(mode === 'spin-native' ? 'spinNative' : 'spin').catch(() => {});
  const spinning = measure();
  print({ protocol: tcp ? 'tcp' : 'http', spinner: mode === 'spin-native' ? 'native calls' : 'JS', alone,
    whileSpinning: spinning, cpuSliceMs: 10 });
  spinner.terminate();
  done();
  server.terminate();
} else if (mode === 'transfer') {
  const iso = new Isolate(app);
  const result = {};
  for (const [name, size, runs] of [['1KB', 1024, 200], ['100MB', 100 << 20, 20]]) {
    const bufs = Array.from({ length: runs }, () => new ArrayBuffer(size)); // made (and zeroed) before
    const t = performance.now();
    for (const b of bufs) iso.call('keep', Isolate.transfer(b)); // the child keeps them: no free timed
    result[`transfer${name}Us`] = us(performance.now() - t, runs);
    iso.call('drop');
  }
  const copy = new ArrayBuffer(1 << 20);
  const t = performance.now();
  for (let i = 0; i < 20; i++) iso.call('ping', copy);
  result.copy1MBUs = us(performance.now() - t, 20);
  print(result);
  iso.terminate();
}
