import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import setupTmpdir from '../setup-tmpdir';
import { contextFile, E2eContext, projenNew, REPO_ROOT, SEED_FLAGS } from './context';

/**
 * Packs this library once per test run and creates the seed deployment from the tarball with a
 * real `projen new --from`, so end-to-end tests exercise exactly what a user installs.
 */
export default async function globalSetup(): Promise<void> {
  setupTmpdir();
  // Local shortcut while iterating: NBP_E2E_DIR=<dir of an earlier run> reuses it. CI never sets it.
  if (process.env.NBP_E2E_DIR && existsSync(contextFile())) return;
  process.env.NBP_E2E_DIR = mkdtempSync(path.join(tmpdir(), 'nbp-e2e-'));
  const dir = process.env.NBP_E2E_DIR;

  // jsii writes lib/ and the .jsii assembly that `projen new --from` reads.
  execFileSync('npx', ['jsii', '--silence-warnings=reserved-word'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const packed = execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: REPO_ROOT, encoding: 'utf-8' });
  const tarball = path.join(dir, packed.trim().split('\n').pop()!);

  const seedDeployment = path.join(dir, 'seed-deployment');
  mkdirSync(seedDeployment);
  const newOutput = projenNew(seedDeployment, tarball, SEED_FLAGS);

  const context: E2eContext = { tarball, seedDeployment, newOutput };
  writeFileSync(contextFile(), JSON.stringify(context, null, 2));
  // Printed so a developer can reuse this run's setup with NBP_E2E_DIR.
  process.stdout.write(`\ne2e setup in ${dir}\n`);
}
