// flags: --expose-internals --expose-gc
// node:zlib: Node's own lib/zlib.js over internalBinding('zlib') (Debian's
// zlib and brotli, src/prim/zlib.c). Round trips against the real gzip(1)
// both ways, every mode in its sync, callback, promise and stream forms,
// garbage and truncated input (Node's errors: Z_DATA_ERROR, Z_BUF_ERROR,
// brotli's), bad arguments, a stream destroyed mid-pipe, a stream dropped
// unclosed being collected. Each test waits on events, never on a clock.
import { test, assert, event } from './harness.mjs';
import { requireBuiltin } from 'corojs:internal/node/builtins';

const zlib = requireBuiltin('zlib');
const cp = requireBuiltin('child_process');
const { pipeline, Readable, Writable } = requireBuiltin('stream');
const { promisify } = requireBuiltin('util');
const { Buffer } = requireBuiltin('buffer');

// Text that compresses, and bytes that do not: 1 MB of each.
const text = Buffer.from(Array.from({ length: 40000 }, (_, i) => `line ${i} of the test\n`).join('').slice(0, 1 << 20));
const noise = Buffer.alloc(1 << 20);
for (let i = 0, x = 12345; i < noise.length; i++) noise[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;

// fn(...args, cb) as a value: { err, value }.
function callback(fn, ...args) {
  const done = event();
  fn(...args, (err, value) => done.fire({ err, value }));
  return done.wait();
}

// The bytes a stream gives before it ends, or the error it ends with.
function drain(stream) {
  const done = event();
  const chunks = [];
  stream.on('data', (c) => chunks.push(c));
  stream.on('end', () => done.fire({ value: Buffer.concat(chunks) }));
  stream.on('error', (err) => done.fire({ err }));
  return done.wait();
}

const gzip = (args, input) => cp.execFileSync('gzip', args, { input, maxBuffer: 64 << 20 });

test('gzip(1) decompresses what gzipSync and gzip make, at each level', () => {
  for (const level of [1, 6, 9]) {
    assert.ok(gzip(['-dc'], zlib.gzipSync(text, { level })).equals(text), `level ${level}`);
  }
  const { err, value } = callback(zlib.gzip, noise);
  assert.equal(err, null);
  assert.ok(gzip(['-dc'], value).equals(noise));
});

test("gunzip reads gzip(1)'s output, also two members one after the other", () => {
  const a = gzip(['-c'], text), b = gzip(['-9c'], noise);
  assert.ok(zlib.gunzipSync(a).equals(text));
  assert.ok(zlib.unzipSync(a).equals(text));
  assert.ok(zlib.gunzipSync(Buffer.concat([a, b])).equals(Buffer.concat([text, noise])));
  const { err, value } = callback(zlib.gunzip, b);
  assert.equal(err, null);
  assert.ok(value.equals(noise));
});

// One-shot compression (libdeflate: a fresh compressor given all its input
// with Z_FINISH, at least 4 KB, window 15, default strategy, no dictionary).
test("one-shot compression: zlib's headers, gzip(1) reads it, chunks of any size, reset", () => {
  const { Z_FINISH } = zlib.constants;
  // the same header bytes as zlib writes (a stream written in two parts is zlib's)
  const byZlib = (make, opts) => {
    const s = make(opts);
    const parts = [];
    s.on('data', (c) => parts.push(c));
    s.write(text.subarray(0, 10));
    const done = event();
    s.on('end', () => done.fire());
    s.end(text.subarray(10));
    done.wait();
    return Buffer.concat(parts);
  };
  for (const level of [1, 2, 6, 9, -1]) {
    const g = zlib.gzipSync(text, { level }), gz = byZlib(zlib.createGzip, { level });
    assert.equal(g.subarray(0, 10).toString('hex'), gz.subarray(0, 10).toString('hex'), `gzip header, level ${level}`);
    assert.ok(gzip(['-dc'], g).equals(text), `gzip(1), level ${level}`);
    const d = zlib.deflateSync(text, { level }), dz = byZlib(zlib.createDeflate, { level });
    assert.equal(d.subarray(0, 2).toString('hex'), dz.subarray(0, 2).toString('hex'), `zlib header, level ${level}`);
    assert.ok(zlib.inflateSync(d).equals(text));
    assert.ok(zlib.inflateRawSync(zlib.deflateRawSync(noise, { level })).equals(noise));
    // the one-shot is smaller than zlib's own at these levels
    assert.ok(g.length <= gz.length, `level ${level}: ${g.length} <= ${gz.length}`);
  }
  // what the one-shot does not take still works through zlib
  for (const opts of [{ windowBits: 9 }, { strategy: zlib.constants.Z_FILTERED }, { level: 0 },
    { dictionary: Buffer.from('line of the test') }, { memLevel: 1 }]) {
    assert.ok(zlib.inflateSync(zlib.deflateSync(text, opts), opts).equals(text), JSON.stringify(opts));
  }
  // handed out 64 bytes at a time; maxOutputLength still counts
  assert.ok(zlib.gunzipSync(zlib.gzipSync(text, { chunkSize: 64 })).equals(text));
  assert.throws(() => zlib.gzipSync(text, { maxOutputLength: 1000 }), { code: 'ERR_BUFFER_TOO_LARGE' });
  // reset: a stream zlib has started on compresses again from scratch, whole
  const g = zlib.createGzip();
  g.write(text.subarray(0, 5000));
  const flushed = event();
  g.flush(() => flushed.fire());
  flushed.wait();
  g.read();
  g.reset();
  assert.ok(zlib.gunzipSync(drain(g.end(noise) && g).value).equals(noise));
  // the callback form and a stream ended with all its input take it too
  const cb = callback(zlib.gzip, text);
  assert.ok(cb.value.equals(zlib.gzipSync(text)), 'gzip(buf, cb) gives what gzipSync gives');
  const s = zlib.createDeflateRaw();
  const out = drain(s.end(noise) && s);
  assert.ok(zlib.inflateRawSync(out.value).equals(noise));
});

test('every mode round-trips, sync, callback and promise', () => {
  const pairs = [['deflate', 'inflate'], ['deflateRaw', 'inflateRaw'], ['gzip', 'gunzip'],
    ['deflate', 'unzip'], ['brotliCompress', 'brotliDecompress']];
  for (const [pack, unpack] of pairs) {
    const packed = zlib[`${pack}Sync`](text);
    assert.ok(packed.length < text.length / 4, `${pack} compresses`);
    assert.ok(zlib[`${unpack}Sync`](packed).equals(text), `${pack}/${unpack} sync`);
    const cb = callback(zlib[unpack], packed);
    assert.equal(cb.err, null);
    assert.ok(cb.value.equals(text), `${unpack} callback`);
    const done = event();
    promisify(zlib[pack])(noise).then((p) => promisify(zlib[unpack])(p)).then(done.fire, done.fire);
    assert.ok(done.wait().equals(noise), `${pack}/${unpack} promise`);
  }
});

test('a dictionary: deflate and inflate with it; inflating without it fails', () => {
  const dictionary = Buffer.from('line of the test');
  const packed = zlib.deflateSync(text, { dictionary });
  assert.ok(zlib.inflateSync(packed, { dictionary }).equals(text));
  assert.throws(() => zlib.inflateSync(packed), { code: 'Z_NEED_DICT', errno: 2, message: 'Missing dictionary' });
  assert.throws(() => zlib.inflateSync(packed, { dictionary: Buffer.from('other') }),
    { code: 'Z_NEED_DICT', message: 'Bad dictionary' });
});

test('streams: gzip piped into gunzip with pipeline, in many chunks', () => {
  const done = event();
  const out = [];
  pipeline(Readable.from([text, noise, text], { objectMode: false }), zlib.createGzip(), zlib.createGunzip(),
    new Writable({ write(c, _, cb) { out.push(c); cb(); } }), done.fire);
  assert.equal(done.wait(), undefined);
  assert.ok(Buffer.concat(out).equals(Buffer.concat([text, noise, text])));
});

test('flush and params on a live deflate stream', () => {
  const d = zlib.createDeflate();
  const chunks = [];
  d.on('data', (c) => chunks.push(c));
  d.write(text.subarray(0, 1000));
  const flushed = event();
  d.flush(flushed.fire);
  flushed.wait();
  const paramsDone = event();
  d.params(zlib.constants.Z_BEST_SPEED, zlib.constants.Z_DEFAULT_STRATEGY, paramsDone.fire);
  paramsDone.wait();
  const ended = event();
  d.on('end', ended.fire);
  d.end(text.subarray(1000));
  ended.wait();
  assert.ok(zlib.inflateSync(Buffer.concat(chunks)).equals(text));
});

test("garbage to a stream: 'error' with Z_DATA_ERROR, errno -3, zlib's message", () => {
  const g = zlib.createGunzip();
  g.end(Buffer.from('this is not gzip at all'));
  const { err } = drain(g);
  assert.equal(err.code, 'Z_DATA_ERROR');
  assert.equal(err.errno, zlib.constants.Z_DATA_ERROR);
  assert.equal(err.message, 'incorrect header check');
  assert.equal(g._handle, null);
  assert.throws(() => zlib.inflateRawSync(Buffer.from([0xff, 0xff, 0xff])), { code: 'Z_DATA_ERROR', errno: -3 });
  const cb = callback(zlib.gunzip, Buffer.from('garbage'));
  assert.equal(cb.err.code, 'Z_DATA_ERROR');
});

test('truncated input: unexpected end of file (Z_BUF_ERROR), gzip and brotli', () => {
  const packed = zlib.gzipSync(text);
  assert.throws(() => zlib.gunzipSync(packed.subarray(0, packed.length / 2)),
    { code: 'Z_BUF_ERROR', errno: -5, message: 'unexpected end of file' });
  const br = zlib.brotliCompressSync(text);
  const { err } = callback(zlib.brotliDecompress, br.subarray(0, br.length / 2));
  assert.equal(err.code, 'Z_BUF_ERROR');
  assert.equal(err.message, 'unexpected end of file');
});

test("brotli garbage: the decoder's own error code", () => {
  const e = assert.throws(() => zlib.brotliDecompressSync(Buffer.from('\xff\xff\xff\xff garbage', 'latin1')),
    { message: 'Decompression failed' });
  assert.equal(e.code, 'ERR__ERROR_FORMAT_PADDING_2'); // as Node's bundled brotli names it
  assert.ok(e.errno < 0);
});

test('bad arguments: TypeError or RangeError with Node codes, at the call', () => {
  assert.throws(() => zlib.gzipSync(123), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => zlib.gzip({}, () => {}), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => zlib.createGzip({ level: 99 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => zlib.createDeflate({ chunkSize: 10 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  // a boolean parameter given 42: brotli refuses it
  assert.throws(() => zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_DISABLE_LITERAL_CONTEXT_MODELING]: 42 } }),
    { code: 'ERR_ZLIB_INITIALIZATION_FAILED', message: 'Initialization failed' });
  assert.throws(() => zlib.crc32(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => zlib.inflateSync(Buffer.alloc(10), { dictionary: 'str' }), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('crc32 as Node computes it, strings as UTF-8, continued', () => {
  assert.equal(zlib.crc32('hello'), 907060870);
  assert.equal(zlib.crc32(Buffer.from('hello')), 907060870);
  assert.equal(zlib.crc32('lo', zlib.crc32('hel')), 907060870);
  assert.equal(zlib.crc32('é'), zlib.crc32(Buffer.from('é')));
});

test('a stream destroyed mid-pipe: pipeline ends with the error, the native stream is closed', () => {
  let produced = 0;
  const source = new Readable({ read() { this.push(noise.subarray(0, 65536)); produced++; } });
  const gz = zlib.createGzip();
  const sink = new Writable({
    write(c, _, cb) {
      cb();
      if (!this.destroyed) this.destroy(new Error('sink gone'));
    },
  });
  const done = event();
  pipeline(source, gz, sink, done.fire);
  const err = done.wait();
  assert.equal(err.message, 'sink gone');
  assert.ok(produced > 0);
  const closed = event();
  gz.on('close', closed.fire);
  if (!gz.closed) closed.wait();
  assert.equal(gz._handle, null);
  assert.ok(source.destroyed);
});

test('a stream dropped without end is collected, with its native state', () => {
  let collected = 0;
  const registry = new FinalizationRegistry(() => collected++);
  const written = event();
  (() => {
    registry.register(zlib.createInflate()._handle, 'never written');
    const g = zlib.createGzip();
    g.write(text.subarray(0, 100), written.fire);
    registry.register(g._handle, 'written once');
  })();
  written.wait();
  // the fiber of the write lets go of the handle once it has called back
  while (collected < 2) {
    globalThis.gc();
    const turn = event();
    setImmediate(turn.fire);
    turn.wait();
  }
  assert.equal(collected, 2);
});

test('CompressionStream and DecompressionStream (web streams), and garbage to them', () => {
  const done = event();
  (async () => {
    const out = [];
    for (const format of ['gzip', 'deflate', 'deflate-raw']) {
      const packed = new Blob([text]).stream().pipeThrough(new CompressionStream(format));
      const chunks = [];
      for await (const c of packed.pipeThrough(new DecompressionStream(format))) chunks.push(c);
      out.push(Buffer.concat(chunks).equals(text));
    }
    try {
      for await (const c of new Blob(['garbage']).stream().pipeThrough(new DecompressionStream('gzip'))) out.push(c);
    } catch (e) {
      out.push(e.code);
    }
    return out;
  })().then(done.fire, done.fire);
  assert.deepEqual(done.wait(), [true, true, true, 'Z_DATA_ERROR']);
});
