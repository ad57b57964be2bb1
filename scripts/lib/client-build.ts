import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SetupError } from './system';

/** Builds the client with Vite; vite prints every chunk's size. */
export function buildClient(root: string): void {
  const r = spawnSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: join(root, 'client'), stdio: 'inherit' });
  if (r.status !== 0) throw new SetupError('The client build failed (see the output above).');
}
