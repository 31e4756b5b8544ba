import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { createClient } from '@clickhouse/client';

/** How both ClickHouse stores reach the server: its HTTP URL and credentials (the server's `default` user when absent). */
export interface ClickHouseConnection {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

/**
 * The client both stores use: 64-bit integers arrive quoted (the default, said here because rows are parsed as such),
 * with `settings` on every query besides.
 */
export function clickHouseClient(c: ClickHouseConnection, settings: ClickHouseSettings = {}): ClickHouseClient {
  return createClient({
    url: c.url,
    username: c.username ?? 'default',
    password: c.password ?? '',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1, ...settings },
  });
}
