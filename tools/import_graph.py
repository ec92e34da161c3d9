#!/usr/bin/env python3
"""The module import graph of one crate, and the circles in it.

    python3 tools/import_graph.py crates/web/src          # counts, and each circle
    python3 tools/import_graph.py crates/web/src --dot    # the graph, for Graphviz
    python3 tools/import_graph.py crates/web/src --strict # exit 1 if there is a circle

An edge is a path into another module of the crate (`crate::`, `super::`, `self::`, a
child module by name, a `use crate::{a, b}` group), followed through re-exports to
where the name lives; comments and `#[cfg(test)]` code do not count. A module's
`mod x;` declaration alone is not an import: the parent owning its child is how Rust
is laid out, but a child importing back up from its parent is a circle.
"""
import os, re, sys, itertools
root = sys.argv[1]  # e.g. crates/web/src
mods = {}
for dp, _, fs in os.walk(root):
    for f in fs:
        if f.endswith('.rs'):
            p = os.path.join(dp, f)
            rel = os.path.relpath(p, root)[:-3]
            parts = rel.split(os.sep)
            if parts[-1] in ('mod', 'lib', 'main'):
                parts = parts[:-1]
            mods['::'.join(parts) or '(root)'] = p
def without_inline_modules(src):
    """Drops `mod name { ... }` bodies: their `super::` means the file's own module."""
    out, i = [], 0
    for m in re.finditer(r'(?m)^[ \t]*(?:pub(?:\([^)]*\))?\s+)?mod \w+\s*\{', src):
        if m.start() < i:
            continue
        depth, j = 1, m.end()
        while j < len(src) and depth:
            depth += {'{': 1, '}': -1}.get(src[j], 0)
            j += 1
        out.append(src[i:m.start()])
        i = j
    out.append(src[i:])
    return ''.join(out)


# Names a module re-exports (`pub use a::b::Name;`, `pub use a::{X, Y};`): an import of
# the name through that module is an import of where it lives.
reexports = {}
for m, p in mods.items():
    src = open(p).read().split('#[cfg(test)]')[0]
    for mt in re.finditer(r'^\s*pub(?:\([^)]*\))? use ([\w:]+?)(?:::\{([^}]*)\}|::(\w+))\s*;', src, re.M):
        base = mt.group(1)
        names = [n.strip().split(' ')[-1] for n in (mt.group(2) or mt.group(3)).split(',') if n.strip()]
        for n in names:
            reexports[(m, n)] = base
def resolve(cur, path, depth=0):
    if cur == '(root)':
        cur = ''
    segs = path.split('::')
    if segs[0] == 'crate':
        base = []; segs = segs[1:]
    elif segs[0] == 'super':
        base = cur.split('::')[:-1] if cur else []
        segs = segs[1:]
        while segs and segs[0] == 'super':
            base = base[:-1]; segs = segs[1:]
    elif segs[0] == 'self':
        base = cur.split('::') if cur else []; segs = segs[1:]
    else:
        return None
    best = None
    for i in range(len(segs), -1, -1):
        cand = '::'.join(base + segs[:i]) or '(root)'
        if cand in mods:
            best = cand
            if i < len(segs) and (cand, segs[i]) in reexports and depth < 5:
                target = reexports[(cand, segs[i])]
                target = target if target.split('::')[0] in ('crate', 'super', 'self') else ('self::' + target)
                inner = resolve(cand, target + '::' + segs[i], depth + 1)
                if inner is not None:
                    best = inner
            break
    return best
edges = set()
for m, p in mods.items():
    src = open(p).read()
    src = src.split('#[cfg(test)]')[0]
    src = re.sub(r'//[^\n]*', '', src)  # comments and doc links are not imports
    src = without_inline_modules(src)
    # Child modules named without a prefix (`pages::router()` in lib.rs).
    prefix = '' if m == '(root)' else m + '::'
    for child in re.findall(r'^\s*(?:pub(?:\([^)]*\))?\s+)?mod (\w+);', src, re.M):
        if re.search(r'(?<![:\w])' + child + r'::', src):
            edges.add((m, prefix + child)) if (prefix + child) in mods else None
    for group in re.finditer(r'\b((?:crate|super|self)(?:::\w+)*)::\{([^}]*)\}', src):
        for name in group.group(2).split(','):
            name = name.strip().split(' ')[0]
            if name:
                t = resolve(m, group.group(1) + '::' + name)
                if t is not None and t != m and not m.startswith(t + '::'):
                    edges.add((m, t))
    for mt in re.finditer(r'\b((?:crate|super|self)(?:::\w+)+)', src):
        t = resolve(m, mt.group(1))
        if t is not None and t != m and not m.startswith(t + '::') and t != '(root)':
            edges.add((m, t))
        elif t == '(root)' and m != '(root)':
            edges.add((m, '(root)'))
# cycles via Tarjan
import collections
g = collections.defaultdict(set)
for a, b in edges: g[a].add(b)
index = {}; low = {}; st = []; on = set(); sccs = []; i = [0]
sys.setrecursionlimit(10000)
def sc(v):
    index[v] = low[v] = i[0]; i[0] += 1; st.append(v); on.add(v)
    for w in g[v]:
        if w not in index: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(comp)
for v in list(g):
    if v not in index: sc(v)
if '--dot' in sys.argv:
    print('digraph{'); [print(f'"{a}"->"{b}"') for a, b in sorted(edges)]; print('}')
else:
    print(f'{root}: {len(mods)} modules, {len(edges)} edges, {len(sccs)} circles')
    for c in sccs: print('  circle:', ' , '.join(sorted(c)))
    if '--strict' in sys.argv and sccs:
        sys.exit(1)
