import { mkdirSync, realpathSync } from 'fs';
import { homedir, tmpdir } from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..');

/**
 * The temp dir tests may use: the system's, unless the checkout lies under it. Under jest, projen
 * writes a project into the working directory when that directory lies under the temp dir, and
 * `Testing.synth` then deletes it, so a checkout under /tmp (as a CI clone may be) would delete itself.
 */
export function safeTmpdir(repo: string, systemTmp: string): string {
  if (!isInside(repo, systemTmp)) return systemTmp;
  const candidates = ['/var/tmp/projen-netbox-pomerium-tests', path.join(homedir(), '.cache', 'projen-netbox-pomerium-tests')];
  return candidates.find((c) => !isInside(repo, c) && !isInside(c, repo))!;
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Jest global setup: runs in the parent process, so the workers it starts inherit TMPDIR (a
 * `setupFiles` entry cannot do this: jest's sandbox has its own copy of process.env).
 */
export default function setupTmpdir(): void {
  const safe = safeTmpdir(realpathSync(REPO), realpathSync(tmpdir()));
  mkdirSync(safe, { recursive: true });
  process.env.TMPDIR = safe;
}
