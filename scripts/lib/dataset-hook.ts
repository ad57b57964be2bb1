import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface DatasetModule {
  loadDataset(url: string, options: { reset?: boolean }): Promise<unknown>;
  isDatasetLoaded(url: string): Promise<boolean>;
}

/** The dataset loader, if this checkout has it. */
export async function datasetModule(root: string): Promise<DatasetModule | null> {
  const file = join(root, 'scripts', 'lib', 'dataset', 'load.ts');
  if (!existsSync(file)) return null;
  return (await import(file)) as DatasetModule;
}

export interface DemoAccount {
  username: string;
  role: string;
  carrier?: string | null;
  password: string;
}

export async function demoAccounts(root: string): Promise<DemoAccount[]> {
  const file = join(root, 'scripts', 'lib', 'dataset', 'demo-accounts.ts');
  if (!existsSync(file)) return [];
  const mod = (await import(file)) as { DEMO_ACCOUNTS?: DemoAccount[] };
  return mod.DEMO_ACCOUNTS ?? [];
}
