import type { ReactNode } from 'react';

/** A centred box for empty and error states. */
export function Notice({ title, tone = 'info', children }: { title: string; tone?: 'info' | 'error'; children?: ReactNode }) {
  return (
    <section className={`notice ${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
