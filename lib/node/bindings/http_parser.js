// internalBinding('http_parser'): Node's HTTPParser and ConnectionsList over
// llhttp, in C (src/prim/http_parser.c: the contract is there), and the
// method names. Body chunks come as Node Buffers: the C side is given
// Buffer's prototype here.
//
// consume(handle) is Node's fast path for a server's connection: the parser
// takes the StreamBase handle's reads itself (its C++ is the handle's stream
// listener), so the bytes never go through the net.Socket's Readable; each
// read is parsed and handed to parser[kOnExecute](result). Here the parser
// takes the handle's onread the same way: data is parsed, the end of the
// stream or a read error still goes to the socket's onread (Node's
// PassReadErrorToPreviousListener). unconsume() gives onread back.
import P from 'corojs:internal/primordials';
import { requireNode } from 'corojs:internal/node/builtins';
import streamWrap from 'corojs:internal/node/bindings/stream_wrap';

const H = P.http_parser;
const { Buffer } = requireNode('buffer');
H.setBufferPrototype(Buffer.prototype);

const { HTTPParser, ConnectionsList } = H;
const { streamBaseState, kReadBytesOrError, kArrayBufferOffset } = streamWrap;
const kOnExecute = HTTPParser.kOnExecute;
const kHandle = Symbol('kHandle');       // the handle a parser consumes
const kOnread = Symbol('kOnread');       // that handle's own onread
const kChunk = Symbol('kChunk');         // the bytes kOnExecute is told about

function consume(handle) {
  if (this[kHandle] || typeof handle?.onread !== 'function') return;
  const parser = this;
  const onread = handle.onread;
  this[kHandle] = handle;
  this[kOnread] = onread;
  handle.onread = function onParserRead(arrayBuffer) {
    const n = streamBaseState[kReadBytesOrError];
    if (n < 0 || arrayBuffer === undefined) return onread.call(this, arrayBuffer);
    if (n === 0) return undefined;
    const chunk = new Uint8Array(arrayBuffer, streamBaseState[kArrayBufferOffset], n);
    const ret = parser.execute(chunk);
    const cb = parser[kOnExecute];
    if (typeof cb !== 'function') return undefined;
    parser[kChunk] = chunk;
    try {
      cb.call(parser, ret);
    } finally {
      parser[kChunk] = undefined;
    }
    return undefined;
  };
}

function unconsume() {
  const handle = this[kHandle];
  if (!handle) return;
  handle.onread = this[kOnread];
  this[kHandle] = this[kOnread] = undefined;
}

// During kOnExecute, the read it is about (Node sets its current buffer so).
const currentBuffer = HTTPParser.prototype.getCurrentBuffer;
function getCurrentBuffer() {
  const chunk = this[kChunk];
  return chunk ? Buffer.from(chunk) : currentBuffer.call(this);
}

Object.defineProperties(HTTPParser.prototype, {
  consume: { value: consume, writable: true, configurable: true },
  unconsume: { value: unconsume, writable: true, configurable: true },
  getCurrentBuffer: { value: getCurrentBuffer, writable: true, configurable: true },
});

export default { HTTPParser, ConnectionsList, methods: H.methods, allMethods: H.allMethods };
