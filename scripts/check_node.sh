#!/usr/bin/env bash
# `make install` builds the JupyterLab extension (labextension/) with npm: fail early and clearly without a
# suitable Node.js. @rspack/core 2.x (via @jupyter/builder) needs Node ^20.19.0 or >=22.12.0.
set -euo pipefail
need="Node.js ^20.19.0 or >= 22.12.0 (with npm)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "make install: $need is needed to build the JupyterLab extension; node/npm not found on PATH." >&2
  echo "  Install it (e.g. from https://nodejs.org or NodeSource: apt-get install nodejs) and run make install again." >&2
  exit 1
fi
version="$(node -p 'process.versions.node')"
major="${version%%.*}"; rest="${version#*.}"; minor="${rest%%.*}"
if ! { [ "$major" -eq 20 ] && [ "$minor" -ge 19 ]; } && ! { [ "$major" -eq 22 ] && [ "$minor" -ge 12 ]; } \
   && ! [ "$major" -ge 23 ]; then
  echo "make install: $need is needed to build the JupyterLab extension; found Node $version." >&2
  exit 1
fi
