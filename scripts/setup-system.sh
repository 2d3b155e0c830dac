#!/usr/bin/env bash
# Debian packages the tests and benchmarks use: real Python servers (FastAPI, Flask,
# aiohttp, Django under uvicorn/gunicorn), peers for benchmarks (hey, wrk, nginx),
# Chromium for webview and end-to-end tests, and what code-server's native modules build against.
set -euo pipefail
PKGS=(python3-fastapi python3-uvicorn gunicorn python3-flask python3-uvloop python3-httptools
      python3-aiohttp python3-django python3-djangorestframework hey wrk nginx-light chromium
      libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
