import { describe, expect, it } from 'vitest';
import type { ModuleDef } from './modules.js';
import { startModules } from './modules.js';

type DepMap = Readonly<Record<string, readonly string[]>>;

interface Faults {
  /** Modules whose start throws. */
  readonly failStart?: readonly string[];
  /** Modules whose stop throws. */
  readonly failStop?: readonly string[];
}

/**
 * Modules for a dependency map that write what they do into `events`. Each module's value is its name and the
 * values of its dependencies (read with `get` while starting), so the values show who saw which instance.
 */
function fakeModules(map: DepMap, faults: Faults = {}) {
  const events: string[] = [];
  const defs: Record<string, ModuleDef<null>> = {};
  for (const [name, deps] of Object.entries(map)) {
    defs[name] = {
      deps,
      async start(_ctx, get) {
        events.push(`start ${name}`);
        if (faults.failStart?.includes(name)) throw new Error(`${name} could not start`);
        const value = { name, deps: deps.map((d) => get(d)) };
        return {
          value,
          async stop() {
            events.push(`stop ${name}`);
            if (faults.failStop?.includes(name)) throw new Error(`${name} could not stop`);
          },
        };
      },
    };
  }
  return { defs, events };
}

const starts = (events: readonly string[]) => events.filter((e) => e.startsWith('start ')).map((e) => e.slice(6));
const stops = (events: readonly string[]) => events.filter((e) => e.startsWith('stop ')).map((e) => e.slice(5));

// Shaped like serve.ts's map:
//
//   store ◄── wal ◄──┬── pipeline ◄── otlp-http
//     ▲              │       ▲
//     ├──────────────┘       │
//     │     catalog ◄────────┤
//     │        ▲             │
//     └────────┴──── query   └── zipkin (also store, catalog)
//
//   retention ──► store
const SERVE: DepMap = {
  store: [],
  wal: ['store'],
  catalog: [],
  pipeline: ['store', 'wal', 'catalog'],
  'otlp-http': ['pipeline'],
  zipkin: ['pipeline', 'store', 'catalog'],
  query: ['store', 'wal', 'catalog'],
  retention: ['store'],
};

describe('startModules: order', () => {
  it.each<[string, DepMap, string[], string[]]>([
    ['a chain', { a: [], b: ['a'], c: ['b'] }, ['c'], ['a', 'b', 'c']],
    ['dependencies in the order they are listed', { x: ['c', 'a', 'b'], a: [], b: [], c: [] }, ['x'], ['c', 'a', 'b', 'x']],
    ['independent targets in the order given', { a: [], b: [] }, ['b', 'a'], ['b', 'a']],
    ['only what the targets need', { a: [], b: ['a'], unused: [] }, ['b'], ['a', 'b']],
    ['a target that another target needs, once', { a: [], b: ['a'] }, ['a', 'b', 'a'], ['a', 'b']],
    ['serve’s map, every role', SERVE, ['otlp-http', 'zipkin', 'query', 'retention'], ['store', 'wal', 'catalog', 'pipeline', 'otlp-http', 'zipkin', 'query', 'retention']],
    ['serve’s map, the query role alone', SERVE, ['query'], ['store', 'wal', 'catalog', 'query']],
    ['an optional dependency that does not run is not started', { a: [], b: ['a?'] }, ['b'], ['b']],
    ['an optional dependency that runs is started first', { a: [], b: ['a?'] }, ['b', 'a'], ['a', 'b']],
    ['an optional dependency needed by another target', { a: [], b: ['a?'], c: ['a'] }, ['b', 'c'], ['a', 'b', 'c']],
  ])('%s', async (_name, map, targets, expected) => {
    const { defs, events } = fakeModules(map);
    const started: string[] = [];
    await startModules(defs, targets, null, (name) => started.push(name));
    expect(starts(events)).toEqual(expected);
    expect(started).toEqual(expected);
  });

  it('starts a module once however many depend on it, and every dependent gets that instance', async () => {
    const { defs, events } = fakeModules(SERVE);
    const modules = await startModules(defs, ['otlp-http', 'zipkin', 'query', 'retention'], null);
    expect(starts(events).filter((n) => n === 'store')).toEqual(['store']);
    const store = modules.get('store');
    for (const dependent of ['wal', 'pipeline', 'zipkin', 'query', 'retention']) {
      expect(modules.get<{ deps: unknown[] }>(dependent).deps).toContain(store);
    }
  });

  it("get('name?') is the optional module's value when it runs, else undefined", async () => {
    const { defs } = fakeModules({ a: [], b: ['a?'], c: ['z?'], z: [] });
    const modules = await startModules(defs, ['a', 'b', 'c'], null);
    expect(modules.get<{ deps: unknown[] }>('b').deps).toEqual([modules.get('a')]);
    expect(modules.get<{ deps: unknown[] }>('c').deps).toEqual([undefined]);
  });

  it('get names a module that is not running', async () => {
    const { defs } = fakeModules({ a: [] });
    const modules = await startModules(defs, ['a'], null);
    expect(() => modules.get('b')).toThrow('module "b" is not running');
  });
});

