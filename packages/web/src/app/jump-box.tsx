import { useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useServices } from '../api/use-services.js';
import { parseTraceIdInput } from './trace-id.js';

/**
 * One box for the two things people paste into a tracing UI: a trace id (opens the trace) or a service name
 * (searches it).
 */
export function JumpBox() {
  const [text, setText] = useState('');
  const navigate = useNavigate();
  const services = useServices();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = text.trim();
    if (!value) return;
    const traceId = parseTraceIdInput(value);
    navigate(traceId ? `/trace/${traceId}` : `/search?${new URLSearchParams({ service: value })}`);
    setText('');
  };

  return (
    <form className="jump" onSubmit={submit} role="search">
      <input
        aria-label="Trace id or service"
        placeholder="Paste a trace id, or type a service…"
        value={text}
        list="jump-services"
        onChange={(e) => setText(e.target.value)}
      />
      <datalist id="jump-services">
        {services.data?.map((s) => <option key={s} value={s} />)}
      </datalist>
    </form>
  );
}
