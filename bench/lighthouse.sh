#!/usr/bin/env bash
# Lighthouse mobile performance scores (issue 12) for the home page, a policy article and /places/?q=烈士.
# Usage: bench/lighthouse.sh BASE_URL [OUT_DIR]   (after `npm ci --prefix bench`; `make bench` does both)
# Lighthouse 12.2.3 (pinned in bench/package.json; 13 needs Node 22) drives Debian's Chromium headless.
set -euo pipefail
base=${1:?usage: bench/lighthouse.sh BASE_URL [OUT_DIR]}
out=${2:-$(mktemp -d)}
mkdir -p "$out"
here=$(cd "$(dirname "$0")" && pwd)
lighthouse="$here/node_modules/.bin/lighthouse"
[ -x "$lighthouse" ] || { echo "run: npm ci --prefix bench"; exit 1; }
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
flags="--headless=new --disable-gpu --no-first-run --disable-background-networking --disable-component-update"
[ "$(id -u)" = 0 ] && flags="$flags --no-sandbox"  # Chromium refuses to run as root with its sandbox
article=$(curl -fsS "$base/policies/" | grep -o 'href="/policies/[^"/?][^"/?]*"' | grep -v 'faq' | head -1 | cut -d'"' -f2)
for path in / "$article" "/places/?q=%E7%83%88%E5%A3%AB"; do
  name=$(echo "$path" | tr -c 'A-Za-z0-9' '_')
  "$lighthouse" "$base$path" --quiet --only-categories=performance --form-factor=mobile \
    --chrome-flags="$flags" --output=json --output-path="$out/lh$name.json" 2>&1 | grep -i "error" || true
  node -e '
    const r = require(process.argv[1]); const a = r.audits;
    const ms = (k) => a[k] ? Math.round(a[k].numericValue) + " ms" : "?";
    console.log(`${process.argv[2]}  performance ${Math.round(r.categories.performance.score * 100)}` +
      `  FCP ${ms("first-contentful-paint")}  LCP ${ms("largest-contentful-paint")}` +
      `  TBT ${ms("total-blocking-time")}  CLS ${a["cumulative-layout-shift"].numericValue.toFixed(3)}` +
      `  transferred ${Math.round(a["total-byte-weight"].numericValue / 102.4) / 10} KB`);
  ' "$out/lh$name.json" "$path"
done
