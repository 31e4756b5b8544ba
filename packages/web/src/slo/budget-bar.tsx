import { formatFraction } from '../format/health.js';

/**
 * The error budget left as a bar: full and green when untouched, shrinking and turning amber then red as it is
 * spent; an overspent budget shows an empty red bar and a negative figure.
 */
export function BudgetBar({ remaining }: { remaining: number }) {
  const shown = Math.max(0, Math.min(1, remaining));
  const tone = remaining <= 0 ? 'spent' : remaining < 0.25 ? 'low' : 'ok';
  return (
    <div className={`budget ${tone}`} title={`${formatFraction(remaining)} of the error budget left`} data-testid="budget">
      <div className="budget-track">
        <div className="budget-fill" style={{ width: `${shown * 100}%` }} />
      </div>
      <span className="budget-text">{formatFraction(remaining)}</span>
    </div>
  );
}
