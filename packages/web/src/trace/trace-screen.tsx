import type { ApiTraceOutline } from '@clew/api';
import { useCallback, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { shortTraceId } from '../app/trace-id.js';
import { useDocumentTitle } from '../app/use-document-title.js';
import { ResizeHandle } from '../components/resize-handle.js';
import { useStoredNumber } from '../components/use-stored-number.js';
import { buildTraceView } from './build-trace-view.js';
import { SpanDetail } from './detail/span-detail.js';
import { nextError } from './errors.js';
import { FlameGraph } from './flame/flame-graph.js';
import { Minimap } from './minimap/minimap.js';
import { SpanSearchBox } from './search/span-search-box.js';
import { useSpanSearch } from './search/use-span-search.js';
import { StatsTable } from './stats/stats-table.js';
import type { TimeWindow } from './time-window.js';
import { rootLabel, TraceHeader } from './trace-header.js';
import { readTab, TraceTabs } from './trace-tabs.js';
import { useCollapsed } from './use-collapsed.js';
import { useSpanSelection } from './use-span-selection.js';
import { PatternsBanner } from './patterns/patterns-banner.js';
import { collapsedAncestors, visibleRows } from './visible-rows.js';
import { Waterfall } from './waterfall/waterfall.js';

/** The span detail panel's width in pixels, as the user last dragged it. */
const DETAIL_WIDTH_KEY = 'clew.spanDetail.width';
const DETAIL_WIDTH = { fallback: 440, min: 280, max: 1400 };
/** What the detail panel leaves the timeline at least, in pixels. */
const MIN_MAIN_PX = 320;

/** One loaded trace: header, tabs, and the timeline, flame graph or statistics, with the selected span's detail. */
export function TraceScreen({ outline }: { outline: ApiTraceOutline }) {
  const view = useMemo(() => {
    const v = buildTraceView(outline);
    performance.mark('clew:trace-analysed');
    return v;
  }, [outline]);
  const [params, setParams] = useSearchParams();
  const tab = readTab(params.get('view'));
  const [detailOpen, setDetailOpen] = useState(params.has('span'));
  const [timeWindow, setTimeWindow] = useState<TimeWindow>({ start: 0, end: view.durationNs });
  const [showCritical, setShowCritical] = useState(true);
  const [patternSpans, setPatternSpans] = useState<Uint8Array | undefined>();
  const [scrollRequest, setScrollRequest] = useState(0);
  const [detailWidth, setDetailWidth] = useStoredNumber(DETAIL_WIDTH_KEY, DETAIL_WIDTH.fallback, DETAIL_WIDTH.min, DETAIL_WIDTH.max);
  const body = useRef<HTMLDivElement>(null);
  const folds = useCollapsed();
  const rows = useMemo(() => visibleRows(view, folds.collapsed), [view, folds.collapsed]);
  const search = useSpanSearch(view);
  useDocumentTitle(`${rootLabel(view) ?? 'Empty trace'} · ${shortTraceId(view.outline.traceId)}`);

  /** Unfolds what hides `span`, selects it and scrolls to it. */
  const reveal = (span: number) => {
    folds.reveal(collapsedAncestors(view, span, folds.collapsed));
    setSelected(span);
    setDetailOpen(true);
    setScrollRequest((n) => n + 1);
  };
  const [selected, setSelected] = useSpanSelection(view, reveal);
  const select = useCallback(
    (span: number) => {
      setSelected(span);
      setDetailOpen(true);
    },
    [setSelected],
  );
  const setTab = (next: string) => {
    const p = new URLSearchParams(params);
    if (next === 'timeline') p.delete('view');
    else p.set('view', next);
    setParams(p);
  };
  const jumpToError = () => {
    const span = nextError(view, selected);
    if (span === undefined) return;
    if (tab === 'stats') setTab('timeline');
    reveal(span);
  };
  const dragDetail = (clientX: number) => {
    const r = body.current!.getBoundingClientRect();
    setDetailWidth(Math.min(r.right - clientX, r.width - MIN_MAIN_PX));
  };
  const zoomed = timeWindow.start > 0 || timeWindow.end < view.durationNs;
  const showDetail = detailOpen && selected !== undefined;

  return (
    <div className="trace-page">
      <TraceHeader view={view} onErrors={jumpToError} />
      <PatternsBanner
        view={view}
        highlighted={patternSpans}
        onHighlight={(flags, first) => {
          setPatternSpans(flags);
          if (first === undefined) return;
          if (tab !== 'timeline') setTab('timeline');
          reveal(first);
        }}
      />
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
      <div className="trace-body" ref={body} style={showDetail ? { gridTemplateColumns: `minmax(0, 1fr) ${detailWidth}px` } : undefined}>
        <div className="trace-main">
          {tab === 'timeline' && (
            <>
              <Minimap view={view} window={timeWindow} onWindow={setTimeWindow} />
              <Waterfall
                view={view}
                rows={rows}
                window={timeWindow}
                collapsed={folds.collapsed}
                matches={patternSpans ?? search.flags}
                selected={selected}
                scrollRequest={scrollRequest}
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
        {showDetail && (
          <>
            <ResizeHandle label="span detail" value={detailWidth} step={20} onDrag={dragDetail} onStep={(d) => setDetailWidth(detailWidth - d)} style={{ right: detailWidth - 3 }} />
            <SpanDetail view={view} span={selected} onClose={() => setDetailOpen(false)} />
          </>
        )}
      </div>
    </div>
  );
}
