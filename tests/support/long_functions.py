#!/usr/bin/env python3
"""Lists the functions longer than a limit, longest first:

  python3 tests/support/long_functions.py [--max 80] [DIR...]

Reads the project's own layout: a function defined at namespace scope opens
with "{" alone at column 0 and closes with "}" alone at column 0 (the style
the code follows), so no C++ parser is needed. Member functions defined
inside a class body are not counted. Exit 0 always: it is a list to read,
not a verdict."""
import argparse
import pathlib
import re

ap = argparse.ArgumentParser()
ap.add_argument("--max", type=int, default=80)
ap.add_argument("dirs", nargs="*", default=["gomod", "cache", "agent", "cli"])
args = ap.parse_args()
root = pathlib.Path(__file__).resolve().parents[2]
NAME = re.compile(r"([A-Za-z_][\w:~]*)\s*\(")

found = []
for d in args.dirs:
    for path in sorted((root / d).rglob("*.cpp")):
        lines = path.read_text(errors="replace").split("\n")
        start = None
        for i, line in enumerate(lines):
            if line == "{" and start is None:
                # The signature: the lines above, back to a blank line or a
                # line ending a previous declaration.
                sig = []
                j = i - 1
                while j >= 0 and lines[j].strip() and not lines[j].rstrip().endswith((";", "}")) \
                        and not lines[j].startswith("//"):
                    sig.insert(0, lines[j].strip())
                    j -= 1
                text = " ".join(sig)
                m = NAME.search(text)
                if m is None or text.startswith(("namespace", "struct", "class", "enum", "union")):
                    continue
                start = (i, m.group(1))
            elif line == "}" and start is not None:
                length = i - start[0] + 1
                if length > args.max:
                    found.append((length, f"{path.relative_to(root)}:{start[0] + 1}", start[1]))
                start = None
for length, where, name in sorted(found, reverse=True):
    print(f"{length:5d}  {where}  {name}")
print(f"{len(found)} functions over {args.max} lines in {', '.join(args.dirs)}")
