import { Suspense, useState } from 'react';
import { I18nProvider, useI18n } from './i18n/i18n';
import { SessionProvider, useSession } from './session/session';
import { AboutProvider, useAbout } from './features/about/about-context';
import { AboutDialog } from './features/about/about-dialog';
import { Link, navigate, usePathname } from './router/router';
import { matchRoute, navRoutes } from './routes';
import { Loading } from './components/status';

function Header({ onAbout }: { onAbout(): void }) {
  const { t, locale, setLocale } = useI18n();
  const { user, can, logout } = useSession();
  const about = useAbout();
  const pathname = usePathname();
  const synthetic = about.data?.dataset?.synthetic ?? false;
  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <div className="brand">
        <Link to="/" className="brand-title">
          {t('app.title')}
        </Link>
        {about.data?.dataset && <span className="brand-province">{about.data.dataset.province ?? about.data.dataset.name}</span>}
        {synthetic && (
          <span className="badge synthetic" title={t('app.syntheticLong')} data-testid="synthetic-badge">
            {t('app.synthetic')}
          </span>
        )}
      </div>
      <nav aria-label={t('nav.main')} className="main-nav">
        <ul>
          {navRoutes(can).map((r) => (
            <li key={r.path}>
              <Link to={r.path + (r.path === '/' ? location.search : '')} aria-current={pathname === r.path ? 'page' : undefined}>
                {t(r.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="header-actions">
        <button type="button" onClick={onAbout}>
          {t('nav.about')}
        </button>
        <button type="button" onClick={() => setLocale(locale === 'vi' ? 'en' : 'vi')} lang={locale === 'vi' ? 'en' : 'vi'} aria-label={`${t('nav.language')}: ${t('nav.switchTo')}`} data-testid="language-switch">
          {t('nav.switchTo')}
        </button>
        {user ? (
          <>
            <span className="user" data-testid="current-user" title={`${user.displayName} · ${t(`role.${user.role}`)}`}>
              {user.username} · {t(`role.${user.role}`)}
            </span>
            <button
              type="button"
              onClick={() => {
                void logout().then(() => navigate('/'));
              }}
            >
              {t('nav.logout')}
            </button>
          </>
        ) : (
          <Link to={`/login?next=${encodeURIComponent(pathname)}`} className="button" data-testid="login-link">
            {t('nav.login')}
          </Link>
        )}
      </div>
    </header>
  );
}

function Main() {
  const { t } = useI18n();
  const { ready, can } = useSession();
  const pathname = usePathname();
  const route = matchRoute(pathname);
  if (!route) return <p className="status">{t('status.notFound')}</p>;
  // Open screens render at once; role screens wait for the session to say who this is.
  if (route.roles && !ready) return <Loading />;
  if (route.roles && !can(...route.roles)) return <p className="status">{t('status.forbidden')}</p>;
  const Screen = route.component;
  return (
    <Suspense fallback={<Loading />}>
      <Screen />
    </Suspense>
  );
}

function Shell() {
  const [aboutOpen, setAboutOpen] = useState(false);
  return (
    <div className="app">
      <Header onAbout={() => setAboutOpen(true)} />
      <main id="main" className="app-main">
        <Main />
      </main>
      <AboutDialog open={aboutOpen} onClose={() => setAboutOpen(false)} />
    </div>
  );
}

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <AboutProvider>
          <Shell />
        </AboutProvider>
      </SessionProvider>
    </I18nProvider>
  );
}
