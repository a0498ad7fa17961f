// internalBinding('udp_wrap'): node:dgram's UDP handle. Not there yet:
// dgram.createSocket() throws ERR_NOT_IMPLEMENTED.
import { unimplementedClass } from 'corojs:internal/node/unimplemented';

export default {
  UDP: unimplementedClass('node:dgram sockets'),
  SendWrap: class SendWrap {},
  constants: { UV_UDP_IPV6ONLY: 1, UV_UDP_REUSEADDR: 4 },
};
