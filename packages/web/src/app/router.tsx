import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './layout.js';
import { NotFoundPage } from './not-found-page.js';

// Each page is its own chunk, so opening a shared trace link does not wait for the search page's chart library.
export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/search" replace /> },
      { path: 'search', lazy: async () => ({ Component: (await import('../search/search-page.js')).SearchPage }) },
      { path: 'trace/:id', lazy: async () => ({ Component: (await import('../trace/trace-page.js')).TracePage }) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
