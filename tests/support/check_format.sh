#!/usr/bin/env bash
# The C++ sources as .clang-format has them. Without --fix, a file that
# differs fails, with the diff; with --fix, the files are rewritten in place.
# The style is defined by bookworm's clang-format 14: another major version
# formats some constructs differently, so it is refused rather than trusted.
set -u
root=${1:?usage: check_format.sh SOURCE_DIR [--fix]}
fix=${2:-}

cf=""
for c in clang-format-14 clang-format; do
  if command -v "$c" >/dev/null 2>&1; then cf=$c; break; fi
done
if [ -z "$cf" ]; then
  echo "format: clang-format not found; install it (apt-get install clang-format," >&2
  echo "        or run the README's test command, which does)" >&2
  exit 1
fi
major=$("$cf" --version | sed -nE 's/.*version ([0-9]+)\..*/\1/p')
if [ "$major" != 14 ]; then
  echo "format: $cf is version ${major:-unknown}; the style is checked with clang-format 14" >&2
  echo "        (apt-get install clang-format-14)" >&2
  exit 1
fi

cd "$root" || exit 1
mapfile -t files < <(find gomod cache agent cli tests bench packaging \
  -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) | LC_ALL=C sort)
if [ "$fix" = --fix ]; then
  "$cf" -i --style=file "${files[@]}"
  echo "format: ${#files[@]} files formatted"
  exit 0
fi

status=0
drift=0
for f in "${files[@]}"; do
  if ! out=$("$cf" --style=file "$f"); then
    echo "format: $cf failed on $f" >&2
    status=1
    continue
  fi
  if [ "$out" != "$(cat "$f")" ]; then
    diff -u --label "$f" --label "$f (clang-format)" "$f" <(printf '%s\n' "$out") | head -40
    drift=$((drift + 1))
    status=1
  fi
done
if [ $drift -gt 0 ]; then
  echo "format: $drift of ${#files[@]} files differ from .clang-format; run 'cmake --build BUILD --target format'"
elif [ $status -eq 0 ]; then
  echo "format: ok (${#files[@]} files)"
fi
exit $status
