/**
 * Preloaded by a deployment's default task before `.projenrc.ts` runs:
 *
 *   node -r projen-netbox-pomerium/lib/deployment/typecheck -r sucrase/register/ts .projenrc.ts
 *
 * Type-checks the projenrc with `tsc` unless nothing it depends on changed since the last successful
 * check (./typecheck-stamp.ts); on a type error it prints the compiler's message and exits before
 * projen is even loaded, so nothing is written. One `node` process does the check and the synthesis.
 */
import { spawnSync } from 'child_process';
import { checkProjenrc, DEFAULT_PROJENRC_TSCONFIG, findTsc, TSCONFIG_ENV } from './typecheck-stamp';

const root = process.cwd();
const status = checkProjenrc(root, process.env[TSCONFIG_ENV] || DEFAULT_PROJENRC_TSCONFIG, {
  runTsc: (args) => spawnSync(findTsc(root), args, {
    cwd: root, encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024, shell: process.platform === 'win32',
  }),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
if (status !== 0) {
  process.stderr.write('typecheck: .projenrc.ts has type errors (above); nothing was synthesized.\n');
  process.exit(status);
}
