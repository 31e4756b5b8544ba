import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** Reader connections, reused: each query runs on its own so queries proceed in parallel with appends. */
export class ConnectionPool {
  private readonly idle: DuckDBConnection[] = [];
  private readonly all = new Set<DuckDBConnection>();

  constructor(private readonly instance: DuckDBInstance) {}

  async use<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    let c = this.idle.pop();
    if (!c) {
      c = await this.instance.connect();
      this.all.add(c);
    }
    try {
      return await fn(c);
    } finally {
      this.idle.push(c);
    }
  }

  close(): void {
    for (const c of this.all) c.closeSync();
    this.all.clear();
    this.idle.length = 0;
  }
}
