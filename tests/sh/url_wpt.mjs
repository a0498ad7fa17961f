// The URL class against the Web Platform Tests' URL data, every case:
// urltestdata.json (parsing, resolving, failures), setters_tests.json (the
// setters), toascii.json (the host parser) and IdnaTestV2.json (UTS #46). Run by tests/sh/test_url_wpt.sh
// with the folder of the data (from Node's source, fetched at test time).
import { test, assert } from '../js/harness.mjs';
import fs from 'corojs:fs';

const dir = process.argv[2];
const load = (name) => JSON.parse(fs.readFile(`${dir}/${name}`)).filter((c) => typeof c === 'object');
const FIELDS = ['href', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'];

// One line for a whole file: every case it failed is listed.
function check(name, cases, run) {
  const failed = [];
  for (const c of cases) {
    let why;
    try {
      why = run(c);
    } catch (e) {
      why = `threw ${e}`;
    }
    if (why) failed.push(`${JSON.stringify(c.input ?? c.href)}${c.base ? ` on ${JSON.stringify(c.base)}` : ''}: ${why}`);
  }
  test(`WPT ${name}: ${cases.length - failed.length}/${cases.length} cases`, () => {
    assert.ok(failed.length === 0, `${failed.length} failed:\n${failed.join('\n')}`);
  });
}

function parsed(input, base) {
  try {
    return base === null || base === undefined ? new URL(input) : new URL(input, base);
  } catch (e) {
    if (e.code !== 'ERR_INVALID_URL' || !(e instanceof TypeError)) return `threw ${e}`;
    return null;
  }
}

check('urltestdata.json', load('urltestdata.json'), (c) => {
  const u = parsed(c.input, c.base);
  if (typeof u === 'string') return u;
  if (c.failure) return u === null ? '' : `parsed as ${u.href}`;
  if (u === null) return 'failed to parse';
  const wrong = FIELDS.filter((k) => u[k] !== c[k]).map((k) => `${k} ${JSON.stringify(u[k])} != ${JSON.stringify(c[k])}`);
  if (c.origin !== undefined && u.origin !== c.origin) wrong.push(`origin ${u.origin} != ${c.origin}`);
  if (URL.canParse(c.input, c.base ?? undefined) !== true) wrong.push('canParse false');
  return wrong.join(', ');
});

const setters = JSON.parse(fs.readFile(`${dir}/setters_tests.json`));
const setterCases = Object.entries(setters).filter(([k]) => k !== 'comment')
  .flatMap(([setter, list]) => list.map((c) => ({ ...c, setter })));
check('setters_tests.json', setterCases, (c) => {
  const u = new URL(c.href);
  u[c.setter] = c.new_value;
  return Object.entries(c.expected).filter(([k, v]) => u[k] !== v)
    .map(([k, v]) => `${c.setter}=${JSON.stringify(c.new_value)}: ${k} ${JSON.stringify(u[k])} != ${JSON.stringify(v)}`).join(', ');
});

check('toascii.json', load('toascii.json'), (c) => {
  const u = parsed(`https://${c.input}/x`);
  if (typeof u === 'string') return u;
  if (c.output === null) return u === null ? '' : `host ${u.host}`;
  if (u === null) return 'failed to parse';
  return u.host === c.output && u.hostname === c.output && u.pathname === '/x' ? '' : `host ${u.host} != ${c.output}`;
});

// as WPT's IdnaTestV2.window.js runs it: the code points that would end a
// host are percent-encoded, so that they reach the host parser
const hostEnders = (s) => Array.from(s, (ch) => (':/?#\\'.includes(ch) ? encodeURIComponent(ch) : ch)).join('');
check('IdnaTestV2.json', load('IdnaTestV2.json').filter((c) => c.input !== ''), (c) => {
  const u = parsed(`https://${hostEnders(c.input)}/x`);
  if (typeof u === 'string') return u;
  if (c.output === null) return u === null ? '' : `host ${u.host}`;
  if (u === null) return 'failed to parse';
  return u.host === c.output && u.hostname === c.output && u.href === `https://${c.output}/x` ? '' : `host ${u.host} != ${c.output}`;
});
