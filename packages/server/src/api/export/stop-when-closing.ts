import type { FastifyInstance } from 'fastify';

/**
 * Long answers (an export, a range archive) that stop when the app closes (its preClose hook), rather than hold the stop
 * or go on reading stores being closed: `start()` gives an answer's controller, aborted then with `reason()`, and
 * `done(stop)` forgets it once its answer has ended.
 */
export function stopsWhenClosing(app: FastifyInstance, reason: () => Error): { start(): AbortController; done(stop: AbortController): void } {
  const underWay = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const stop of underWay) stop.abort(reason());
  });
  return {
    start() {
      const stop = new AbortController();
      underWay.add(stop);
      return stop;
    },
    done: (stop) => void underWay.delete(stop),
  };
}
