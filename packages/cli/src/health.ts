import { Command, InvalidArgumentError } from 'commander';
import { noAnswer } from './reach.js';

export const DEFAULT_HEALTH_URL = 'http://127.0.0.1:16686';

/** What `clew health` found: ok, or the one-line reason it is not. */
export interface HealthVerdict {
  readonly ok: boolean;
  readonly line: string;
}

/**
 * Asks a running Clew's `/health` (on its query port) whether it is up and its store readable. Never throws: an
 * unreachable server, a timeout or an answer that is not Clew's are verdicts too, each with its reason.
 * @example await checkHealth('http://127.0.0.1:16686', 5000) // { ok: true, line: 'ok: http://127.0.0.1:16686' }
 */
export async function checkHealth(baseUrl: string, timeoutMs: number): Promise<HealthVerdict> {
  const url = new URL('/health', baseUrl).toString();
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    return { ok: false, line: `${url}: ${unreachable(err, timeoutMs)}` };
  }
  const text = await res.text().catch(() => '');
  let body: { status?: unknown; reason?: unknown } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  if (res.status === 200 && body?.status === 'ok') return { ok: true, line: `ok: ${baseUrl}` };
  const reason = typeof body?.reason === 'string' ? body.reason : oneLine(text) || 'no reason given';
  return { ok: false, line: `${url} answered ${res.status}: ${reason}` };
}

function unreachable(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  return `cannot reach it (${noAnswer(err).detail})`;
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim().slice(0, 200);

/** `clew health [--url URL] [--timeout MS]`: exit 0 when Clew says ok, 1 with the reason on stderr otherwise. */
export function healthCommand(): Command {
  return new Command('health')
    .description('check a running Clew: exit 0 when its /health says ok and its store is readable, 1 with the reason otherwise')
    .option('--url <url>', "base URL of Clew's query port", DEFAULT_HEALTH_URL)
    .option('--timeout <ms>', 'how long to wait for the answer, in milliseconds', positiveInt, 5000)
    .action(async (flags: { url: string; timeout: number }) => {
      let base: URL;
      try {
        base = new URL(flags.url);
      } catch {
        console.error(`clew health: --url must be a URL such as ${DEFAULT_HEALTH_URL}, not "${flags.url}"`);
        process.exitCode = 1;
        return;
      }
      const verdict = await checkHealth(base.toString().replace(/\/$/, ''), flags.timeout);
      if (verdict.ok) {
        console.log(verdict.line);
      } else {
        console.error(`clew health: ${verdict.line}`);
        process.exitCode = 1;
      }
    });
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`--timeout must be a whole number of milliseconds, not "${v}"`);
  return n;
}
