#!/usr/bin/env python3
"""Mutation fuzzing of mesh import end to end, through the importer's own process.

    scripts/fuzz-import.py [COUNT] [SMPSIM]     (default: 10000 inputs, build/smpsim)

Each input is a seed from tests/fuzz/corpus-mesh (every format smpsim reads) with a few
byte-level mutations (bit flips, byte runs, numbers replaced by extreme ones, chunks cut or
repeated), named with its format's extension and given to `smpsim check` through a scene.
Counted: exit 0 (a head), exit 2 (refused, as bad input must be), anything else (a crash, a
signal, exit 1), a hang (no answer in 120 s: the importer's own limit is 60 s), and messages
that do not name the mesh. Inputs of the last three kinds are kept in build-fuzz/import-*.
Deterministic for a given COUNT (seeded).
"""
import os, random, subprocess, sys, tempfile, collections

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
smpsim = sys.argv[2] if len(sys.argv) > 2 else "build/smpsim"
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
corpus = os.path.join(root, "tests", "fuzz", "corpus-mesh")
ext = {"dae": ".dae", "glb": ".glb", "gltf": ".gltf", "off": ".off", "ply-ascii": ".ply",
       "ply-binary": ".ply", "stl-ascii": ".stl", "stl-binary": ".stl",
       "regress-self-instance.dae": ".dae", "regress-count-quoted-after-free": ".dae"}
seeds = [(open(os.path.join(corpus, n), "rb").read(), ext.get(n, ".obj"))
         for n in sorted(os.listdir(corpus))]
extremes = [b"-1", b"0", b"4294967295", b"4294967296", b"1000000000", b"-2147483648",
            b"1e308", b"nan", b"inf", b"99999999999999999999"]
rng = random.Random(20261204)

def mutate(data):
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(5)
        if not b:
            b += b"\0"
        i = rng.randrange(len(b))
        if op == 0:
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[i:i] = bytes([rng.randrange(256)]) * rng.randint(1, 64)
        elif op == 2:  # a number replaced by an extreme one
            j = i
            while j < len(b) and chr(b[j]).isdigit():
                j += 1
            b[i:j] = rng.choice(extremes)
        elif op == 3:
            del b[i:i + rng.randint(1, 256)]
        else:
            n = rng.randint(1, 512)
            b[i:i] = b[i:i + n] * rng.randint(1, 8)
    return bytes(b)

out_dir = os.path.join(root, "build-fuzz")
os.makedirs(out_dir, exist_ok=True)
tally = collections.Counter()
with tempfile.TemporaryDirectory() as tmp:
    scene = os.path.join(tmp, "scene.json")
    for n in range(count):
        data, suffix = rng.choice(seeds)
        mesh = os.path.join(tmp, "mesh" + suffix)
        with open(mesh, "wb") as f:
            f.write(mutate(data))
        with open(scene, "w") as f:
            f.write('{"head": {"mesh": "mesh%s", "edge_mm": 6}}\n' % suffix)
        try:
            r = subprocess.run([smpsim, "check", scene], capture_output=True, timeout=120)
            kind = {0: "ok", 2: "refused"}.get(r.returncode, "wrong-exit")
            if kind == "refused" and b"mesh" + suffix.encode() not in r.stderr:
                kind = "unnamed"
        except subprocess.TimeoutExpired:
            kind = "hang"
        tally[kind] += 1
        if kind in ("wrong-exit", "hang", "unnamed"):
            keep = os.path.join(out_dir, "import-%s-%d%s" % (kind, n, suffix))
            with open(mesh, "rb") as src, open(keep, "wb") as dst:
                dst.write(src.read())
        if (n + 1) % 500 == 0:
            print("fuzz-import: %d inputs: %s" % (n + 1, dict(tally)), flush=True)
print("fuzz-import: %d inputs: ok %d, refused %d, wrong exit %d, hang %d, unnamed %d" %
      (count, tally["ok"], tally["refused"], tally["wrong-exit"], tally["hang"], tally["unnamed"]))
sys.exit(1 if tally["wrong-exit"] or tally["hang"] or tally["unnamed"] else 0)
