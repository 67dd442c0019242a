#!/bin/sh
# System tools the test suite uses beyond Node/Bun: tmux (the REPL's terminal test) and git.
# Installed from Debian's packages when missing and we are root; otherwise those tests say they skip.
missing=""
for tool in tmux git; do command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test: installing$missing from Debian's packages" >&2
  # shellcheck disable=SC2086
  (apt-get install -y -qq $missing >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $missing >/dev/null 2>&1)) ||
    echo "test: could not install$missing" >&2
else
  echo "test: missing$missing (install them to run every test)" >&2
fi
exit 0
