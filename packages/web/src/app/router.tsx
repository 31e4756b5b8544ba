import { createBrowserRouter, Navigate } from 'react-router';
import { SearchPage } from '../search/search-page.js';
import { TracePage } from '../trace/trace-page.js';
import { Layout } from './layout.js';
import { NotFoundPage } from './not-found-page.js';

export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/search" replace /> },
      { path: 'search', element: <SearchPage /> },
      { path: 'trace/:id', element: <TracePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
