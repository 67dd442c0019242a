#!/bin/sh
# Baselines the benchmarks compare against: ripgrep (grep) and git (glob). Installed from Debian's
# packages when missing and we are root; otherwise the search benchmark reports the baseline missing.
if ! command -v rg >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing ripgrep (baseline for grep)" >&2
    (apt-get install -y -qq ripgrep >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq ripgrep >/dev/null 2>&1)) ||
      echo "bench: could not install ripgrep; the grep baseline will be missing" >&2
  else
    echo "bench: ripgrep not found; the grep baseline will be missing" >&2
  fi
fi
