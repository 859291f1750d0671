#!/usr/bin/env bash
# Dependencies point one way: cli → agent → cache → gomod. A lower folder
# including a higher one fails here, naming the line.
set -u
root=${1:?usage: check_layering.sh SOURCE_DIR}
status=0
check() {
  local folder=$1 forbidden=$2
  local hits
  hits=$(grep -rnE "#\s*include\s*[<\"]($forbidden)/" "$root/$folder" --include='*.cpp' --include='*.hpp' || true)
  if [ -n "$hits" ]; then
    echo "layering: $folder/ must not include $forbidden/:"
    echo "$hits"
    status=1
  fi
}
check gomod 'cache|agent|cli'
check cache 'agent|cli'
check agent 'cli'
[ $status -eq 0 ] && echo "layering: ok (gomod ← cache ← agent ← cli)"
exit $status
