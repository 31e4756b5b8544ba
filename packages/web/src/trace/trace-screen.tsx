import type { ApiTraceOutline } from '@clew/api';
import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { buildTraceView } from './build-trace-view.js';
import { SpanDetail } from './detail/span-detail.js';
import { FlameGraph } from './flame/flame-graph.js';
import { Minimap } from './minimap/minimap.js';
import { SpanSearchBox } from './search/span-search-box.js';
import { useSpanSearch } from './search/use-span-search.js';
import { StatsTable } from './stats/stats-table.js';
import type { TimeWindow } from './time-window.js';
import { TraceHeader } from './trace-header.js';
import { readTab, TraceTabs } from './trace-tabs.js';
import { useCollapsed } from './use-collapsed.js';
import { collapsedAncestors, visibleRows } from './visible-rows.js';
import { Waterfall } from './waterfall/waterfall.js';

/** One loaded trace: header, tabs, and the timeline, flame graph or statistics, with the selected span's detail. */
export function TraceScreen({ outline }: { outline: ApiTraceOutline }) {
  const view = useMemo(() => {
    const v = buildTraceView(outline);
    performance.mark('clew:trace-analysed');
    return v;
  }, [outline]);
  const [params, setParams] = useSearchParams();
  const tab = readTab(params.get('view'));
  const [selected, setSelected] = useState<number | undefined>(() => {
    const i = view.timed.findIndex((s) => s.spanId === params.get('span'));
    return i >= 0 ? i : undefined;
  });
  const [detailOpen, setDetailOpen] = useState(selected !== undefined);
  const [timeWindow, setTimeWindow] = useState<TimeWindow>({ start: 0, end: view.durationNs });
  const [showCritical, setShowCritical] = useState(true);
  const folds = useCollapsed();
  const rows = useMemo(() => visibleRows(view, folds.collapsed), [view, folds.collapsed]);
  const search = useSpanSearch(view);

  const select = useCallback((span: number) => {
    setSelected(span);
    setDetailOpen(true);
  }, []);
  const reveal = (span: number) => {
    folds.reveal(collapsedAncestors(view, span, folds.collapsed));
    select(span);
  };
  const setTab = (next: string) => {
    const p = new URLSearchParams(params);
    if (next === 'timeline') p.delete('view');
    else p.set('view', next);
    setParams(p);
  };
  const zoomed = timeWindow.start > 0 || timeWindow.end < view.durationNs;

  return (
    <div className="trace-page">
      <TraceHeader view={view} />
      <div className="trace-toolbar">
        <TraceTabs tab={tab} onTab={setTab} />
        {tab === 'timeline' && (
          <>
            <SpanSearchBox
              text={search.text}
              onText={search.setText}
              count={search.count}
              current={search.cursor}
              onStep={(d) => {
                const span = search.step(d);
                if (span !== undefined) reveal(span);
              }}
            />
            <label className="toggle">
              <input type="checkbox" checked={showCritical} onChange={(e) => setShowCritical(e.target.checked)} /> Critical path
            </label>
            <button type="button" onClick={folds.expandAll} disabled={folds.collapsed.size === 0}>Expand all</button>
            {zoomed && <button type="button" onClick={() => setTimeWindow({ start: 0, end: view.durationNs })}>Reset zoom</button>}
          </>
        )}
      </div>
      <div className={`trace-body${detailOpen && selected !== undefined ? ' with-detail' : ''}`}>
        <div className="trace-main">
          {tab === 'timeline' && (
            <>
              <Minimap view={view} window={timeWindow} onWindow={setTimeWindow} />
              <Waterfall
                view={view}
                rows={rows}
                window={timeWindow}
                collapsed={folds.collapsed}
                matches={search.flags}
                selected={selected}
                showCritical={showCritical}
                onSelect={select}
                onToggle={folds.toggle}
                onFold={folds.set}
                onOpen={select}
              />
            </>
          )}
          {tab === 'flame' && <FlameGraph view={view} selected={selected} onSelect={select} />}
          {tab === 'stats' && <StatsTable view={view} />}
        </div>
        {detailOpen && selected !== undefined && <SpanDetail view={view} span={selected} onClose={() => setDetailOpen(false)} />}
      </div>
    </div>
  );
}
