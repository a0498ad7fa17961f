// corojs:sys: a small libc in JS, on corojs:syscall alone, as jskernel's
// libjs proposed: thin wrappers over system calls that throw an Error with
// code, errno, syscall and path instead of returning -errno. It is what the
// image's init is written with. It needs the syscall capability.
//
//   import sys from 'corojs:sys';
//   sys.mount('proc', '/proc', 'proc');
//   sys.linkUp('eth0'); sys.addAddress('eth0', '10.0.2.15/24'); sys.addRoute({ gateway: '10.0.2.2' });
//
// The parts are modules of their own too: corojs:sys/fs (files, devices,
// mounts), corojs:sys/system (reboot, host name, kernel modules and log,
// processes), corojs:sys/net (sockets, interfaces, addresses, routes).

import fs from 'corojs:sys/fs';
import system from 'corojs:sys/system';
import net from 'corojs:sys/net';

export * from 'corojs:sys/fs';
export * from 'corojs:sys/system';
export * from 'corojs:sys/net';

export default { ...fs, ...system, ...net };
