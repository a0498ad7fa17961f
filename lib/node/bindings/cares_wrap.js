// internalBinding('cares_wrap'): what Node's dns.js, dns/promises and
// internal/dns/* ask of c-ares and getaddrinfo, over __primordials.dns
// (src/prim/dns.c: our c-ares channels, getaddrinfo and getnameinfo on
// libuv's thread pool). Each request runs on a fiber of its own, started once
// the caller's code has run to its end, and ends with
// req.oncomplete(err, result[, ttls]) as Node's do: err is 0, a libuv error
// number (getaddrinfo, getnameinfo) or a c-ares code ('ENOTFOUND', ...).
import P from 'corojs:internal/primordials';

const D = P.dns;
const go = P.nodefs.go;

const DNS_ORDER_VERBATIM = 0, DNS_ORDER_IPV4_FIRST = 1, DNS_ORDER_IPV6_FIRST = 2;

// A failed primitive as Node's err: its libuv number or its c-ares code.
const errOf = (e) => (typeof e?.errno === 'number' ? e.errno : e?.code ?? 'EBADRESP');

// fn() on a fiber of its own, after the caller's code; its result or error
// to req.oncomplete. A channel counts its requests until they end.
function later(req, fn, channel) {
  const cancels = channel?.cancels;
  if (channel) channel.pending++;
  queueMicrotask(() => go(() => {
    let result, err = 0;
    try {
      // a cancel() between the call and now ends it too, as in Node
      if (channel && channel.cancels !== cancels) err = 'ECANCELLED';
      else result = fn();
    } catch (e) {
      err = errOf(e);
    } finally {
      if (channel) channel.pending--;
    }
    if (err) req.oncomplete(err);
    else req.oncomplete(0, ...result);
  }, []));
  return 0;
}

class GetAddrInfoReqWrap {}
class GetNameInfoReqWrap {}
class QueryReqWrap {}

// getaddrinfo(req, hostname, family, hints, order): req.oncomplete(err,
// addresses), addresses as strings in the order asked.
function getaddrinfo(req, hostname, family, hints, order) {
  return later(req, () => {
    const list = D.lookup(hostname, family, hints);
    if (order !== DNS_ORDER_VERBATIM) {
      const first = order === DNS_ORDER_IPV4_FIRST ? 4 : 6;
      list.sort((a, b) => (a.family === first ? 0 : 1) - (b.family === first ? 0 : 1));
    }
    return [list.map((a) => a.address)];
  });
}

// getnameinfo(req, ip, port): req.oncomplete(err, hostname, service).
function getnameinfo(req, ip, port) {
  return later(req, () => D.lookupService(ip, port));
}

// The resolve* methods: Node's binding name -> our query's record type.
const queries = {
  queryA: 'A', queryAaaa: 'AAAA', queryCaa: 'CAA', queryCname: 'CNAME', queryMx: 'MX',
  queryNs: 'NS', queryTxt: 'TXT', querySrv: 'SRV', queryPtr: 'PTR', queryNaptr: 'NAPTR',
  querySoa: 'SOA',
};
// What resolveAny collects, and the type Node gives each answer.
const anyTypes = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SRV', 'PTR', 'NAPTR', 'SOA', 'CAA'];

// A c-ares channel (a Resolver's): ChannelWrap(timeoutMs, tries).
class ChannelWrap {
  #id;
  pending = 0; // requests not ended yet
  cancels = 0; // cancel() calls so far

  constructor(timeout, tries) {
    this.#id = D.channel(timeout, tries);
  }

  // One query: its answer as Node gives it, with ttls apart for A and AAAA.
  #query(name, rrtype, ttl) {
    const answer = D.query(this.#id, name, rrtype, ttl);
    if (!ttl || (rrtype !== 'A' && rrtype !== 'AAAA')) return [answer];
    return [answer.map((a) => a.address), answer.map((a) => a.ttl)];
  }

  // resolveAny: every type's answer, { type, ... } each; the types without
  // records left out, as an ANY answer leaves them.
  #any(name) {
    const out = [];
    let firstError = null;
    for (const type of anyTypes) {
      let answer;
      try {
        answer = D.query(this.#id, name, type, true);
      } catch (e) {
        if (e.code !== 'ENODATA') firstError ??= e;
        continue;
      }
      for (const a of Array.isArray(answer) ? answer : [answer]) out.push(anyRecord(type, a));
    }
    if (out.length === 0 && firstError) throw firstError;
    return [out];
  }

  queryAny(req, name) { return later(req, () => this.#any(name), this); }

  // reverse(ip): the PTR names of ip's in-addr.arpa or ip6.arpa name.
  getHostByAddr(req, ip) {
    const name = D.reverseName(ip);
    if (name === null) return 'EINVAL';
    return later(req, () => [D.query(this.#id, name, 'PTR', false)], this);
  }

  getServers() {
    return D.getServers(this.#id).map(([ip, port]) => [ip, port || 53]);
  }

  // setServers([[family, ip, port], ...]): 0, or an error number whose
  // strerror() says why.
  setServers(servers) {
    if (this.pending) {
      lastSetServersError = 'There are pending queries.';
      return kSetServersFailed;
    }
    try {
      D.setServers(this.#id, servers);
    } catch (e) {
      lastSetServersError = e.message;
      return kSetServersFailed;
    }
    return 0;
  }

  // setLocalAddress(ip[, ipv6]): the first may be either family, the
  // second must be IPv6.
  setLocalAddress(ip, ipv6) {
    const v6first = ipv6 === undefined && P.net.isIP(ip) === 6;
    D.setLocalAddress(this.#id, v6first ? undefined : ip, v6first ? ip : ipv6);
  }

  cancel() {
    this.cancels++;
    D.cancel(this.#id);
  }

  static {
    for (const [method, rrtype] of Object.entries(queries)) {
      this.prototype[method] = function (req, name) {
        return later(req, () => this.#query(name, rrtype, req.ttl === true), this);
      };
    }
  }
}

// An answer of resolveAny as Node shapes it: { type, ...record }.
function anyRecord(type, a) {
  switch (type) {
    case 'A': case 'AAAA': return { address: a.address, ttl: a.ttl, type };
    case 'CNAME': case 'NS': case 'PTR': return { value: a, type };
    case 'TXT': return { entries: a, type };
    default: return { ...a, type };
  }
}

const kSetServersFailed = -1;
let lastSetServersError = '';
function strerror(code) {
  return code === kSetServersFailed ? lastSetServersError : `c-ares error ${code}`;
}

export default {
  GetAddrInfoReqWrap, GetNameInfoReqWrap, QueryReqWrap, ChannelWrap,
  getaddrinfo, getnameinfo, strerror,
  canonicalizeIP: P.tls_wrap.canonicalizeIP, // src/prim/tls_context.c
  AI_ADDRCONFIG: D.AI_ADDRCONFIG, AI_ALL: D.AI_ALL, AI_V4MAPPED: D.AI_V4MAPPED,
  DNS_ORDER_VERBATIM, DNS_ORDER_IPV4_FIRST, DNS_ORDER_IPV6_FIRST,
};
