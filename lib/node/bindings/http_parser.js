// internalBinding('http_parser'): Node's HTTPParser and ConnectionsList over
// llhttp, in C (src/prim/http_parser.c: the contract is there), and the
// method names. Body chunks come as Node Buffers: the C side is given
// Buffer's prototype here. consume()/unconsume() are Node's fast path that
// lets its C++ parser read a StreamBase handle directly; here they are no-ops
// and the server parses what the socket's 'data' events bring, which Node's
// _http_server does for any socket it has not consumed.
import P from 'corojs:internal/primordials';
import { requireNode } from 'corojs:internal/node/builtins';

const H = P.http_parser;
H.setBufferPrototype(requireNode('buffer').Buffer.prototype);

const { HTTPParser, ConnectionsList } = H;
HTTPParser.prototype.consume = function consume(handle) {};
HTTPParser.prototype.unconsume = function unconsume() {};

export default { HTTPParser, ConnectionsList, methods: H.methods, allMethods: H.allMethods };
