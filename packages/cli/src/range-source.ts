import type { UnixNanos } from '@clew/model';
import { nowNanos } from '@clew/model';
import type { Command } from 'commander';
import { parseTime } from './export-time.js';
import { tenantArg } from './token.js';

/** The flags `clew export` and `clew archive` share: where spans are read (a running Clew or a data directory) and the range. */
export interface RangeSourceFlags {
  url?: string;
  dataDir?: string;
  token?: string;
  tenant?: string;
  from: string;
  to: string;
}

/** Adds --url, -d, --token, --tenant, --from and --to to `cmd`. */
export function rangeSourceOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', "a running Clew's query port, e.g. http://127.0.0.1:16686")
    .option('-d, --data-dir <dir>', "a Clew's data directory, read directly (no Clew may be running on it)")
    .option('--token <token>', 'the token when auth is on (default $CLEW_TOKEN)')
    .option('--tenant <name>', 'the tenant to read: with -d, or with an admin token (X-Scope-OrgID)', tenantArg)
    .option('--from <time>', 'start of the range, included: RFC 3339, a date, or before now (-24h)', '-24h')
    .option('--to <time>', 'end of the range, excluded: RFC 3339, a date, now, or before now (-1h)', 'now');
}

/** The range the flags give, or what is wrong with them (one of --url and -d, and times parseTime reads). */
export function parseRangeSource(flags: RangeSourceFlags): { start: UnixNanos; end: UnixNanos } | { error: string } {
  if ((flags.url === undefined) === (flags.dataDir === undefined)) return { error: 'give one of --url (a running Clew) or -d (a data directory)' };
  const badUrl = flags.url !== undefined ? urlError(flags.url) : undefined;
  if (badUrl) return { error: badUrl };
  const now = nowNanos();
  let range: { start: UnixNanos; end: UnixNanos };
  try {
    range = { start: parseTime(flags.from, now), end: parseTime(flags.to, now) };
  } catch (e) {
    return { error: (e as Error).message };
  }
  // The range holds what starts at --from or after and before --to: the other way round it holds nothing.
  if (range.end <= range.start) return { error: `--to (${flags.to}) is not after --from (${flags.from}): the range holds nothing` };
  return range;
}

/** Why `--url` is no Clew's address (a host and port without http://, say), or undefined when it is one. */
export function urlError(url: string): string | undefined {
  return /^https?:\/\/[^/]/i.test(url) && URL.canParse(url) ? undefined : `--url must be a Clew's query port as a URL, such as http://127.0.0.1:16686, not "${url}"`;
}

/**
 * What to say when a range gave no span, so that an empty file or archive is not taken for a failure unseen: whose
 * spans were looked for, where, and what else narrowed them.
 * @example nothingFound('export', { dataDir: 'data', from: '2026-11-02', to: '2026-11-03' }, { service: 'cart' })
 */
export function nothingFound(verb: string, flags: RangeSourceFlags, narrowed: { service?: string | undefined; query?: string | undefined } = {}): string {
  const whose = flags.tenant !== undefined ? `tenant ${flags.tenant}` : flags.url !== undefined && (flags.token ?? process.env.CLEW_TOKEN) !== undefined ? "the token's tenant" : 'the default tenant';
  const of = narrowed.service !== undefined ? ` in a trace of service "${narrowed.service}"` : narrowed.query !== undefined ? ' in a trace matching the query' : '';
  return `nothing to ${verb}: ${whose} has no span starting from ${flags.from} until ${flags.to}${of} (in ${flags.url ?? flags.dataDir})\n`;
}

/** The headers of a request to a running Clew: the token, and the tenant asked for (X-Scope-OrgID). */
export function sourceHeaders(source: { token?: string | undefined; tenant?: string | undefined }): Record<string, string> {
  return {
    ...(source.token !== undefined && { authorization: `Bearer ${source.token}` }),
    ...(source.tenant !== undefined && { 'x-scope-orgid': source.tenant }),
  };
}
