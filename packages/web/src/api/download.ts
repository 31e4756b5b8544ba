import { apiFetch } from './api-fetch.js';
import { storedToken } from './credentials.js';

/**
 * Saves what `url` answers as the file `filename`. A plain `<a download>` cannot send the token, so with one kept the
 * file is fetched with it and saved from a blob; without one the link is left to the browser. Call from the link's
 * onClick; answers whether it took over (then the click's default is prevented).
 */
export function downloadWithCredentials(url: string, filename: string, onError: (message: string) => void): boolean {
  if (storedToken() === null) return false;
  void (async () => {
    try {
      const res = await apiFetch(url);
      if (!res.ok) return onError(`The download failed: HTTP ${res.status}.`);
      const href = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = href;
      a.download = filename;
      a.click();
      // The click has handed the blob to the download manager; a moment later it can go.
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch {
      onError('The download failed: Clew could not be reached.');
    }
  })();
  return true;
}
