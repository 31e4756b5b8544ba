#!/bin/sh
":" //; exec node --max-semi-space-size=64 --initial-old-space-size=256 "$0" "$@"
// The line above is for sh, which runs this file when it is run as a command (`npx clew`, `clew` on PATH,
// `npm start`): it starts node on this file with a young generation of up to 2 × 64 MB instead of 2 × 16 MB. For
// node it is a string and a comment. A page of spans read for an export (its columns, the spans, the request encoded
// from them) outlived two scavenges of the smaller one and was copied into the old generation, some runs all along:
// the export route then spent 7.2 server CPU seconds per 500,000 spans instead of 5.0 (bench/export-import.js).
// And an old generation whose first limit is 256 MB: while the limit's headroom was smaller than that young
// generation, V8 kept starting to mark the whole heap, every 200–300 ms of an import (19 full collections in one,
// against 4–6 with this limit): `clew export -d` of protobuf took 0.75 of the time, a counted JSON import 0.92
// (bench/README.md, 2026-12-07).
// Started as `node bin/clew.js`, Clew runs the same, with node's default heap.

// Long store queries run on libuv's pool; give file and network I/O room beside them. Must be set before any I/O.
process.env.UV_THREADPOOL_SIZE ??= '16';
await import('../dist/main.js');
