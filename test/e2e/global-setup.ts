import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { CONTEXT_FILE, E2E_DIR, E2eContext, projenNew, REPO_ROOT, SEED_FLAGS } from './context';

/**
 * Packs this library once per test run and creates the seed deployment from the tarball with a
 * real `projen new --from`, so end-to-end tests exercise exactly what a user installs.
 */
export default async function globalSetup(): Promise<void> {
  // Local shortcut while iterating on unit tests; CI never sets it.
  if (process.env.NBP_REUSE_E2E === '1' && existsSync(CONTEXT_FILE)) return;
  rmSync(E2E_DIR, { recursive: true, force: true });
  mkdirSync(E2E_DIR, { recursive: true });
  // jsii writes lib/ and the .jsii assembly that `projen new --from` reads.
  execFileSync('npx', ['jsii', '--silence-warnings=reserved-word'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const packed = execFileSync('npm', ['pack', '--pack-destination', E2E_DIR, '--silent'], { cwd: REPO_ROOT, encoding: 'utf-8' });
  const tarball = path.join(E2E_DIR, packed.trim().split('\n').pop()!);

  const seedDeployment = path.join(E2E_DIR, 'seed-deployment');
  mkdirSync(seedDeployment);
  const newOutput = projenNew(seedDeployment, tarball, SEED_FLAGS);

  const context: E2eContext = { tarball, seedDeployment, newOutput };
  writeFileSync(CONTEXT_FILE, JSON.stringify(context, null, 2));
}
