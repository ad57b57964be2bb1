import { useI18n } from '../../i18n/i18n';

export default function PlaceholderPage() {
  const { t } = useI18n();
  return (
    <section className="page">
      <p className="status muted">{t('status.notReady')}</p>
    </section>
  );
}