describe('startModules: a map it cannot start', () => {
  it.each<[string, DepMap, string[], string]>([
    ['a module that needs itself', { a: ['a'] }, ['a'], 'module dependency cycle: a -> a'],
    ['two modules that need each other', { a: ['b'], b: ['a'] }, ['a'], 'module dependency cycle: a -> b -> a'],
    ['a cycle below the target', { top: ['a'], a: ['b'], b: ['c'], c: ['a'] }, ['top'], 'module dependency cycle: top -> a -> b -> c -> a'],
    ['an unknown dependency', { a: [], b: ['a', 'ghost'] }, ['b'], 'unknown module "ghost"'],
    ['an unknown target', { a: [] }, ['a', 'nope'], 'unknown module "nope"'],
  ])('%s is an error naming it, and nothing starts', async (_name, map, targets, message) => {
    const { defs, events } = fakeModules(map);
    await expect(startModules(defs, targets, null)).rejects.toThrow(message);
    expect(events).toEqual([]);
  });
});

describe('startModules: a failure while starting', () => {
  it('stops what had started, in reverse order, and rethrows the failure', async () => {
    const { defs, events } = fakeModules({ a: [], b: ['a'], c: ['b'], d: ['c'] }, { failStart: ['c'] });
    const failure = await startModules(defs, ['d'], null).catch((err: unknown) => err);
    expect(failure).toEqual(new Error('c could not start'));
    expect(events).toEqual(['start a', 'start b', 'start c', 'stop b', 'stop a']);
  });

  it('rethrows the start failure, not a stop failure, and still stops the rest', async () => {
    const { defs, events } = fakeModules({ a: [], b: ['a'], c: ['b'] }, { failStart: ['c'], failStop: ['b'] });
    const failure = await startModules(defs, ['c'], null).catch((err: unknown) => err);
    expect(failure).toEqual(new Error('c could not start'));
    expect(stops(events)).toEqual(['b', 'a']);
  });
});

describe('StartedModules.stop', () => {
  const CHAIN: DepMap = { a: [], b: ['a'], c: ['b'], d: [] };

  it('stops in reverse start order, and only once', async () => {
    const { defs, events } = fakeModules(CHAIN);
    const modules = await startModules(defs, ['c', 'd'], null);
    await modules.stop();
    await modules.stop();
    expect(stops(events)).toEqual(['d', 'c', 'b', 'a']);
    expect(() => modules.get('a')).toThrow('module "a" is not running');
  });

  it('stops each module once when stop is called again before it is done', async () => {
    const { defs, events } = fakeModules(CHAIN);
    const modules = await startModules(defs, ['c', 'd'], null);
    await Promise.all([modules.stop(), modules.stop()]);
    expect(stops(events)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('goes on stopping the modules started before one whose stop throws, then rethrows that error', async () => {
    const { defs, events } = fakeModules(CHAIN, { failStop: ['b'] });
    const modules = await startModules(defs, ['c', 'd'], null);
    await expect(modules.stop()).rejects.toThrow('b could not stop');
    expect(stops(events)).toEqual(['d', 'c', 'b', 'a']);
    // A second stop does not stop anything again; it answers as the first did.
    await expect(modules.stop()).rejects.toThrow('b could not stop');
    expect(stops(events)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('rethrows the first error when several stops throw', async () => {
    const { defs, events } = fakeModules(CHAIN, { failStop: ['c', 'a'] });
    const modules = await startModules(defs, ['c', 'd'], null);
    await expect(modules.stop()).rejects.toThrow('c could not stop');
    expect(stops(events)).toEqual(['d', 'c', 'b', 'a']);
  });
});
