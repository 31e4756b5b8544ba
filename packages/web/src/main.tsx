import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { matchPath } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { isApiError } from './api/api-error.js';
import { traceQuery } from './api/use-trace.js';
import { router } from './app/router.js';
import { TokenPrompt } from './auth/token-prompt.js';
import { applyStoredTheme } from './app/theme.js';
import { parseTraceIdInput } from './app/trace-id.js';
import 'uplot/dist/uPlot.min.css';
import './styles.css';

applyStoredTheme();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // A 4xx will not change by asking again; an unreachable server might come back.
      retry: (count, error) => count < 2 && !(isApiError(error) && error.kind === 'response'),
    },
  },
});

// A shared trace link is the slowest page to open: ask for the trace now, while React sets up the first render.
const tracePage = matchPath('/trace/:id', window.location.pathname);
const traceId = tracePage?.params.id && parseTraceIdInput(tracePage.params.id);
if (traceId) void queryClient.prefetchQuery(traceQuery(traceId));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      <TokenPrompt />
    </QueryClientProvider>
  </StrictMode>,
);
