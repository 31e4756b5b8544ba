import { useDeferredValue, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useAttributeKeys, useAttributeValues } from '../api/use-attribute-suggestions.js';

interface Props {
  service: string;
  value: string[];
  onChange(next: string[]): void;
}

/**
 * "key=value" filters as removable chips, plus a box that suggests keys until '=' is typed and then values of that
 * key (both from what the server has seen). Enter adds the filter.
 */
export function AttributeFilters({ service, value, onChange }: Props) {
  const [text, setText] = useState('');
  const typed = useDeferredValue(text);
  const eq = typed.indexOf('=');
  const key = eq < 0 ? typed : typed.slice(0, eq);
  const keys = useAttributeKeys(service || undefined, key, eq < 0);
  const values = useAttributeValues(key, service || undefined, eq < 0 ? '' : typed.slice(eq + 1), eq > 0);
  const options = eq < 0 ? (keys.data ?? []).map((k) => `${k}=`) : (values.data ?? []).map((v) => `${key}=${v}`);

  const add = () => {
    const t = text.trim();
    if (t.indexOf('=') <= 0 || value.includes(t)) return;
    onChange([...value, t]);
    setText('');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    add();
  };

  return (
    <div className="attr-filters">
      {value.map((a) => (
        <span key={a} className="chip">
          <code>{a}</code>
          <button type="button" aria-label={`Remove ${a}`} onClick={() => onChange(value.filter((x) => x !== a))}>
            ×
          </button>
        </span>
      ))}
      <input
        aria-label="Attribute filter"
        placeholder="key=value, Enter to add"
        list="attr-suggestions"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={add}
      />
      <datalist id="attr-suggestions">
        {options.slice(0, 50).map((o) => (
          <option key={o} value={o} />
        ))}
      </datalist>
    </div>
  );
}
