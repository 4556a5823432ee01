#!/usr/bin/env python3
"""Lists the `crate::` edges between the modules of each crate and fails on a cycle.

Usage: python3 .ci/module_cycles.py [--edges] [crates/X ...]   (default: every crate)

A module is a file under src/ (src/a/b.rs and src/a/b/mod.rs are `a::b`; lib.rs and
main.rs are the crate root, left out). A reference `crate::a::b::c` or `super::c` (inside a
`use` tree or a path in code) is an edge to the longest module prefix that exists. Edges
from a module to its own parent or child are kept: a cycle through them is still a cycle.
Comments and string literals are stripped first.
"""

import pathlib
import re
import sys


def strip_comments_and_strings(text):
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return text


def module_of(src, path):
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    if parts in (["lib"], ["main"]):
        return ()
    return tuple(parts)


def expand_use_tree(tree):
    """`a::{b, c::{d, e}}` -> ["a::b", "a::c::d", "a::c::e"]."""
    tree = tree.strip()
    brace = tree.find("{")
    if brace < 0:
        return [tree.split(" as ")[0].strip()]
    prefix, inner = tree[:brace], tree[brace + 1 : tree.rfind("}")]
    items, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(inner[start:i])
            start = i + 1
    items.append(inner[start:])
    out = []
    for item in items:
        if item.strip():
            out += [prefix + p for p in expand_use_tree(item)]
    return out


def inline_modules(text):
    """(start, end, name) of every `mod name { … }` written inside the file."""
    spans = []
    for m in re.finditer(r"\bmod\s+(\w+)\s*\{", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        spans.append((m.start(), i, m.group(1)))
    return spans


def references(text):
    """(position, path) of every path starting with crate, super or self."""
    for m in re.finditer(r"\buse\s+((?:crate|super|self)\s*::[^;]*);", text):
        for path in expand_use_tree(re.sub(r"\s+", "", m.group(1))):
            yield m.start(), path
    for m in re.finditer(r"(?<![\w:])((?:crate|super)(?:::\w+)+)", text):
        yield m.start(), m.group(1)


def resolve(path_text, here, modules):
    """The module a `crate::…`, `super::…`, `self::…` or child-relative path points into."""
    segs = path_text.split("::")
    if segs[0] == "crate":
        base, segs = (), segs[1:]
    elif segs[0] in ("super", "self"):
        base = here
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                base = base[:-1]
            segs = segs[1:]
    else:
        base = here
    for k in range(len(segs), -1, -1):
        cand = base + tuple(segs[:k])
        if cand in modules and (k > 0 or base != here):
            return cand
    return None


def crate_graph(crate):
    src = crate / "src"
    files = sorted(src.rglob("*.rs"))
    modules = {module_of(src, f): f for f in files}
    graph = {m: set() for m in modules if m}
    for m, f in modules.items():
        if not m:
            continue
        text = strip_comments_and_strings(f.read_text())
        spans = inline_modules(text)
        for pos, ref in references(text):
            inner = tuple(name for start, end, name in spans if start <= pos < end)
            target = resolve(ref, m + inner, modules)
            if target and target != m:
                graph[m].add(target)
        # Paths relative to the module itself (`use child::x`, `child::f()`) reach its children.
        for child in (c for c in modules if len(c) == len(m) + 1 and c[: len(m)] == m):
            if re.search(r"(?<![\w:])" + child[-1] + r"::", text):
                graph[m].add(child)
    return graph


def find_cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
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

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def name(m):
    return "::".join(m)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show_edges = "--edges" in sys.argv
    root = pathlib.Path(__file__).resolve().parent.parent
    crates = [pathlib.Path(a) for a in args] or sorted((root / "crates").iterdir())
    failed = False
    for crate in crates:
        if not (crate / "src").is_dir():
            continue
        graph = crate_graph(crate)
        cycles = find_cycles(graph)
        if show_edges:
            for m in sorted(graph):
                if graph[m]:
                    print(f"{crate.name}: {name(m)} -> {', '.join(sorted(map(name, graph[m])))}")
        for comp in cycles:
            failed = True
            print(f"{crate.name}: cycle among {', '.join(map(name, comp))}")
        if not cycles:
            print(f"{crate.name}: {len(graph)} modules, no cycle")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
