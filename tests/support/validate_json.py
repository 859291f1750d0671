#!/usr/bin/env python3
"""validate_json.py SCHEMA DEF FILE: checks FILE (one JSON document) against
$defs/DEF of SCHEMA; prints every violation and exits 1 if there is one."""
import json
import sys

import jsonschema


def main() -> int:
    schema_path, definition, path = sys.argv[1:4]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    with open(path, encoding="utf-8") as f:
        try:
            doc = json.load(f)
        except json.JSONDecodeError as e:
            print(f"{path}: not JSON: {e}")
            return 1
    if definition not in schema["$defs"]:
        print(f"{schema_path}: no $defs/{definition}")
        return 1
    root = dict(schema)
    root["$ref"] = f"#/$defs/{definition}"
    errors = sorted(jsonschema.Draft202012Validator(root).iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        where = "/".join(str(p) for p in e.path) or "(top)"
        print(f"{path}: {definition}: {where}: {e.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
