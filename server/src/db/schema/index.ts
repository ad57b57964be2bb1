// The whole schema, for drizzle-kit and for typed queries.
export * from './accounts';
export * from './admin-units';
export * from './carriers';
export * from './change-log';
export * from './coverage';
export * from './fibre';
export * from './imports';
export * from './kpi';
export * from './passive';
export * from './permits';
export * from './roads';
export * from './settings';
export * from './sites';
export * from './villages';
export * from './zones';
