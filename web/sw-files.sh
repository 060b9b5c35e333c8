#!/bin/sh
# Trunk post-build hook (Trunk.toml): write this build's version and the files the page loads
# into the service worker (public/sw.js), so that it caches exactly them and a rebuild replaces
# the cache. The samples are compiled into the wasm, kb.json is for wiki tooling, the embed
# example is a demo: none of them is cached.
set -eu
cd "$TRUNK_STAGING_DIR"
files=$(find . -type f ! -name sw.js ! -name kb.json ! -name embed-example.html ! -path './samples/*' | sed 's|^\./||' | LC_ALL=C sort)
version=$(cat $files | sha256sum | cut -c1-16)
list=$(printf "'%s', " $files)
sed -i "s|__WULENS_VERSION__|$version|; s|'__WULENS_FILES__'|${list%, }|" sw.js
