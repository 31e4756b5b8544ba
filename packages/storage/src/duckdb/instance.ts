import { availableParallelism } from 'node:os';
import { DuckDBInstance } from './node-api.js';

/**
 * A DuckDB instance (`path`, or ':memory:') with its memory limit and worker threads: `threads` when given, else one
 * per core this process may run on. DuckDB's own default counts the machine's cores, so a process given fewer
 * (taskset, a container's cpuset) ran more DuckDB threads than it had cores, and a statement's thread waiting for the
 * others' tasks spins (bench/README.md, 2026-12-07), taking the core from the work it waits for.
 */
export function createInstance(path: string, opts: { readonly memoryLimit: string; readonly threads?: number }): Promise<DuckDBInstance> {
  return DuckDBInstance.create(path, { memory_limit: opts.memoryLimit, threads: String(opts.threads ?? availableParallelism()) });
}
