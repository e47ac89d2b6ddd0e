#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test (playwright-core drives it; `npx playwright install`
# cannot download browsers here). Idempotent: does nothing when chromium is already on the PATH.
set -euo pipefail

command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium)
