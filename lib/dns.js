// corojs:dns: name resolution in blocking style. resolve*() asks DNS servers
// through c-ares; lookup() asks the system resolver (getaddrinfo, so
// /etc/hosts counts), as net.connect does. Each call parks only the calling
// fiber.

import P from 'corojs:internal/primordials';
import { closingRegistry } from 'corojs:internal/handles';
import { ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_INVALID_IP_ADDRESS, dnsError } from 'corojs:internal/errors';
import { validateInteger, validateObject, validateString } from 'corojs:internal/validators';

const D = P.dns;
// A Resolver dropped without a pending query has its channel closed by the GC.
const registry = closingRegistry(D.close);

// The record types resolve() asks for; each has its resolveX method too.
const rrtypes = new Set(['A', 'AAAA', 'CAA', 'CNAME', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SRV', 'TXT']);

// 'a.b.c.d', 'a.b.c.d:port', 'ipv6', '[ipv6]', '[ipv6]:port' -> [family, ip, port]
function parseServer(s, i) {
  const name = `servers[${i}]`;
  validateString(s, name);
  let ip = s, port = 53;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  const v4 = /^([^:]+):(\d+)$/.exec(s);
  if (v6) {
    ip = v6[1];
    if (v6[2] !== undefined) port = Number(v6[2]);
  } else if (v4) {
    ip = v4[1];
    port = Number(v4[2]);
  }
  const family = P.net.isIP(ip);
  if (family === 0 || (v6 && family !== 6) || (v4 && family !== 4)) throw ERR_INVALID_IP_ADDRESS(s);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw ERR_INVALID_ARG_VALUE(name, s, 'has an invalid port');
  return [family, ip, port];
}

export class Resolver {
  #id = null;
  #timeout;
  #tries;
  #unregister = {}; // the registry's token; it must not be the resolver itself

  // new Resolver({ timeout = -1 (c-ares' default), tries = 4 })
  constructor(options = {}) {
    validateObject(options, 'options');
    const { timeout = -1, tries = 4 } = options;
    validateInteger(timeout, 'options.timeout', -1, 2 ** 31 - 1);
    validateInteger(tries, 'options.tries', 1, 2 ** 31 - 1);
    this.#timeout = timeout;
    this.#tries = tries;
  }

  // the c-ares channel, made on first use
  #channel() {
    if (this.#id === null) {
      this.#id = D.channel(this.#timeout, this.#tries);
      registry.register(this, this.#id, this.#unregister);
    }
    return this.#id;
  }

  #query(hostname, rrtype, ttl = false) {
    validateString(hostname, 'hostname');
    return D.query(this.#channel(), hostname, rrtype, ttl);
  }

  // resolve(hostname, rrtype = 'A') -> { [rrtype]: answer }
  resolve(hostname, rrtype = 'A') {
    validateString(rrtype, 'rrtype');
    if (!rrtypes.has(rrtype)) throw ERR_INVALID_ARG_VALUE('rrtype', rrtype);
    return { [rrtype]: this.#query(hostname, rrtype) };
  }

  // resolve4(hostname, { ttl = false }) -> ['1.2.3.4'] or [{ address, ttl }]
  resolve4(hostname, options = {}) { return this.#query(hostname, 'A', !!options?.ttl); }
  resolve6(hostname, options = {}) { return this.#query(hostname, 'AAAA', !!options?.ttl); }
  resolveCaa(hostname) { return this.#query(hostname, 'CAA'); }
  resolveCname(hostname) { return this.#query(hostname, 'CNAME'); }
  resolveMx(hostname) { return this.#query(hostname, 'MX'); }
  resolveNaptr(hostname) { return this.#query(hostname, 'NAPTR'); }
  resolveNs(hostname) { return this.#query(hostname, 'NS'); }
  resolvePtr(hostname) { return this.#query(hostname, 'PTR'); }
  resolveSoa(hostname) { return this.#query(hostname, 'SOA'); }
  resolveSrv(hostname) { return this.#query(hostname, 'SRV'); }
  resolveTxt(hostname) { return this.#query(hostname, 'TXT'); }

  // reverse(ip) -> the names of its PTR records
  reverse(ip) {
    validateString(ip, 'ip');
    const name = D.reverseName(ip);
    if (name === null) throw ERR_INVALID_ARG_VALUE('ip', ip, 'is not an IP address');
    try {
      return this.#query(name, 'PTR');
    } catch (e) {
      if (e.syscall === 'queryPtr') {
        e.syscall = 'getHostByAddr';
        e.hostname = ip;
        e.message = `getHostByAddr ${e.code} ${ip}`;
      }
      throw e;
    }
  }

  // setServers(['127.0.0.1', '127.0.0.1:5353', '::1', '[::1]:5353'])
  setServers(servers) {
    if (!Array.isArray(servers)) throw ERR_INVALID_ARG_TYPE('servers', 'Array', servers);
    D.setServers(this.#channel(), servers.map(parseServer));
  }

  // getServers() -> the servers in setServers' notation (no port when it is 53)
  getServers() {
    return D.getServers(this.#channel()).map(([ip, port]) => {
      const v6 = ip.includes(':');
      if (port === 0 || port === 53) return ip;
      return v6 ? `[${ip}]:${port}` : `${ip}:${port}`;
    });
  }

  // cancel(): every pending query of this resolver fails with ECANCELLED
  cancel() {
    if (this.#id !== null) D.cancel(this.#id);
  }

  get [Symbol.toStringTag]() { return 'Resolver'; }
}

// lookup(hostname, { family = 0, all = false }) -> { address, family } or,
// with all, an array of them. family may be 0, 4, 6, 'IPv4' or 'IPv6'; a
// number alone is the family.
export function lookup(hostname, options = {}) {
  validateString(hostname, 'hostname');
  if (typeof options === 'number') options = { family: options };
  validateObject(options, 'options');
  let { family = 0, all = false } = options;
  if (family === 'IPv4') family = 4;
  else if (family === 'IPv6') family = 6;
  if (family !== 0 && family !== 4 && family !== 6) throw ERR_INVALID_ARG_VALUE('options.family', family, 'must be one of: 0, 4, 6');
  const list = D.lookup(hostname, family);
  if (all) return list;
  if (list.length === 0) {
    throw dnsError('ENOTFOUND', 'getaddrinfo', hostname);
  }
  return list[0];
}

let defaultResolver = null;

function resolver() {
  defaultResolver ??= new Resolver();
  return defaultResolver;
}

export const resolve = (hostname, rrtype) => resolver().resolve(hostname, rrtype);
export const resolve4 = (hostname, options) => resolver().resolve4(hostname, options);
export const resolve6 = (hostname, options) => resolver().resolve6(hostname, options);
export const resolveCaa = (hostname) => resolver().resolveCaa(hostname);
export const resolveCname = (hostname) => resolver().resolveCname(hostname);
export const resolveMx = (hostname) => resolver().resolveMx(hostname);
export const resolveNaptr = (hostname) => resolver().resolveNaptr(hostname);
export const resolveNs = (hostname) => resolver().resolveNs(hostname);
export const resolvePtr = (hostname) => resolver().resolvePtr(hostname);
export const resolveSoa = (hostname) => resolver().resolveSoa(hostname);
export const resolveSrv = (hostname) => resolver().resolveSrv(hostname);
export const resolveTxt = (hostname) => resolver().resolveTxt(hostname);
export const reverse = (ip) => resolver().reverse(ip);
export const setServers = (servers) => resolver().setServers(servers);
export const getServers = () => resolver().getServers();

export default {
  lookup, resolve, resolve4, resolve6, resolveCaa, resolveCname, resolveMx, resolveNaptr, resolveNs,
  resolvePtr, resolveSoa, resolveSrv, resolveTxt, reverse, setServers, getServers, Resolver,
};
