// Small wrappers over the operating system used by the set-up scripts.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A set-up failure with one line that says what to do; printed without a stack. */
export class SetupError extends Error {}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

export function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function sh(cmd: string, args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  return { status: r.status ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

let aptUpdated = false;
function dpkgInstalled(pkg: string): boolean {
  const r = sh('dpkg-query', ['-W', '-f=${Status}', pkg]);
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/**
 * Installs Debian packages that are missing, when running as root; otherwise
 * stops with the exact command to run. `why` names what needs them.
 */
export function ensureAptPackages(pkgs: string[], why: string): void {
  const missing = pkgs.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return;
  if (!isRoot() || !which('apt-get')) {
    throw new SetupError(`${why} needs ${missing.join(', ')}: install with \`sudo apt-get install -y ${missing.join(' ')}\` and run again.`);
  }
  process.stdout.write(`  installing ${missing.join(', ')} with apt-get (${why})…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => sh('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let r = install();
  if (r.status !== 0 && !aptUpdated) {
    sh('apt-get', ['update', '-q'], { env, stdio: 'ignore' });
    aptUpdated = true;
    r = install();
  }
  if (r.status !== 0) {
    throw new SetupError(`apt-get could not install ${missing.join(', ')} (${why}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
  }
}

export const fileExists = existsSync;
