import type { Span } from '@clew/model';
import type { ClewProcess } from '@clew/testing/clew-process';
import { waitForTrace } from '@clew/testing/clew-process';
import { postProto } from '@clew/testing/payloads';

/** Sends each trace over OTLP/HTTP protobuf and waits until the store holds all of its spans. */
export async function loadTraces(clew: ClewProcess, traces: readonly (readonly Span[])[]): Promise<void> {
  for (const spans of traces) {
    const res = await postProto(clew.otlpHttp, spans);
    if (res.status !== 200) throw new Error(`OTLP POST answered ${res.status}: ${await res.text()}`);
  }
  for (const spans of traces) await waitForTrace(clew.query, spans[0]!.traceId, spans.length);
}
