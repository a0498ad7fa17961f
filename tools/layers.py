#!/usr/bin/env python3
"""tools/layers.py OBJDIR: check the layers of the C tree from its objects.

Reads the symbols each object file defines and uses (nm), links every use to
the file that defines it, and checks the rules of docs/internals.md:
  - src/core/ never calls into src/prim/ or src/wasm/ (and never includes them);
  - no call cycle between files of src/prim/http/, nor of src/wasm/.
It prints the call cycles it finds among files anywhere (strongly connected
components), for information, and exits 1 if a rule is broken.
"""
import os
import re
import subprocess
import sys


def symbols(path):
    out = subprocess.run(['nm', '--defined-only', '-g', path], capture_output=True, text=True).stdout
    defined = {l.split()[-1] for l in out.splitlines() if len(l.split()) == 3}
    out = subprocess.run(['nm', '-u', path], capture_output=True, text=True).stdout
    used = {l.split()[-1] for l in out.splitlines() if l.strip()}
    return defined, used


def graph(objdir, top):
    files = {}
    for root, _, names in os.walk(objdir):
        for n in names:
            rel = os.path.relpath(os.path.join(root, n), objdir)[:-2]
            # objects of our sources only (not stale ones of removed files)
            if n.endswith('.o') and os.path.exists(os.path.join(top, 'src', rel + '.c')):
                files[rel] = symbols(os.path.join(root, n))
    owner = {s: f for f, (d, _) in files.items() for s in d}
    return {f: {owner[s] for s in u if s in owner and owner[s] != f} for f, (_, u) in files.items()}


def sccs(g):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def includes_into(top, src_dir, forbidden):
    bad = []
    for root, _, names in os.walk(os.path.join(top, src_dir)):
        for n in names:
            p = os.path.join(root, n)
            for i, line in enumerate(open(p, errors='replace'), 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if m and any(m.group(1).startswith(f) for f in forbidden):
                    bad.append(f'{os.path.relpath(p, top)}:{i}: includes {m.group(1)}')
    return bad


def main():
    objdir = sys.argv[1]
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    g = graph(objdir, top)
    errors = []
    for f, deps in sorted(g.items()):
        if f.startswith('core/'):
            for d in sorted(deps):
                if d.startswith(('prim/', 'wasm/')):
                    errors.append(f'{f} calls into {d}')
    errors += includes_into(top, 'src/core', ('prim/', 'wasm/', '../'))
    for comp in sccs(g):
        print('cycle:', ' '.join(comp))
        if any(c.startswith(('prim/http/', 'wasm/')) for c in comp):
            errors.append('call cycle: ' + ' '.join(comp))
        if any(c.startswith('core/') for c in comp) and any(not c.startswith('core/') for c in comp):
            errors.append('call cycle across core/: ' + ' '.join(comp))
    for e in errors:
        print('error:', e)
    print(f'{len(g)} files, {sum(len(d) for d in g.values())} file-to-file call edges, '
          f'{len(errors)} broken rules')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
