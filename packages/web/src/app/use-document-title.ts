import { useEffect } from 'react';

/** Names the browser tab after what the page shows ("… — Clew"), and gives it back to "Clew" when the page goes. */
export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} — Clew` : 'Clew';
    return () => {
      document.title = 'Clew';
    };
  }, [title]);
}
