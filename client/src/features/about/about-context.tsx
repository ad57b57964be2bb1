import { createContext, useContext, type ReactNode } from 'react';
import type { About } from '@registry/shared/schemas/about';
import { api } from '../../api/client';
import { takePrefetched } from '../../api/prefetch';
import { useResource, type Resource } from '../../api/use-resource';

const AboutContext = createContext<Resource<About> | null>(null);

/** GET /api/about once per page: the dataset facts (synthetic or not) and the client settings. */
export function AboutProvider({ children }: { children: ReactNode }) {
  const about = useResource<About>('about', (signal) => takePrefetched<About>('/api/about') ?? api('/api/about', { signal }));
  return <AboutContext.Provider value={about}>{children}</AboutContext.Provider>;
}

export function useAbout(): Resource<About> {
  const value = useContext(AboutContext);
  if (!value) throw new Error('useAbout outside AboutProvider');
  return value;
}
