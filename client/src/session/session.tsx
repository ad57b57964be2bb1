import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { CurrentUser, Session } from '@registry/shared/schemas/auth';
import type { Role } from '@registry/shared/enums';
import { api, setCsrfToken, type ApiError } from '../api/client';
import { takePrefetched } from '../api/prefetch';

export interface SessionState {
  user: CurrentUser | null;
  /** The first /api/auth/me has answered. */
  ready: boolean;
  error: ApiError | null;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** The user holds one of these roles (admins hold every role). */
  can(...roles: Role[]): boolean;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<CurrentUser | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const apply = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setUser(session.user);
  }, []);

  useEffect(() => {
    (takePrefetched<Session>('/api/auth/me') ?? api<Session>('/api/auth/me')).then(
      (session) => {
        apply(session);
        setReady(true);
      },
      (e: ApiError) => {
        setError(e);
        setReady(true);
      },
    );
  }, [apply]);

  const login = useCallback(async (username: string, password: string) => {
    apply(await api<Session>('/api/auth/login', { method: 'POST', body: { username, password } }));
  }, [apply]);
  const logout = useCallback(async () => {
    apply(await api<Session>('/api/auth/logout', { method: 'POST' }));
  }, [apply]);
  const can = useCallback((...roles: Role[]) => !!user && (user.role === 'admin' || roles.includes(user.role)), [user]);

  const value = useMemo(() => ({ user, ready, error, login, logout, can }), [user, ready, error, login, logout, can]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
