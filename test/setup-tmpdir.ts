import { mkdirSync, realpathSync } from 'fs';
import { homedir, tmpdir } from 'os';
import * as path from 'path';

/**
 * Under jest, projen writes a project into the working directory when that directory lies under
 * the system temp dir, and `Testing.synth` then deletes it. A checkout under /tmp (as a CI clone
 * may be) would delete itself, so point the temp dir elsewhere in that case.
 */
const repo = realpathSync(path.resolve(__dirname, '..'));
if (repo.startsWith(realpathSync(tmpdir()))) {
  const candidates = ['/var/tmp/projen-netbox-pomerium-tests', path.join(homedir(), '.cache', 'projen-netbox-pomerium-tests')];
  const safe = candidates.find((c) => !repo.startsWith(c) && !c.startsWith(repo))!;
  mkdirSync(safe, { recursive: true });
  process.env.TMPDIR = safe;
}
