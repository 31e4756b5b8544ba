import type { LatencyBins } from '@clew/model';
import { DEFAULT_TENANT, EMPTY_LATENCY_BINS, StatusCode } from '@clew/model';
import type { SpanMetricsRow } from '../metrics-store.js';
import { BinsAccumulator } from './bins-accumulator.js';
import { BinsReader, decodeBins, encodeBins, encodeSummary } from './bins-codec.js';
import type { SeriesDictionary } from './series-dictionary.js';

/** One row of a span-metrics tier: a series (or service series) in one period, statuses added up. */
export interface SpanCell {
  t: number;
  id: number;
  count: number;
  errors: number;
  dur: number;
  /** Set while one row fed the cell (decoded or encoded); replaced by `acc` on the second. */
  bins: LatencyBins | null;
  text: string | null;
  acc: BinsAccumulator | null;
}

export const newCell = (t: number, id: number): SpanCell => ({ t, id, count: 0, errors: 0, dur: 0, bins: null, text: null, acc: null });

function toAccumulator(cell: SpanCell): BinsAccumulator {
  if (cell.acc) return cell.acc;
  const acc = (cell.acc = new BinsAccumulator());
  if (cell.bins) acc.addBins(cell.bins);
  if (cell.text !== null) acc.addEncoded(cell.text);
  cell.bins = null;
  cell.text = null;
  return acc;
}

/** Adds bins to a cell without building an accumulator for the common single-row cell. */
export function addCellBins(cell: SpanCell, bins: LatencyBins): void {
  if (!cell.acc && !cell.bins && cell.text === null) cell.bins = bins;
  else toAccumulator(cell).addBins(bins);
}

/** Adds `n` encoded bins, concatenated: one is kept as it is, more are decoded to be merged. */
export function addCellText(cell: SpanCell, text: string, n: number): void {
  if (n === 1 && !cell.acc && !cell.bins && cell.text === null) cell.text = text;
  else toAccumulator(cell).addFrom(new BinsReader(text), n);
}

export const cellBins = (cell: SpanCell): string =>
  cell.acc ? encodeBins(cell.acc.build()) : (cell.text ?? encodeBins(cell.bins ?? EMPTY_LATENCY_BINS));

/** A tier row's bins and its summary (the keys of its usual quantiles, see SUMMARY_QUANTILES). */
export function cellBinsAndSummary(cell: SpanCell): [bins: string, summary: string | null] {
  const bins = cell.acc ? cell.acc.build() : cell.text !== null ? decodeBins(cell.text) : (cell.bins ?? EMPTY_LATENCY_BINS);
  return [cell.text ?? encodeBins(bins), encodeSummary(bins)];
}

/**
 * A batch's span rows added up per (minute, series), and per (minute, service series), a series being one
 * tenant's (so tenants stay apart in every tier built from these cells): the statuses of one series
 * and minute share a row, and the service-level deltas let service queries read a row per service, not one per
 * operation, for the minutes not compacted yet.
 */
export function cellsOf(rows: readonly SpanMetricsRow[], dict: SeriesDictionary): { series: SpanCell[]; services: SpanCell[] } {
  const series = new Map<number, SpanCell>();
  const services = new Map<number, SpanCell>();
  const add = (cells: Map<number, SpanCell>, t: number, id: number, r: SpanMetricsRow): void => {
    // t < 2^31 and ids < 2^22 in any store this code will see; the key stays exact in a double.
    const key = t * 4_194_304 + id;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = newCell(t, id)));
    cell.count += r.count;
    if (r.status === StatusCode.ERROR) cell.errors += r.count;
    cell.dur += r.durationSumNanos;
    addCellBins(cell, r.latency);
  };
  for (const r of rows) {
    if (r.minute % 60_000 !== 0) throw new RangeError(`span metrics row minute ${r.minute} is not a whole minute`);
    const t = r.minute / 60_000;
    const sid = dict.idOf(r.tenant ?? DEFAULT_TENANT, r.service, r.operation, r.kind);
    add(series, t, sid, r);
    add(services, t, dict.series[sid]!.vid, r);
  }
  return { series: [...series.values()], services: [...services.values()] };
}
