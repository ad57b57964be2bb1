import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Role } from '@registry/shared/enums';
import type { MessageKey } from './i18n/vi';

export interface RouteDef {
  path: string;
  label: MessageKey;
  /** Who sees it in the navigation; undefined = everyone, the public included. */
  roles?: Role[];
  /** False: declared but not built yet (hidden from the navigation; features/placeholder answers a direct visit). */
  ready: boolean;
  inNav: boolean;
  component: LazyExoticComponent<ComponentType>;
}

const MapPage = lazy(() => import('./features/map/map-page'));
const IndicatorsPage = lazy(() => import('./features/public/indicators-page'));
const LoginPage = lazy(() => import('./features/auth/login-page'));
const DashboardPage = lazy(() => import('./features/dashboard/dashboard-page'));
const DeskPage = lazy(() => import('./features/officer/desk-page'));
const CarrierPage = lazy(() => import('./features/carrier/carrier-page'));
const ImportsPage = lazy(() => import('./features/imports/imports-page'));

/** Every screen, in navigation order. The API refuses what a role may not do; the navigation only hides it. */
export const ROUTES: RouteDef[] = [
  { path: '/', label: 'nav.map', ready: true, inNav: true, component: MapPage },
  { path: '/indicators', label: 'nav.indicators', ready: true, inNav: true, component: IndicatorsPage },
  { path: '/carrier', label: 'nav.carrier', roles: ['carrier'], ready: true, inNav: true, component: CarrierPage },
  { path: '/desk', label: 'nav.desk', roles: ['officer'], ready: true, inNav: true, component: DeskPage },
  { path: '/imports', label: 'nav.imports', roles: ['carrier', 'planner'], ready: true, inNav: true, component: ImportsPage },
  { path: '/plan', label: 'nav.plan', roles: ['planner'], ready: true, inNav: true, component: DashboardPage },
  { path: '/login', label: 'nav.login', ready: true, inNav: false, component: LoginPage },
];

export function matchRoute(pathname: string): RouteDef | null {
  return ROUTES.find((r) => r.path === pathname) ?? null;
}

/** Navigation entries for this user: hidden where the role may not go, and part-2 screens until they exist. */
export function navRoutes(can: (...roles: Role[]) => boolean): RouteDef[] {
  return ROUTES.filter((r) => r.inNav && r.ready && (!r.roles || can(...r.roles)));
}
