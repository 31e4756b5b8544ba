import { useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useSession } from '../api/use-session.js';
import { pickTenant, signOut } from './auth-actions.js';
import { promptStore } from './prompt-store.js';
import './auth.css';

/**
 * The header's "who am I": the tenant the UI reads (a picker for an admin token holding several) and sign out.
 * Nothing when Clew runs without auth.
 */
export function SessionMenu() {
  const session = useSession();
  const queries = useQueryClient();
  const pickerId = useId();
  const s = session.data;
  if (!s?.auth) return null;
  const canPick = s.scope === 'admin' && s.tenants.length > 1;
  return (
    <div className="session-menu" data-testid="session-menu">
      {canPick ? (
        <>
          <label htmlFor={pickerId} className="muted">
            Tenant
          </label>
          <select id={pickerId} value={s.tenant} onChange={(e) => void pickTenant(queries, e.target.value)}>
            {s.tenants.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </>
      ) : (
        <span className="tenant" title={`Tenant (token scope: ${s.scope ?? 'none'})`}>
          <span className="muted">Tenant</span> <strong data-testid="tenant">{s.tenant}</strong>
        </span>
      )}
      <button type="button" onClick={() => void signOut(promptStore, queries)}>
        Sign out
      </button>
    </div>
  );
}
