#!/bin/sh
":" //; exec node --max-semi-space-size=64 "$0" "$@"
// The line above is for sh, which runs this file when it is run as a command (`npx clew`, `clew` on PATH,
// `npm start`): it starts node on this file with a young generation of up to 2 × 64 MB instead of 2 × 16 MB. For
// node it is a string and a comment. A page of spans read for an export (its columns, the spans, the request encoded
// from them) outlived two scavenges of the smaller one and was copied into the old generation, some runs all along:
// the export route then spent 7.2 server CPU seconds per 500,000 spans instead of 5.0 (bench/export-import.js).
// Started as `node bin/clew.js`, Clew runs the same, with node's default heap.

// Long store queries run on libuv's pool; give file and network I/O room beside them. Must be set before any I/O.
process.env.UV_THREADPOOL_SIZE ??= '16';
await import('../dist/main.js');
