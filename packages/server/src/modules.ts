/** A running role: what it offers to the modules that depend on it, and how to stop it. */
export interface Running<T = unknown> {
  readonly value: T;
  stop(): Promise<void>;
}

export interface ModuleDef<Ctx> {
  /**
   * The modules this one needs, started first. A name ending in `?` is optional: used when the process runs it
   * anyway (it is started first then), never started for this module's sake; `get('name?')` is undefined without it.
   */
  readonly deps: readonly string[];
  start(ctx: Ctx, get: <T>(name: string) => T): Promise<Running>;
}

/** Started modules, stopped in reverse start order, each once (stop() answers every call with the same promise). */
export interface StartedModules {
  get<T>(name: string): T;
  stop(): Promise<void>;
}

/**
 * Starts `targets` and everything they depend on, each after its dependencies (an explicit dependency map, so a
 * single process runs every role and a split deployment runs a subset). A failure stops what had started.
 */
export async function startModules<Ctx>(
  defs: Readonly<Record<string, ModuleDef<Ctx>>>,
  targets: readonly string[],
  ctx: Ctx,
  onStarted?: (name: string) => void,
): Promise<StartedModules> {
  // What runs: the targets and their required dependencies, transitively.
  const runs = new Set<string>();
  const need = (name: string) => {
    if (runs.has(name)) return;
    const def = defs[name];
    if (!def) throw new Error(`unknown module "${name}"`);
    runs.add(name);
    for (const d of def.deps) if (!d.endsWith('?')) need(d);
  };
  for (const t of targets) need(t);
  // In what order: each after everything it depends on that runs, optional dependencies included.
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (order.includes(name)) return;
    if (path.includes(name)) throw new Error(`module dependency cycle: ${[...path, name].join(' -> ')}`);
    for (const d of defs[name]!.deps) {
      const dep = d.endsWith('?') ? d.slice(0, -1) : d;
      if (runs.has(dep)) visit(dep, [...path, name]);
    }
    order.push(name);
  };
  for (const t of targets) visit(t, []);

  const running = new Map<string, Running>();
  const get = <T>(name: string): T => {
    if (name.endsWith('?')) return running.get(name.slice(0, -1))?.value as T;
    const r = running.get(name);
    if (!r) throw new Error(`module "${name}" is not running`);
    return r.value as T;
  };
  // Every module gets its stop called once, even when one before it throws: a receiver that fails to close must
  // not keep the pipeline from flushing or the store from closing. The first error is rethrown at the end.
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const name of [...running.keys()].reverse()) {
      const started = running.get(name)!;
      running.delete(name);
      try {
        await started.stop();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  };
  try {
    for (const name of order) {
      running.set(name, await defs[name]!.start(ctx, get));
      onStarted?.(name);
    }
  } catch (err) {
    // The start failure is what the caller must see (a port in use, a bad setting), not a failure to stop.
    await stopAll().catch(() => undefined);
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    get,
    stop: () => (stopping ??= stopAll()),
  };
}
