// A jailed child for tests/sh/jail.mjs: races renames against its own path
// operations, and imports. Its jail holds a real directory d/ and a symlink
// out -> a directory outside; one fiber keeps swapping the two names while
// others read, write, list and stat through d/. Whatever they reach must be
// inside: the content 'SECRET' or the name secret.txt is outside.
import fs from 'corojs:fs';
import { test } from '../js/harness.mjs';

export function race(rounds) {
  let stop = false;
  const seen = { reads: 0, escapes: [] };
  const swapper = Fiber.run(() => {
    for (let i = 0; i < rounds; i++) {
      fs.rename('d', 'tmp');
      fs.rename('out', 'd');
      fs.rename('d', 'out');
      fs.rename('tmp', 'd');
    }
    stop = true;
  });
  const probe = (name, fn) => Fiber.run(() => {
    while (!stop) {
      try {
        if (fn()) seen.escapes.push(name);
      } catch { /* ENOENT, ELOOP, EACCES: the swap was caught */ }
      seen.reads++;
    }
  });
  const probes = [
    probe('readFile', () => fs.readFile('d/secret.txt') === 'SECRET'),
    probe('readFile', () => fs.readFile('d/secret.txt') === 'SECRET'),
    probe('readdir', () => fs.readdir('d').includes('outside-only')),
    probe('stat', () => fs.stat('d/outside-only').isFile()),
    probe('writeFile', () => { fs.writeFile('d/planted.txt', 'x'); return false; }),
  ];
  swapper.join();
  probes.forEach((p) => p.join());
  return seen;
}

export function load(specifier) {
  return import(specifier).then((m) => m.default);
}

export function staticImport() { return typeof test === 'function' ? 'harness' : 'missing'; }
