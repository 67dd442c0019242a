#!/bin/sh
# System tools the test suite uses beyond Node/Bun: tmux (the REPL's terminal test), git, and
# bwrap (Debian package bubblewrap: the sandbox the agent's commands run in, and its escape suite),
# clang and wasm-ld (Debian packages clang and lld: C plugins compiled to wasm32; the lld package
# puts wasm-ld on PATH, and clang also finds its versioned copy in /usr/lib/llvm-N/bin).
# chromium (Debian's package): the web UI's browser tests (tests/web), driven by playwright-core.
# Installed from Debian's packages when missing and we are root. A tool still missing after that
# is a warning on a developer's machine (its tests skip), and a failure in CI (CI=true): a CI run
# whose REPL or sandbox tests skip silently proves nothing.
package_of() {
  case "$1" in
    bwrap) echo bubblewrap ;;
    wasm-ld) echo lld ;;
    *) echo "$1" ;;
  esac
}
# Debian's lld-N without the lld package has wasm-ld-N only; clang-N still finds it.
has_versioned() {
  [ "$1" = wasm-ld ] || return 1
  for f in /usr/bin/wasm-ld-* /usr/lib/llvm-*/bin/wasm-ld; do
    [ -x "$f" ] && return 0
  done
  return 1
}
missing_tools() {
  missing=""
  packages=""
  for tool in tmux git bwrap clang wasm-ld chromium; do
    if ! command -v "$tool" >/dev/null 2>&1 && ! has_versioned "$tool"; then
      missing="$missing $tool"
      packages="$packages $(package_of "$tool")"
    fi
  done
}
missing_tools
[ -z "$missing" ] && exit 0
if [ "$(id -u 2>/dev/null)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test: installing$packages from Debian's packages" >&2
  # shellcheck disable=SC2086
  (apt-get install -y -qq $packages >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $packages >/dev/null 2>&1)) ||
    echo "test: could not install$packages" >&2
  missing_tools
  [ -z "$missing" ] && exit 0
fi
case "${CI:-}" in
  true | TRUE | True | 1)
    echo "test: error: missing$missing and CI=true; install it (Debian: apt-get install$packages) so no test skips" >&2
    exit 1
    ;;
esac
echo "test: missing$missing (install it to run every test; those tests skip)" >&2
exit 0
