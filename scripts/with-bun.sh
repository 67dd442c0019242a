#!/bin/sh
# Ensures Bun is available (installing it from the npm registry into .tools/ when missing),
# installs the workspace dependencies, then runs `bun run <args>`.
# Used by `npm start`, `npm run demo` and `npm test`, so a machine with only Node.js and npm works.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if ! command -v bun >/dev/null 2>&1; then
  if [ ! -x "$root/.tools/node_modules/.bin/bun" ]; then
    echo "loom: Bun not found; installing it into .tools/ from the npm registry" >&2
    npm install --silent --no-audit --no-fund --prefix "$root/.tools" bun@1.4.5 >&2
  fi
  PATH="$root/.tools/node_modules/.bin:$PATH"
  export PATH
fi
bun install --frozen-lockfile >/dev/null 2>&1 || bun install >&2
exec bun run "$@"
