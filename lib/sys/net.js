// corojs:sys/net: sockets, and network interfaces configured through
// rtnetlink (the kernel's routing socket), as `ip` does.
//
//   linkUp('eth0')
//   addAddress('eth0', '10.0.2.15/24')
//   addRoute({ gateway: '10.0.2.2' })            // the default route
//   links() -> [{ index, name, mac, mtu, up, running }]
//   addresses() -> [{ index, name, family, address, prefix }]
//   routes() -> [{ dst, prefix, gateway, index, name }]
//   ifindex('eth0') -> 2 (an ioctl, SIOCGIFINDEX)

import { struct, sysError } from 'corojs:syscall';
import { ERR_INVALID_ARG_VALUE } from 'corojs:internal/errors';
import { sys, pathArg, encoder, decoder } from 'corojs:sys/call';
import { close, ioctl } from 'corojs:sys/fs';

export const AF = Object.freeze({ UNSPEC: 0, UNIX: 1, INET: 2, INET6: 10, NETLINK: 16, PACKET: 17 });
export const SOCK = Object.freeze({ STREAM: 1, DGRAM: 2, RAW: 3, NONBLOCK: 0o4000, CLOEXEC: 0o2000000 });
const NETLINK_ROUTE = 0;

// socket(family, type, protocol = 0) -> fd (close-on-exec)
export function socket(family, type, protocol = 0) {
  return sys('socket', family, type | SOCK.CLOEXEC, protocol);
}

export function sendto(fd, data, address = null) {
  const b = typeof data === 'string' ? encoder.encode(data) : data;
  return sys('sendto', fd, b, b.byteLength, 0, address, address ? address.byteLength : 0);
}

export function recv(fd, buf) {
  return sys('recvfrom', fd, buf, buf.byteLength, 0, null, null);
}

// ---------------------------------------------------------------------------
// addresses

export function parseIPv4(s) {
  const parts = String(s).split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw ERR_INVALID_ARG_VALUE('address', s, 'is not an IPv4 address');
  }
  return new Uint8Array(parts);
}

