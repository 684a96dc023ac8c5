#!/usr/bin/env python3
"""Checks the shape of the engine's dependencies on a built tree.

Two rules, both about engine/ (the tests and generated files are outside them):

1. No cycle between source files. File A depends on file B when A's object file uses a symbol
   that B's object file defines (read with nm from the build's compile_commands.json, so the
   graph is what the linker sees, not what the includes suggest). A strongly connected group of
   two or more files is a cycle: none of them can be read, tested or replaced alone.
2. No private header across stages. A header kept next to the sources (engine/STAGE/.../x.h) is
   that stage's business; a file in another stage that includes it is reported. Public headers
   live in include/smp/.

Usage: scripts/check-deps.py [BUILD_DIR]   (default: build). Exit 0 when both rules hold, 1 with
one line per offence otherwise, 2 when the build directory cannot be read.
Options: --graph prints every file's dependencies; --stages prints the stage-level graph.
"""
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINE = os.path.join(ROOT, "engine")


def rel(path):
    return os.path.relpath(path, ROOT)


def stage_of(path):
    """engine/scatter/blue/pack.c -> 'scatter'; anything outside engine/ -> None."""
    r = rel(path)
    parts = r.split(os.sep)
    if len(parts) < 3 or parts[0] != "engine":
        return None
    return parts[1]


def engine_objects(build):
    db_path = os.path.join(build, "compile_commands.json")
    try:
        with open(db_path) as f:
            db = json.load(f)
    except (OSError, ValueError) as e:
        print(f"check-deps: {db_path}: {e} (configure the build first)", file=sys.stderr)
        sys.exit(2)
    objects = {}
    for entry in db:
        src = os.path.realpath(entry["file"])
        if stage_of(src) is None:
            continue
        out = entry.get("output")
        if out is None:
            m = re.search(r"-o\s+(\S+)", entry.get("command", ""))
            out = m.group(1) if m else None
        if out is None:
            continue
        obj = os.path.join(entry["directory"], out)
        # A source compiled into several targets is one file: keep the first object found.
        if src not in objects and os.path.exists(obj):
            objects[src] = obj
    return objects


def symbols(obj):
    out = subprocess.run(["nm", "-P", obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        name, kind = f[0], f[1]
        if kind == "U":
            used.add(name)
        elif kind in "TDBRVWCGS" and kind.isupper():
            defined.add(name)
    return defined, used


def file_graph(objects):
    owner = {}
    uses = {}
    for src, obj in objects.items():
        d, u = symbols(obj)
        uses[src] = u
        for s in d:
            owner.setdefault(s, src)
    graph = defaultdict(set)
    for src, u in uses.items():
        graph[src]  # every file is a node
        for s in u:
            dst = owner.get(s)
            if dst is not None and dst != src:
                graph[src].add(dst)
    return graph


def strongly_connected(graph):
    """Tarjan's algorithm, iterative."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on:
                    low[v] = min(low[v], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                group = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    group.append(w)
                    if w == v:
                        break
                if len(group) > 1:
                    out.append(sorted(group))
    return out


INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def private_header_offences():
    offences = []
    for dirpath, _, names in os.walk(ENGINE):
        for name in sorted(names):
            if not name.endswith((".c", ".h", ".cpp")):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            for m in INCLUDE.finditer(text):
                target = os.path.realpath(os.path.join(dirpath, m.group(1)))
                if not os.path.exists(target) or stage_of(target) is None:
                    continue
                if stage_of(target) != stage_of(path):
                    line = text.count("\n", 0, m.start()) + 1
                    offences.append(f"{rel(path)}:{line}: includes {rel(target)}, "
                                    f"private to stage '{stage_of(target)}'")
    return offences


def main(argv):
    flags = [a for a in argv if a.startswith("--")]
    args = [a for a in argv if not a.startswith("--")]
    build = args[0] if args else os.path.join(ROOT, "build")
    graph = file_graph(engine_objects(build))
    if "--graph" in flags:
        for src in sorted(graph):
            print(rel(src) + ": " + " ".join(rel(d) for d in sorted(graph[src])))
    if "--stages" in flags:
        stages = defaultdict(set)
        for src, dsts in graph.items():
            for d in dsts:
                if stage_of(d) != stage_of(src):
                    stages[stage_of(src)].add(stage_of(d))
        for s in sorted(stages):
            print(f"{s} -> {' '.join(sorted(stages[s]))}")
    cycles = strongly_connected(graph)
    headers = private_header_offences()
    for group in cycles:
        print("cycle: " + " <-> ".join(rel(p) for p in group))
    for line in headers:
        print("private header: " + line)
    print(f"check-deps: {len(graph)} files, {sum(len(d) for d in graph.values())} dependencies, "
          f"{len(cycles)} cycles, {len(headers)} private headers used across stages")
    return 1 if cycles or headers else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
