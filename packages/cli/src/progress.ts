/** What a long copy reports as it goes. */
export interface ProgressState {
  readonly spans: number;
  /** Bytes of the input done and in all, for the percentage and the ETA (an import); total 0 when unknown. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Spans in all, for the percentage and the ETA when there are no bytes to go by (an export, an archive). */
  readonly spansTotal?: number | undefined;
}

/**
 * Progress of an import or export on stderr: a bar redrawn in place (spans/s, percent by bytes, ETA) when stderr is
 * a terminal, a plain line every `intervalMs` otherwise (logs and CI keep every line readable).
 */
export class Progress {
  private readonly started = Date.now();
  private last = Date.now();
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly intervalMs = out.isTTY ? 200 : 5000,
  ) {}

  update(s: ProgressState): void {
    const now = Date.now();
    if (now - this.last < this.intervalMs) return;
    this.last = now;
    this.write(s, now);
  }

  /** The last figures, and the bar's line ended so the summary starts on its own line. */
  done(s: ProgressState): void {
    this.write(s, Date.now());
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }

  private write(s: ProgressState, now: number): void {
    // A terminal that reports no width (0, as some do) gets the usual 80 columns.
    const line = progressLine(this.label, s, (now - this.started) / 1000, this.out.isTTY ? (this.out.columns || 80) : 0);
    if (this.out.isTTY) {
      this.out.write(`\r${line}\x1b[K`);
      this.drawn = true;
    } else this.out.write(line + '\n');
  }
}

/**
 * One progress report: with `width` > 0 a bar filling it, e.g.
 * `import spans.jsonl [########------]  57%  412,000 spans  98,100 spans/s  ETA 3s`.
 */
export function progressLine(label: string, s: ProgressState, seconds: number, width = 0): string {
  const rate = seconds > 0 ? s.spans / seconds : 0;
  const fraction = s.bytesTotal > 0 ? Math.min(1, s.bytesDone / s.bytesTotal) : s.spansTotal ? Math.min(1, s.spans / s.spansTotal) : undefined;
  const parts = [`${count(s.spans)} spans`, `${count(Math.round(rate))} spans/s`];
  if (fraction !== undefined) {
    parts.unshift(`${Math.floor(fraction * 100).toString().padStart(3)}%`);
    const rest = fraction > 0 ? (seconds / fraction) * (1 - fraction) : undefined;
    parts.push(`ETA ${rest === undefined ? '?' : duration(rest)}`);
  }
  const text = parts.join('  ');
  if (width <= 0 || fraction === undefined) return `${label}  ${text}`;
  // One column short of the width: a line filling it would wrap on some terminals.
  const barWidth = Math.max(10, width - label.length - text.length - 5);
  // Rounded down as the percent is: full only when done, not at 97% of a narrow bar.
  const filled = Math.floor(fraction * barWidth);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${text}`;
}

const count = (n: number): string => n.toLocaleString('en-US');

function duration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
