// Sends pre-encoded request bodies to a benchmarked server over several connections, retrying on 503 as clients
// do, then waits until the store holds every span. Returns wall and server-CPU seconds for both moments.

/**
 * @param server from startServer()
 * @param bodies request bodies, sent once each
 * @param opts { url, contentType, okStatus, concurrency, spans, settled?, headers? }: `settled(server)` says when every
 *   span has been dealt with (by default, when the store has written them all); `headers` go with every request
 */
export async function sendLoad(server, bodies, { url, contentType, okStatus, concurrency, spans, settled, headers = {} }) {
  const cpu0 = server.cpuSeconds();
  const t0 = performance.now();
  let next = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        for (;;) {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
          await res.arrayBuffer();
          if (res.status === okStatus) break;
          if (res.status !== 503) throw new Error(`unexpected status ${res.status}`);
          refused++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }),
  );
  const ackSeconds = (performance.now() - t0) / 1000;
  const ackCpu = server.cpuSeconds() - cpu0;
  const done = settled ?? (async () => (await server.metric('clew_store_spans_written_total')) >= spans);
  while (!(await done(server))) await new Promise((r) => setTimeout(r, 50));
  return {
    refused,
    ackSeconds,
    ackCpu,
    storeSeconds: (performance.now() - t0) / 1000,
    storeCpu: server.cpuSeconds() - cpu0,
  };
}
