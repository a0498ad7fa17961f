// internalBinding('block_list'): the handles of net.SocketAddress and
// net.BlockList. Not there yet: constructing either throws
// ERR_NOT_IMPLEMENTED; the address families are the system's.
import { unimplementedClass } from 'corojs:internal/node/unimplemented';

export default {
  SocketAddress: unimplementedClass('net.SocketAddress'),
  BlockList: unimplementedClass('net.BlockList'),
  AF_INET: 2, AF_INET6: 10,
};
