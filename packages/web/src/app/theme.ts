import { useCallback, useSyncExternalStore } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'clew.theme';
const media = () => window.matchMedia('(prefers-color-scheme: dark)');
const listeners = new Set<() => void>();

function readChoice(): ThemeChoice {
  const v = localStorage.getItem(STORAGE_KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

/** Applies the stored choice to <html data-theme>, which the stylesheet reads; call once before the first render. */
export function applyStoredTheme(): void {
  const choice = readChoice();
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  const m = media();
  m.addEventListener('change', onChange);
  return () => {
    listeners.delete(onChange);
    m.removeEventListener('change', onChange);
  };
}

function effectiveTheme(): Theme {
  const choice = readChoice();
  if (choice !== 'system') return choice;
  return media().matches ? 'dark' : 'light';
}

/**
 * The theme in effect (the user's pick, else the system's) and a toggle. Canvas drawing needs it in JS because
 * CSS light-dark() values are not readable as plain colours.
 */
export function useTheme(): { theme: Theme; toggle(): void } {
  const theme = useSyncExternalStore(subscribe, effectiveTheme);
  const toggle = useCallback(() => {
    localStorage.setItem(STORAGE_KEY, effectiveTheme() === 'dark' ? 'light' : 'dark');
    applyStoredTheme();
    for (const l of listeners) l();
  }, []);
  return { theme, toggle };
}
