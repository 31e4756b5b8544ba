import { createBrowserRouter } from 'react-router';
import { Layout } from './layout.js';
import { NotFoundPage } from './not-found-page.js';
import { RouteError } from './route-error.js';

// Each page is its own chunk, so opening a shared trace link does not wait for the health pages' chart library.
export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      {
        // A page that cannot be shown (its code not loaded: Clew stopped) says so inside the layout, not React Router's page.
        errorElement: <RouteError />,
        children: [
          { index: true, lazy: async () => ({ Component: (await import('../health/services-page.js')).ServicesPage }) },
          { path: 'services', lazy: async () => ({ Component: (await import('../health/services-page.js')).ServicesPage }) },
          { path: 'services/:service', lazy: async () => ({ Component: (await import('../health/service-page.js')).ServicePage }) },
          { path: 'map', lazy: async () => ({ Component: (await import('../map/service-map-page.js')).ServiceMapPage }) },
          { path: 'slos', lazy: async () => ({ Component: (await import('../slo/slos-page.js')).SlosPage }) },
          { path: 'slos/:id', lazy: async () => ({ Component: (await import('../slo/slo-page.js')).SloPage }) },
          { path: 'search', lazy: async () => ({ Component: (await import('../search/search-page.js')).SearchPage }) },
          { path: 'critical-path', lazy: async () => ({ Component: (await import('../critical-path/critical-path-page.js')).CriticalPathPage }) },
          { path: 'archived', lazy: async () => ({ Component: (await import('../archive/archived-page.js')).ArchivedPage }) },
          { path: 'trace/:id', lazy: async () => ({ Component: (await import('../trace/trace-page.js')).TracePage }) },
          { path: 'compare/:pair', lazy: async () => ({ Component: (await import('../compare/compare-page.js')).ComparePage }) },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