// formatIP(bytes) -> '10.0.2.15' or 'fe80::5054:ff:fe12:3456'
export function formatIP(b) {
  if (b.length === 4) return [...b].join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
  let best = [-1, 0]; // the longest run of zero groups becomes ::
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best[1]) best = [i, j - i];
    i = j + 1;
  }
  if (best[1] < 2) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0] + best[1]).join(':')}`;
}

// '10.0.2.15/24' -> [bytes, 24]
function parseCidr(s) {
  const [ip, len = '32'] = String(s).split('/');
  const prefix = Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw ERR_INVALID_ARG_VALUE('address', s, 'has a bad prefix length');
  return [parseIPv4(ip), prefix];
}

// ---------------------------------------------------------------------------
// interfaces

const ifreq = struct([['name', 'str', 16], ['index', 'i32'], ['pad', 'u8', 20]]);
const SIOCGIFINDEX = 0x8933;

// ifindex(name) -> the interface's index
export function ifindex(name) {
  const fd = socket(AF.INET, SOCK.DGRAM);
  try {
    const b = ifreq.alloc({ name: pathArg(name, 'name') });
    ioctl(fd, SIOCGIFINDEX, b);
    return ifreq.read(b).index;
  } catch (e) {
    if (e.code === 'ENODEV') e.message = `ENODEV: no interface ${name}`;
    throw e;
  } finally {
    close(fd);
  }
}

// ---------------------------------------------------------------------------
// rtnetlink

const nlmsghdr = struct([['len', 'u32'], ['type', 'u16'], ['flags', 'u16'], ['seq', 'u32'], ['pid', 'u32']]);
const ifinfomsg = struct([['family', 'u8'], ['pad', 'u8'], ['type', 'u16'], ['index', 'i32'], ['flags', 'u32'], ['change', 'u32']]);
const ifaddrmsg = struct([['family', 'u8'], ['prefixlen', 'u8'], ['flags', 'u8'], ['scope', 'u8'], ['index', 'u32']]);
const rtmsg = struct([['family', 'u8'], ['dstLen', 'u8'], ['srcLen', 'u8'], ['tos', 'u8'], ['table', 'u8'],
  ['protocol', 'u8'], ['scope', 'u8'], ['type', 'u8'], ['flags', 'u32']]);
const sockaddrNl = struct([['family', 'u16'], ['pad', 'u16'], ['pid', 'u32'], ['groups', 'u32']]);

const RTM = { NEWLINK: 16, GETLINK: 18, NEWADDR: 20, DELADDR: 21, GETADDR: 22, NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26 };
const NLM_F = { REQUEST: 1, ACK: 4, REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400, DUMP: 0x300 };
const NLMSG_ERROR = 2, NLMSG_DONE = 3;
const IFF_UP = 1, IFF_RUNNING = 0x40, IFF_LOOPBACK = 8;
const IFLA = { ADDRESS: 1, IFNAME: 3, MTU: 4 };
const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3 };
const RTA = { DST: 1, OIF: 4, GATEWAY: 5, PRIORITY: 6, TABLE: 15 };
const RT_TABLE_MAIN = 254, RTPROT_BOOT = 3, RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RTN_UNICAST = 1;

const align4 = (n) => (n + 3) & ~3;
let seq = 0;

// One netlink message: header, the fixed part, then attributes [type, bytes].
function message(type, flags, body, attrs = []) {
  let len = nlmsghdr.size + body.length;
  for (const [, data] of attrs) len = align4(len) + 4 + data.length;
  const b = new Uint8Array(align4(len));
  const dv = new DataView(b.buffer);
  nlmsghdr.write(b, { len, type, flags: flags | NLM_F.REQUEST, seq: ++seq, pid: 0 });
  b.set(body, nlmsghdr.size);
  let at = align4(nlmsghdr.size + body.length);
  for (const [t, data] of attrs) {
    dv.setUint16(at, 4 + data.length, true);
    dv.setUint16(at + 2, t, true);
    b.set(data, at + 4);
    at = align4(at + 4 + data.length);
  }
  return b;
}

// Attributes of a message from `at` to `end` -> Map(type -> bytes)
function attributes(b, at, end) {
  const dv = new DataView(b.buffer, b.byteOffset);
  const map = new Map();
  while (at + 4 <= end) {
    const len = dv.getUint16(at, true);
    if (len < 4) break;
    map.set(dv.getUint16(at + 2, true) & 0x3fff, b.subarray(at + 4, at + len));
    at += align4(len);
  }
  return map;
}

const u32 = (n) => new Uint8Array(new Uint32Array([n]).buffer);
const readU32 = (b) => new DataView(b.buffer, b.byteOffset).getUint32(0, true);
const cstring = (b) => decoder.decode(b.subarray(0, b.indexOf(0) < 0 ? b.length : b.indexOf(0)));

// Send one request on a fresh NETLINK_ROUTE socket and read the answers
// until the kernel's ack or the end of a dump: -> [{ type, body }]. An error
// from the kernel throws with its errno code (EEXIST, ENODEV, ...).
function rtnetlink(msg, what) {
  const fd = socket(AF.NETLINK, SOCK.RAW, NETLINK_ROUTE);
  const out = [];
  try {
    sendto(fd, msg, sockaddrNl.alloc({ family: AF.NETLINK }));
    const want = nlmsghdr.read(msg).seq;
    const b = new Uint8Array(65536);
    for (;;) {
      const n = recv(fd, b);
      for (let at = 0; at + nlmsghdr.size <= n;) {
        const h = nlmsghdr.read(b, at);
        if (h.len < nlmsghdr.size) return out;
        const body = b.slice(at + nlmsghdr.size, at + h.len);
        at += align4(h.len);
        if (h.seq !== want) continue;
        if (h.type === NLMSG_DONE) return out;
        if (h.type === NLMSG_ERROR) {
          const errno = -new DataView(body.buffer).getInt32(0, true);
          if (errno === 0) return out;
          throw sysError(errno, what);
        }
        out.push({ type: h.type, body });
      }
    }
  } finally {
    close(fd);
  }
}

function indexOf(link) {
  return typeof link === 'number' ? link : ifindex(link);
}

// linkUp(name or index, up = true): set the interface up (or down)
export function linkUp(link, up = true) {
  const body = ifinfomsg.alloc({ family: AF.UNSPEC, index: indexOf(link), flags: up ? IFF_UP : 0, change: IFF_UP });
  rtnetlink(message(RTM.NEWLINK, NLM_F.ACK, body), 'RTM_NEWLINK');
}

// addAddress(name, '10.0.2.15/24'): EEXIST if it has it already
export function addAddress(link, cidr) {
  const [ip, prefix] = parseCidr(cidr);
  const body = ifaddrmsg.alloc({ family: AF.INET, prefixlen: prefix, scope: RT_SCOPE_UNIVERSE, index: indexOf(link) });
  rtnetlink(message(RTM.NEWADDR, NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL, body,
    [[IFA.LOCAL, ip], [IFA.ADDRESS, ip]]), 'RTM_NEWADDR');
}

// addRoute({ dst = '0.0.0.0/0', gateway, link }): the default route when
// only gateway is given; a route on a link without one
export function addRoute({ dst = '0.0.0.0/0', gateway, link } = {}) {
  const [net, prefix] = parseCidr(dst);
  const attrs = [];
  if (prefix > 0) attrs.push([RTA.DST, net]);
  if (gateway) attrs.push([RTA.GATEWAY, parseIPv4(gateway)]);
  if (link !== undefined) attrs.push([RTA.OIF, u32(indexOf(link))]);
  const body = rtmsg.alloc({ family: AF.INET, dstLen: prefix, table: RT_TABLE_MAIN, protocol: RTPROT_BOOT,
    scope: gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK, type: RTN_UNICAST });
  rtnetlink(message(RTM.NEWROUTE, NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL, body, attrs), 'RTM_NEWROUTE');
}

function dump(type, body, what) {
  return rtnetlink(message(type, NLM_F.DUMP, body), what);
}

function linkNames() {
  return new Map(links().map((l) => [l.index, l.name]));
}

// links() -> [{ index, name, mac, mtu, up, running, loopback }]
export function links() {
  return dump(RTM.GETLINK, ifinfomsg.alloc(), 'RTM_GETLINK').filter((m) => m.type === RTM.NEWLINK).map(({ body }) => {
    const info = ifinfomsg.read(body);
    const a = attributes(body, ifinfomsg.size, body.length);
    const mac = a.get(IFLA.ADDRESS);
    return {
      index: info.index,
      name: a.has(IFLA.IFNAME) ? cstring(a.get(IFLA.IFNAME)) : `if${info.index}`,
      mac: mac ? [...mac].map((x) => x.toString(16).padStart(2, '0')).join(':') : '',
      mtu: a.has(IFLA.MTU) ? readU32(a.get(IFLA.MTU)) : 0,
      up: (info.flags & IFF_UP) !== 0,
      running: (info.flags & IFF_RUNNING) !== 0,
      loopback: (info.flags & IFF_LOOPBACK) !== 0,
    };
  });
}

// addresses() -> [{ index, name, family: 4 | 6, address, prefix }]
export function addresses() {
  const names = linkNames();
  return dump(RTM.GETADDR, ifaddrmsg.alloc(), 'RTM_GETADDR').filter((m) => m.type === RTM.NEWADDR).map(({ body }) => {
    const info = ifaddrmsg.read(body);
    const a = attributes(body, ifaddrmsg.size, body.length);
    const ip = a.get(IFA.LOCAL) ?? a.get(IFA.ADDRESS);
    return { index: info.index, name: names.get(info.index), family: info.family === AF.INET6 ? 6 : 4,
      address: ip ? formatIP(ip) : '', prefix: info.prefixlen };
  });
}

// routes() -> [{ dst, prefix, gateway, index, name }] of the main IPv4 table
export function routes() {
  const names = linkNames();
  return dump(RTM.GETROUTE, rtmsg.alloc({ family: AF.INET }), 'RTM_GETROUTE').filter((m) => m.type === RTM.NEWROUTE).map(({ body }) => {
    const info = rtmsg.read(body);
    const a = attributes(body, rtmsg.size, body.length);
    const table = a.has(RTA.TABLE) ? readU32(a.get(RTA.TABLE)) : info.table;
    const index = a.has(RTA.OIF) ? readU32(a.get(RTA.OIF)) : 0;
    return { table, dst: a.has(RTA.DST) ? formatIP(a.get(RTA.DST)) : '0.0.0.0', prefix: info.dstLen,
      gateway: a.has(RTA.GATEWAY) ? formatIP(a.get(RTA.GATEWAY)) : null, index, name: names.get(index) };
  }).filter((r) => r.table === RT_TABLE_MAIN).map(({ table, ...r }) => r);
}

export default {
  AF, SOCK, socket, sendto, recv, parseIPv4, formatIP, ifindex, linkUp, addAddress, addRoute, links,
  addresses, routes,
};
