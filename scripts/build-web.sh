#!/usr/bin/env bash
# Builds the web pages (src/Designer: TypeScript, Vite) into .egov/web, which `./egov serve` serves, when their sources
# changed since the last build: `npm ci` from the committed lock (only when the lock changed; no install scripts run),
# then the type check and the bundler. Quiet when it works; prints the tool's output and exits 1 when it does not.
# Without npm it says so and exits 0: the engine and the API still work, the pages answer 503 until they are built.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/src/Designer"
out="${EGOV_WEB_OUT:-$root/.egov/web}"
stamp="$out/.built"

stale() {
  [ ! -f "$stamp" ] && return 0
  [ -n "$(find "$src" -path "$src/node_modules" -prune -o -type f -newer "$stamp" -print -quit 2>/dev/null)" ] ||
    [ "$root/docs/egov-moddle.json" -nt "$stamp" ]
}

stale || exit 0
mkdir -p "$root/.egov"
exec 9>"$root/.egov/web.lock"
flock 9
stale || exit 0

if ! command -v npm >/dev/null 2>&1; then
  echo "egov: npm not found, the web pages are not built (install Node.js 20 or newer with npm)" >&2
  exit 0
fi

cd "$src"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if ! log=$(npm ci --no-audit --no-fund --ignore-scripts --loglevel=error 2>&1); then
    echo "$log" | tail -30 >&2
    echo "egov: npm ci failed in src/Designer" >&2
    exit 1
  fi
fi
# Built beside the served folder, then swapped in, so a running server never serves half a build.
next="$out.next.$$"
rm -rf "$next"
if ! log=$(npx --no-install tsc --noEmit 2>&1 && EGOV_WEB_OUT="$next" npx --no-install vite build 2>&1); then
  echo "$log" | grep -v '^\s*$' | tail -40 >&2
  rm -rf "$next"
  echo "egov: the web pages do not build (src/Designer)" >&2
  exit 1
fi
touch "$next/.built"
rm -rf "$out.old"
[ -d "$out" ] && mv "$out" "$out.old"
mv "$next" "$out"
rm -rf "$out.old"
