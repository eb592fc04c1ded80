/**
 * In-process synthesis timings, parts (b) and (c) of the benchmark. bench.ts runs this file in a
 * child process:
 *
 *   node --expose-gc -r ts-node/register/transpile-only bench/in-process.ts <deployment dir> <runs> <result file>
 *
 * projen and the library are loaded from the deployment that `projen new --from <packed library>`
 * made, exactly as its `.projenrc.ts` loads them, so this measures the published code.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type * as Projen from 'projen';
import type * as Library from '../src';

/** One timed run: wall-clock and CPU (user + system of this process) milliseconds. */
export interface Run {
  readonly wallMs: number;
  readonly cpuMs: number;
}

export interface SynthTiming {
  readonly label: string;
  /** `new X(...)` plus `synth()`, files written to an empty temp dir; one entry per run. */
  readonly runs: Run[];
}

export interface ScalingTiming extends SynthTiming {
  readonly apps: number;
  /** Pomerium routes (and Traefik routers): NetBox's plus one per app. */
  readonly routes: number;
  /** Whether every app has an `environment`, and so its own env file. */
  readonly envFiles: boolean;
  /** The model and the pure renderers alone (no projen, no files); one entry per run. */
  readonly modelAndRender: Run[];
}

export interface InProcessResults {
  readonly bare: SynthTiming;
  readonly seed: SynthTiming;
  readonly scaling: ScalingTiming[];
}

/** Sizes for part (c) and how many timed runs each gets. */
export const SCALING_SIZES: ReadonlyArray<readonly [apps: number, runs: number]> = [[10, 10], [100, 8], [1000, 5]];

function main(): void {
  const [deploymentDir, runsArg, resultFile] = process.argv.slice(2);
  const runs = Number(runsArg);
  if (!deploymentDir || !Number.isInteger(runs) || runs < 1 || !resultFile) {
    throw new Error('usage: in-process.ts <deployment dir> <runs> <result file>');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = <T>(id: string): T => require(require.resolve(id, { paths: [deploymentDir] }));
  const projen = load<typeof Projen>('projen');
  const lib = load<typeof Library>('projen-netbox-pomerium');
  // Internal modules of the packed library, for the projen-free column of part (c).
  const { compileDeployment } = load<typeof import('../src/plan/compile')>('projen-netbox-pomerium/lib/plan/compile');
  const { renderPomeriumConfig } = load<typeof import('../src/pomerium/pomerium-config')>('projen-netbox-pomerium/lib/pomerium/pomerium-config');
  // What `npx projen --no-post` does: no npm install after synthesis.
  process.env.PROJEN_DISABLE_POST = 'true';

  /** The declaration `projen new` writes for the seed flags (test/e2e/context.ts SEED_FLAGS), plus `apps` apps. */
  const declaration = (outdir: string, apps: number, envFiles: boolean): Library.NetboxPomeriumProjectOptions => ({
    name: 'deployment',
    defaultReleaseBranch: 'main',
    outdir,
    packageManager: projen.javascript.NodePackageManager.NPM,
    domain: 'netbox.example.org',
    idpProvider: lib.IdpProvider.AZURE,
    idpProviderUrl: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
    idpClientId: '11111111-2222-3333-4444-555555555555',
    allowedDomains: ['example.org'],
    allowedGroups: ['62f8f72a-3e06-11ec-9bbc-0242ac130002'],
    allowedEmails: ['user@example.com'],
    traefikNetwork: 'traefik-proxy',
    traefikCertResolver: 'le',
    traefikEntrypoint: 'websecure',
    apps: Array.from({ length: apps }, (_, i) => ({
      name: `app${i}`,
      image: 'grafana/grafana:11.3.0',
      port: 3000,
      host: `app${i}.example.org`,
      ...(envFiles ? { environment: { APP_INDEX: String(i) } } : {}),
    })),
  });
  const deployment = (apps: number, envFiles: boolean) => (outdir: string) =>
    new lib.NetboxPomeriumProject(declaration(outdir, apps, envFiles));
  const bareProject = (outdir: string) => new projen.typescript.TypeScriptAppProject({
    // What `projen new typescript-app` writes.
    name: 'typescript-app',
    defaultReleaseBranch: 'main',
    outdir,
    packageManager: projen.javascript.NodePackageManager.NPM,
    projenrcTs: true,
  });

  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const measure = (work: () => void): Run => {
    gc();
    const cpu = process.cpuUsage();
    const start = performance.now();
    work();
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { wallMs, cpuMs: (used.user + used.system) / 1000 };
  };
  const timeSynth = (make: (outdir: string) => Projen.Project): Run => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'nbp-bench-synth-'));
    try {
      return measure(() => make(outdir).synth());
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  };
  const timeModel = (apps: number, envFiles: boolean): Run => {
    const options = declaration('unused', apps, envFiles);
    return measure(() => {
      const { model } = compileDeployment(options);
      renderPomeriumConfig(model);
    });
  };

  // (b) The seed declaration against a bare TypeScriptAppProject, interleaved after a warm-up.
  const bare: SynthTiming = { label: 'bare TypeScriptAppProject', runs: [] };
  const seed: SynthTiming = { label: 'NetboxPomeriumProject, seed declaration', runs: [] };
  for (let i = 0; i < 3; i++) {
    timeSynth(bareProject);
    timeSynth(deployment(0, false));
  }
  for (let i = 0; i < runs; i++) {
    // Alternate the order so that a change in the machine's load hits both alike.
    const pair: Array<[SynthTiming, (outdir: string) => Projen.Project]> = [[bare, bareProject], [seed, deployment(0, false)]];
    if (i % 2 === 1) pair.reverse();
    for (const [timing, make] of pair) timing.runs.push(timeSynth(make));
  }

  // (c) Growth with the number of protected apps: each is a Pomerium route, a Traefik router, a
  // compose service and an internal network; with an environment also an env file.
  const scaling: ScalingTiming[] = [];
  for (const envFiles of [false, true]) {
    for (const [apps, sizeRuns] of SCALING_SIZES) {
      const timing: ScalingTiming = {
        label: `${apps} apps${envFiles ? ' with env files' : ''}`, apps, routes: apps + 1, envFiles, runs: [], modelAndRender: [],
      };
      timeSynth(deployment(apps, envFiles));
      timeModel(apps, envFiles);
      for (let i = 0; i < sizeRuns; i++) {
        timing.runs.push(timeSynth(deployment(apps, envFiles)));
        timing.modelAndRender.push(timeModel(apps, envFiles));
      }
      scaling.push(timing);
    }
  }

  const results: InProcessResults = { bare, seed, scaling };
  writeFileSync(resultFile, JSON.stringify(results));
}

if (require.main === module) main();
