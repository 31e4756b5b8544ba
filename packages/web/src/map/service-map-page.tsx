import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { useServiceMap } from '../api/use-health.js';
import { useDocumentTitle } from '../app/use-document-title.js';
import { ApiErrorNotice } from '../components/api-error-notice.js';
import { Notice } from '../components/notice.js';
import { HealthControls } from '../health/health-controls.js';
import { RangeArchiveNote } from '../health/range-archive-note.js';
import { carriedView, HEALTH_WINDOWS, liveWindow } from '../health/health-view.js';
import { useHealthView } from '../health/use-health-view.js';
import { edgeSearchUrl } from './edge-search.js';
import { layoutMap } from './map-layout.js';
import { ServiceMap } from './service-map.js';

/** `/map`: who calls whom over the window, with each edge's rate, errors and p95. */
export function ServiceMapPage() {
  const [view, setView] = useHealthView();
  const map = useServiceMap(liveWindow(view));
  const navigate = useNavigate();
  useDocumentTitle('Service map');
  const layout = useMemo(() => (map.data ? layoutMap(map.data.nodes, map.data.edges) : undefined), [map.data]);
  const types = useMemo(() => new Map(map.data?.nodes.map((n) => [n.id, n.type]) ?? []), [map.data]);

  return (
    <div className="health-page map-page">
      <div className="health-head">
        <h2>Service map</h2>
        <span className="muted">calls between services over the last {view.window}</span>
        <div className="spacer" />
        <HealthControls view={view} onChange={setView} showSpanKind={false} fetching={map.isFetching} onRefresh={() => void map.refetch()} />
      </div>
      <RangeArchiveNote counted="The calls drawn here" />
      {map.isError ? (
        <ApiErrorNotice error={map.error} what="the service map" />
      ) : !map.data || !layout ? (
        <p className="muted loading" role="status">
          Loading the map…
        </p>
      ) : map.data.edges.length === 0 ? (
        <Notice title={`No calls between services in the last ${view.window}`}>
          <p>
            Edges appear when a client span meets the server span it called (or names a database or queue). Try a longer window, or see the <Link to={`/${carriedView(view)}`}>services</Link>.
          </p>
        </Notice>
      ) : (
        <>
          <MapLegend />
          <div className={`map-scroll${map.isFetching ? ' stale-soft' : ''}`}>
            <ServiceMap
              layout={layout}
              onNode={(n) => navigate(`/services/${encodeURIComponent(n.id)}${carriedView({ ...view, spanKind: 'server' })}`)}
              onEdge={(e) => navigate(edgeSearchUrl(e, types, HEALTH_WINDOWS[view.window]))}
            />
          </div>
        </>
      )}
    </div>
  );
}

function MapLegend() {
  return (
    <p className="map-legend muted">
      <span className="legend-shape service" /> service <span className="legend-shape database" /> database <span className="legend-shape messaging" /> queue{' '}
      <span className="legend-shape virtual" /> not instrumented · edge: calls, p95 of what the caller waited, errors (red at 1% and over) · click a service for its
      page, an edge for its traces
    </p>
  );
}
