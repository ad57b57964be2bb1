import { useEffect, useRef } from 'react';
import { useI18n } from '../../i18n/i18n';
import { useAbout } from './about-context';
import { Async } from '../../components/status';

/** Sources, licences and what the loaded dataset is (a modal dialog, Escape closes). */
export function AboutDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t, dateTime } = useI18n();
  const about = useAbout();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="about-title" onClose={onClose}>
      <h2 id="about-title">{t('about.title')}</h2>
      <Async resource={about}>
        {(data) => (
          <>
            <h3>{t('about.dataset')}</h3>
            {data.dataset ? (
              <dl className="facts">
                <dt>{t('panel.name')}</dt>
                <dd>
                  {data.dataset.province ?? data.dataset.name} ({data.dataset.name})
                </dd>
                {data.dataset.synthetic && (
                  <>
                    <dt>{t('app.synthetic')}</dt>
                    <dd className="synthetic-note">{t('app.syntheticLong')}</dd>
                  </>
                )}
                {data.dataset.seed !== null && (
                  <>
                    <dt>{t('about.seed')}</dt>
                    <dd>{String(data.dataset.seed)}</dd>
                  </>
                )}
                {data.dataset.loadedAt && (
                  <>
                    <dt>{t('about.loadedAt')}</dt>
                    <dd>{dateTime(data.dataset.loadedAt)}</dd>
                  </>
                )}
              </dl>
            ) : (
              <p className="muted">{t('status.empty')}</p>
            )}
            <h3>{t('about.sources')}</h3>
            <ul>
              {(data.dataset?.attribution ?? []).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
            {data.dataset && Object.keys(data.dataset.methods).length > 0 && (
              <details>
                <summary>{t('planner.parameters')}</summary>
                <dl className="facts small">
                  {Object.entries(data.dataset.methods).map(([k, v]) => (
                    <div key={k}>
                      <dt>{k}</dt>
                      <dd>{v}</dd>
                    </div>
                  ))}
                </dl>
              </details>
            )}
            <h3>{t('about.software')}</h3>
            <p>{t('about.softwareText')}</p>
          </>
        )}
      </Async>
      <form method="dialog">
        <button type="submit" className="primary">
          {t('about.close')}
        </button>
      </form>
    </dialog>
  );
}
