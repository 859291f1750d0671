#!/usr/bin/env python3
"""Writes a seed corpus per fuzz target: the string literals of the unit
tests' tables, x/mod's go.mod / go.work inputs, small module zips built
from x/mod's zip test data, and a few inputs in the line layout of the
targets that read several fields. Usage: make_seeds.py SRC XMOD OUT"""
import io
import os
import pathlib
import re
import sys
import warnings
import zipfile

# x/mod's dup_file cases hold duplicate names on purpose.
warnings.filterwarnings("ignore", "Duplicate name")

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

# Targets of the agent's and the cache's parsers: the literals of the tests
# of the same code, plus inputs shaped as each target splits them.
write("fuzz_request", list(literals("test_agent_request.cpp", "test_agent_server.cpp")) + [
    b"127.0.0.1:7070\nhttp://localhost:7070\nsame-origin",
    b"[::1]:7070\nnull\ncross-site",
])
write("fuzz_http_head", list(literals("test_agent_http_head.cpp", "test_agent_front.cpp")) + [
    b"GET /rsc.io/quote/@v/v1.5.2.zip HTTP/1.1\r\nHost: 127.0.0.1:7070\r\nUser-Agent: Go-http-client/1.1\r\n"
    b"Accept-Encoding: gzip\r\n\r\n",
    b"HEAD /github.com/%21azure/go/@v/list?x=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\n",
])
write("fuzz_vcs", list(literals("test_gomod_vcs.cpp")) + [
    b'corp.example/lib/sub\n<meta name="go-import" content="corp.example/lib git https://git.corp.example/lib">\n'
    b'<meta name="go-import" content="corp.example/lib mod https://proxy.corp.example">',
])
write("fuzz_proxy_list", literals("test_agent_proxy_list.cpp", "test_agent_http_client.cpp"))
write("fuzz_config", list(literals("test_agent_config.cpp", "test_agent_git_source.cpp")) + [
    b'https://u:p@proxy.example|direct\nmax_size = "10GiB"\nlist_ttl = "1h30m"\n[extra]\nx = 1\n',
])
creds = list(literals("test_agent_git_credentials.cpp"))
write("fuzz_credentials", creds + [b"git.corp.example\n" + c for c in creds if b"machine" in c])
write("fuzz_layout", literals("test_cache_layout.cpp", "test_cache_store.cpp", "test_cache_verify.cpp"))
write("fuzz_bundle", list(literals("test_cache_transfer.cpp")) + [
    b'{"format": 1, "files": {"rsc.io/quote/@v/v1.5.2.mod": "00", "sumdb/sum.golang.org/lookup/rsc.io/quote@v1.5.2": "11"}}',
])
# Records of fuzz_sumdb.cpp's own database: with its signed tree head
# appended they prove, so mutations start from a lookup that passes.
records = [
    "{i}\nexample.com/m v1.0.{i} h1:{z}=\nexample.com/m v1.0.{i}/go.mod h1:{m}=\n\n".format(
        i=i, z=chr(65 + i) * 42 + "z", m=chr(65 + i) * 42 + "m")
    for i in range(5)
]
write("fuzz_sumdb", list(literals("test_gomod_sumdb_client.cpp", "test_gomod_sumdb_tlog.cpp",
                                  "test_gomod_sumdb_tile.cpp", "test_gomod_sumdb_note.cpp"))
      + [r.encode() for r in records])
write("fuzz_info", list(literals("test_agent_proxy_handler.cpp")) + [
    b'/example.com/m/@v/v1.0.0.info\n{"Version":"v1.0.0","Time":"2023-01-02T03:04:05Z"}',
    b'/example.com/m/@latest\n{"Version":"v1.2.0-pre"}',
    b'/example.com/m/@v/v2.0.0.info\n{"Version":"v2.0.0+incompatible"}',
    b'{"Version":"v1.0.0","Origin":{"VCS":"git","Hash":"abc"}}',
])
write("fuzz_git_ref", list(literals("test_agent_git_mirror.cpp")) + [
    b"corp.example/lib\nv1.0.0\nmain\nside\nv1.1.0\nHEAD\nrelease/1.0",
    b"corp.example/lib/v2\nv2.0.0\nv2.0.0-rc.1\nmain~1\nlatest",
    b"corp.example/lib/sub\nsub/v0.1.0\nv0.1.0\nmain^\n",
])
