import type { LatencyBins } from '@clew/model';
import { StatusCode } from '@clew/model';
import type { SpanMetricsRow } from '../metrics-store.js';
import { BinsAccumulator } from './bins-accumulator.js';
import { encodeBins } from './bins-codec.js';
import type { SeriesDictionary } from './series-dictionary.js';

/** One row of a span-metrics tier: a series (or service series) in one period, statuses added up. */
export interface SpanCell {
  t: number;
  id: number;
  count: number;
  errors: number;
  dur: number;
  /** Set while one row fed the cell; replaced by `acc` on the second. */
  bins: LatencyBins | null;
  acc: BinsAccumulator | null;
}

export const newCell = (t: number, id: number): SpanCell => ({ t, id, count: 0, errors: 0, dur: 0, bins: null, acc: null });

/** Adds bins to a cell without building an accumulator for the common single-row cell. */
export function addCellBins(cell: SpanCell, bins: LatencyBins): void {
  if (cell.acc) cell.acc.addBins(bins);
  else if (cell.bins === null) cell.bins = bins;
  else {
    cell.acc = new BinsAccumulator();
    cell.acc.addBins(cell.bins);
    cell.acc.addBins(bins);
    cell.bins = null;
  }
}

export const cellBins = (cell: SpanCell): Uint8Array =>
  encodeBins(cell.acc ? cell.acc.build() : (cell.bins ?? { keys: [], counts: [], zeroCount: 0 }));

/** A batch's span rows added up per (minute, series): the statuses of one series and minute share a row. */
export function cellsOf(rows: readonly SpanMetricsRow[], dict: SeriesDictionary): SpanCell[] {
  const cells = new Map<number, SpanCell>();
  for (const r of rows) {
    if (r.minute % 60_000 !== 0) throw new RangeError(`span metrics row minute ${r.minute} is not a whole minute`);
    const t = r.minute / 60_000;
    const sid = dict.idOf(r.service, r.operation, r.kind);
    // t < 2^31 and sid < 2^21 in any store this code will see; the product stays exact in a double.
    const key = t * 4_194_304 + sid;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = newCell(t, sid)));
    cell.count += r.count;
    if (r.status === StatusCode.ERROR) cell.errors += r.count;
    cell.dur += r.durationSumNanos;
    addCellBins(cell, r.latency);
  }
  return [...cells.values()];
}
