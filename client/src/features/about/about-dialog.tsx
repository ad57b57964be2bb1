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
                <div className="fact">
                  <dt>{t('panel.name')}</dt>
                  <dd>
                    {data.dataset.province ?? data.dataset.name} ({data.dataset.name})
                  </dd>
                </div>
                {data.dataset.synthetic && (
                  <div className="fact">
                    <dt>{t('app.synthetic')}</dt>
                    <dd className="synthetic-note">{t('app.syntheticLong')}</dd>
                  </div>
                )}
                {data.dataset.seed !== null && (
                  <div className="fact">
                    <dt>{t('about.seed')}</dt>
                    <dd>{String(data.dataset.seed)}</dd>
                  </div>
                )}
                {data.dataset.loadedAt && (
                  <div className="fact">
                    <dt>{t('about.loadedAt')}</dt>
                    <dd>{dateTime(data.dataset.loadedAt)}</dd>
                  </div>
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
                <summary>{t('about.methods')}</summary>
                <dl className="facts small">
                  {Object.entries(data.dataset.methods).map(([k, v]) => (
                    <div key={k} className="fact">
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
