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
