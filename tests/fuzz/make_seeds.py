#!/usr/bin/env python3
"""Writes a seed corpus per fuzz target: the string literals of the unit
tests' tables, x/mod's go.mod / go.work inputs, and small module zips built
from x/mod's zip test data. Usage: make_seeds.py SRC XMOD OUT"""
import io
import os
import pathlib
import re
import sys
import zipfile

src, xmod, out = map(pathlib.Path, sys.argv[1:4])
LIT = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def literals(*names):
    for name in names:
        p = src / "tests" / "unit" / name
        if p.exists():
            for m in LIT.finditer(p.read_text(errors="replace")):
                yield bytes(m.group(1), "utf-8").decode("unicode_escape").encode("latin-1", "replace")


def write(target, items):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    n = 0
    for i, data in enumerate(dict.fromkeys(items)):
        (d / f"seed{i:05d}").write_bytes(data)
        n += 1
    return n


def txtar_files(path):
    files, name, buf = [], None, []
    for line in path.read_text(errors="replace").splitlines(keepends=True):
        m = re.fullmatch(r"-- (.*) --\n?", line)
        if m:
            if name is not None:
                files.append((name, "".join(buf)))
            name, buf = m.group(1).strip(), []
        elif name is not None:
            buf.append(line)
    if name is not None:
        files.append((name, "".join(buf)))
    return files


write("fuzz_module", literals("test_gomod_module.cpp"))
write("fuzz_semver", literals("test_gomod_semver.cpp", "test_gomod_pseudo.cpp"))
write("fuzz_gover", literals("test_gomod_gover.cpp"))

mods = [p.read_bytes() for p in (xmod / "modfile" / "testdata").glob("*.in")]
mods += list(literals("test_gomod_modfile.cpp", "test_gomod_modfile_read.cpp"))
write("fuzz_modfile", mods)
works = [p.read_bytes() for p in (xmod / "modfile" / "testdata" / "work").glob("*")]
works += list(literals("test_gomod_workfile.cpp"))
write("fuzz_workfile", works)
write("fuzz_gosum", literals("test_gomod_gosum.cpp"))
# Module path, then "tag NAME COMMIT" lines and queries (fuzz_code_repo.cpp).
code_repo_seeds = [
    "corp.example/lib\ntag v1.0.0 0\ntag v1.1.0 1\ntag v1.2.0 2\nmain\nside\nv1.1\nHEAD\n",
    "corp.example/lib/sub\ntag sub/v0.1.0 0\ntag sub/v0.2.0 4\nside\nlatest\n",
    "corp.example/lib/v2\ntag v2.0.0 0\ntag v2.1.0-rc.1 3\nmain\nv2.0.1-0.20230102030645-aaaa\n",
    "corp.example/lib/v3\ntag v3.0.0 3\ntag v2.0.0 2\ntag v1.0.0+meta 0\nmain\nv3\n",
    "corp.example/lib\ntag v2.0.0 2\ntag v3.1.0 2\ntag v1.1.0 1\nv2.0.0\nv2.0.0+incompatible\nmain\n",
]
write("fuzz_code_repo", [s.encode() for s in code_repo_seeds])

zips = []
for case in sorted((xmod / "zip" / "testdata").glob("*/*.txt")):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in txtar_files(case):
            if "=" in name or name.startswith("#"):
                continue
            z.writestr("example.com/m@v1.0.0/" + name, data)
    zips.append(buf.getvalue())
write("fuzz_zip", zips)
