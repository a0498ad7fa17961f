// internalBinding('tcp_wrap'): node:net's TCP handle. Not there yet: a
// net.Socket or net.Server that needs one throws ERR_NOT_IMPLEMENTED.
import { unimplementedClass } from 'corojs:internal/node/unimplemented';

export default {
  TCP: unimplementedClass('node:net TCP sockets and servers'),
  TCPConnectWrap: class TCPConnectWrap {},
  constants: { SOCKET: 0, SERVER: 1, UV_TCP_IPV6ONLY: 1 },
};
