#!/usr/bin/env node
// Long store queries run on libuv's pool; give file and network I/O room beside them. Must be set before any I/O.
process.env.UV_THREADPOOL_SIZE ??= '16';
await import('../dist/main.js');
