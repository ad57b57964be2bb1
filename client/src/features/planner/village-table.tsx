import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n';

/**
 * The planner's village tables (below target, what-if before/after): a
 * scrolling compact table whose first column is the village and the others
 * are numbers; the panels give the rows.
 */
export function VillageTable({ testId, numericColumns, children }: { testId: string; numericColumns: string[]; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="table-scroll">
      <table className="table compact" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t('planner.village')}</th>
            {numericColumns.map((label) => (
              <th key={label} scope="col" className="num">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
