import type { ApiKeyValue } from '@clew/api';
import { AttributeKey, LongValue } from './long-value.js';
import { valueText } from './value-text.js';

/**
 * Attributes as key, value and OTLP type (so an int64 "200" is not mistaken for the string "200"); long values wrap
 * at URL and query separators and fold.
 */
export function AttributeTable({ attributes, label }: { attributes: readonly ApiKeyValue[]; label: string }) {
  if (attributes.length === 0) return <p className="muted">none</p>;
  return (
    <table className="attrs" aria-label={label}>
      <tbody>
        {attributes.map((a, i) => (
          <tr key={i}>
            <th scope="row">
              <AttributeKey name={a.key} />
            </th>
            <td className={`value ${a.type}`}>
              <LongValue text={valueText(a)} />
            </td>
            <td className="type">{a.type}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
