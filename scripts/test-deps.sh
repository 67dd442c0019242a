#!/bin/sh
# System tools the test suite uses beyond Node/Bun: tmux (the REPL's terminal test) and git.
# Installed from Debian's packages when missing and we are root. A tool still missing after that
# is a warning on a developer's machine (its tests skip), and a failure in CI (CI=true): a CI run
# whose REPL tests skip silently proves nothing.
missing_tools() {
  missing=""
  for tool in tmux git; do command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done
}
missing_tools
[ -z "$missing" ] && exit 0
if [ "$(id -u 2>/dev/null)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test: installing$missing from Debian's packages" >&2
  # shellcheck disable=SC2086
  (apt-get install -y -qq $missing >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $missing >/dev/null 2>&1)) ||
    echo "test: could not install$missing" >&2
  missing_tools
  [ -z "$missing" ] && exit 0
fi
case "${CI:-}" in
  true | TRUE | True | 1)
    echo "test: error: missing$missing and CI=true; install it (Debian: apt-get install$missing) so no test skips" >&2
    exit 1
    ;;
esac
echo "test: missing$missing (install it to run every test; those tests skip)" >&2
exit 0
