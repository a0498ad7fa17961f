// corojs:internal/node/http2: node:http2 as far as CoroJS has it: the module
// loads, with its constants, so packages that require it at load and use
// HTTP/2 only when asked (axios, npm's sigstore client, undici) run; every
// use (connect, createServer, createSecureServer, settings) throws
// ERR_NOT_IMPLEMENTED. HTTP/2 itself (nghttp2, Node's internal/http2/*) is
// not there.
//
// The constants are Node's names for standard values: the header names
// (HTTP2_HEADER_CONTENT_TYPE = 'content-type', the pseudo-headers
// ':status', ...), the methods (HTTP2_METHOD_GET = 'GET'), the status
// codes (HTTP_STATUS_NOT_FOUND = 404, from node:http's STATUS_CODES), and
// RFC 9113's error codes and settings (NGHTTP2_*).
import { requireNode } from 'corojs:internal/node/builtins';
import { notImplemented, unimplementedClass } from 'corojs:internal/node/unimplemented';

const headers = [
  'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'accept-ranges',
  'access-control-allow-credentials', 'access-control-allow-headers', 'access-control-allow-methods',
  'access-control-allow-origin', 'access-control-expose-headers', 'access-control-max-age',
  'access-control-request-headers', 'access-control-request-method', 'age', 'allow', 'alt-svc',
  'authorization', 'cache-control', 'connection', 'content-disposition', 'content-encoding',
  'content-language', 'content-length', 'content-location', 'content-md5', 'content-range',
  'content-security-policy', 'content-type', 'cookie', 'date', 'dnt', 'early-data', 'etag', 'expect',
  'expires', 'forwarded', 'from', 'host', 'http2-settings', 'if-match', 'if-modified-since',
  'if-none-match', 'if-range', 'if-unmodified-since', 'keep-alive', 'last-modified', 'link',
  'location', 'max-forwards', 'origin', 'prefer', 'priority', 'proxy-authenticate',
  'proxy-authorization', 'proxy-connection', 'purpose', 'range', 'referer', 'refresh', 'retry-after',
  'server', 'set-cookie', 'strict-transport-security', 'te', 'timing-allow-origin', 'trailer',
  'transfer-encoding', 'upgrade', 'upgrade-insecure-requests', 'user-agent', 'vary', 'via',
  'warning', 'www-authenticate', 'x-content-type-options', 'x-forwarded-for', 'x-frame-options',
  'x-xss-protection',
];
const pseudo = ['status', 'method', 'authority', 'scheme', 'path', 'protocol'];
const errors = ['NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT',
  'STREAM_CLOSED', 'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM', 'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED'];
const settings = ['HEADER_TABLE_SIZE', 'ENABLE_PUSH', 'MAX_CONCURRENT_STREAMS', 'INITIAL_WINDOW_SIZE',
  'MAX_FRAME_SIZE', 'MAX_HEADER_LIST_SIZE', 'ENABLE_CONNECT_PROTOCOL'];

const constName = (s) => s.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '');

function makeConstants() {
  const c = { __proto__: null };
  errors.forEach((name, i) => { c[`NGHTTP2_${name}`] = i; });
  settings.forEach((name, i) => { c[`NGHTTP2_SETTINGS_${name}`] = i === 6 ? 8 : i + 1; });
  c.NGHTTP2_DEFAULT_WEIGHT = 16;
  for (const p of pseudo) c[`HTTP2_HEADER_${constName(p)}`] = `:${p}`;
  for (const h of headers) c[`HTTP2_HEADER_${constName(h)}`] = h;
  for (const m of requireNode('http').METHODS) c[`HTTP2_METHOD_${constName(m)}`] = m;
  for (const [code, text] of Object.entries(requireNode('http').STATUS_CODES)) {
    c[`HTTP_STATUS_${code === '418' ? 'TEAPOT' : constName(text)}`] = Number(code);
  }
  return c;
}

let constants;
const http2 = {
  connect: notImplemented('http2.connect()'),
  createServer: notImplemented('http2.createServer()'),
  createSecureServer: notImplemented('http2.createSecureServer()'),
  getDefaultSettings: notImplemented('http2.getDefaultSettings()'),
  getPackedSettings: notImplemented('http2.getPackedSettings()'),
  getUnpackedSettings: notImplemented('http2.getUnpackedSettings()'),
  performServerHandshake: notImplemented('http2.performServerHandshake()'),
  sensitiveHeaders: Symbol('nodejs.http2.sensitiveHeaders'),
  Http2ServerRequest: unimplementedClass('http2.Http2ServerRequest'),
  Http2ServerResponse: unimplementedClass('http2.Http2ServerResponse'),
  get constants() { return (constants ??= makeConstants()); },
};

export default http2;
