import { useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { navigate } from '../../router/router';
import { ErrorMessage } from '../../components/status';
import type { ApiError } from '../../api/client';

export default function LoginPage() {
  const { t } = useI18n();
  const { login } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/');
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="page page-narrow">
      <h1>{t('login.title')}</h1>
      <form className="form" onSubmit={submit} aria-busy={busy}>
        <label htmlFor="login-username">{t('login.username')}</label>
        <input id="login-username" name="username" autoComplete="username" required maxLength={100} value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="login-password">{t('login.password')}</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" required maxLength={200} value={password} onChange={(e) => setPassword(e.target.value)} />
        {error && <ErrorMessage error={error} title={t('login.title')} />}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
      <p className="muted">{t('login.publicHint')}</p>
    </section>
  );
}
