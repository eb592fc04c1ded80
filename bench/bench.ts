/**
 * Benchmark for issue 8: how fast a deployment resynthesizes, what our components add to projen,
 * and how synthesis grows with the number of protected apps. Run it with
 *
 *   npx projen bench [-- --runs 10 --synth-runs 15 --tarball <packed library> --keep --out bench/results.json]
 *
 * (a) `npx projen --no-post` (type check + synthesis, no npm install) in fresh projects, the runs
 *     interleaved: a deployment made by `projen new --from <packed library>`, the same deployment
 *     switched back to projen's default runner (ts-node with type checking, TypeScript 6), and a
 *     projen `typescript-app` made by the same projen version. Two cases (issue 17): "unchanged",
 *     `npx projen` again on a declaration that was already checked (a deployment skips tsc), and
 *     "after an edit", where `.projenrc.ts` first gets a new trailing comment, a one-line edit that
 *     every runner has to check again.
 * (b) In-process synthesis of the seed declaration against a bare `TypeScriptAppProject`.
 * (c) In-process synthesis with 10, 100 and 1000 protected apps.
 *
 * Speed is measured here only, never in a test. Prints a table and writes the figures as JSON
 * (bench/results.json by default; git-ignored: docs/performance.md keeps the published figures).
 */
import { execFileSync, spawnSync } from 'child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import * as path from 'path';
import type { InProcessResults, Run, ScalingTiming, SynthTiming } from './in-process';
import { cleanEnv, projenNew, REPO_ROOT, SEED_FLAGS } from '../test/e2e/context';

const PROJEN_VERSION = '0.103.25';

interface Args {
  /** Timed `npx projen` runs per project. */
  readonly runs: number;
  /** Timed in-process syntheses per project in part (b). */
  readonly synthRuns: number;
  readonly tarball?: string;
  readonly keep: boolean;
  readonly out: string;
}

function parseArgs(argv: string[]): Args {
  const args: { runs: number; synthRuns: number; tarball?: string; keep: boolean; out: string } = {
    runs: 10, synthRuns: 15, keep: false, out: path.join(REPO_ROOT, 'bench', 'results.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--runs': args.runs = positive('--runs', value()); break;
      case '--synth-runs': args.synthRuns = positive('--synth-runs', value()); break;
      case '--tarball': args.tarball = path.resolve(value()); break;
      case '--out': args.out = path.resolve(value()); break;
      case '--keep': args.keep = true; break;
      // projen hands the task the separator too.
      case '--': break;
      default: throw new Error(`unknown argument ${argv[i]} (use --runs N, --synth-runs N, --tarball FILE, --out FILE, --keep)`);
    }
  }
  return args;
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number >= 1 (got ${value})`);
  return n;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** CPU seconds (user + system) of the children this process has waited for (Linux); undefined elsewhere. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf-8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function childrenCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf-8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5) (cutime, cstime), counted from the state field (3).
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf-8', env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return `${r.stdout}${r.stderr}`;
}

// ---------------------------------------------------------------------------------------------
// Setup: the packed library and three fresh projects (installs are not measured).

/** The two cases of part (a): the declaration as it was last checked, or just edited by one line. */
const CASES = ['unchanged', 'edited'] as const;
type Case = typeof CASES[number];
const CASE_LABELS: Record<Case, string> = {
  unchanged: 'unchanged deployment (npx projen again, nothing edited)',
  edited: 'after a one-line edit of .projenrc.ts',
};

interface CliProject {
  readonly key: string;
  readonly label: string;
  readonly dir: string;
  /** A command the default task must show, so we time the runner we claim to time. */
  readonly runnerSign: string;
  /** What a run's output must (or must not) show per case, e.g. that a deployment skipped tsc. */
  readonly caseSigns?: Record<Case, { readonly has: string; readonly lacks: string }>;
  readonly runs: Record<Case, Array<{ wallS: number; cpuS?: number }>>;
}

function packLibrary(workDir: string): string {
  log('compiling the library with jsii and packing it (as the test global setup does) ...');
  run('npx', ['jsii', '--silence-warnings=reserved-word'], REPO_ROOT);
  const packed = execFileSync('npm', ['pack', '--pack-destination', workDir, '--silent'], { cwd: REPO_ROOT, encoding: 'utf-8' });
  return path.join(workDir, packed.trim().split('\n').pop()!);
}

function makeProjects(workDir: string, tarball: string): CliProject[] {
  const dir = (name: string) => {
    const d = path.join(workDir, name);
    mkdirSync(d);
    return d;
  };

  log('projen new --from the packed library (the deployment) ...');
  const deployment = dir('deployment');
  projenNew(deployment, tarball, SEED_FLAGS);

  log('projen new --from the packed library, then back to projen\'s default runner (ts-node, TypeScript 6) ...');
  const tsNodeDeployment = dir('deployment-ts-node');
  projenNew(tsNodeDeployment, tarball, SEED_FLAGS);
  const rcPath = path.join(tsNodeDeployment, '.projenrc.ts');
  const rc = readFileSync(rcPath, 'utf-8');
  const edited = rc
    .replace('import { javascript } from "projen";', 'import { javascript, typescript } from "projen";')
    .replace('new NetboxPomeriumProject({\n', 'new NetboxPomeriumProject({\n'
      + '  projenrcTsOptions: { runner: typescript.TypeScriptRunner.tsNode({ tsconfig: "projenrc/tsconfig.json", typeCheck: true }) },\n'
      + '  typescriptVersion: "~6.0.0",\n');
  if (edited === rc || !edited.includes('javascript, typescript')) throw new Error(`unexpected .projenrc.ts in ${tsNodeDeployment}:\n${rc}`);
  writeFileSync(rcPath, edited);
  // Synthesizes the ts-node task and installs ts-node and TypeScript 6 (post-synthesis install).
  run('npx', ['projen'], tsNodeDeployment);

  log(`projen new typescript-app with projen ${PROJEN_VERSION} ...`);
  const tsApp = dir('typescript-app');
  // TypeScript 7 breaks ts-node, the typescript-app's runner; projen's default @types/node tag for
  // TypeScript 6 ("ts6.0") does not exist, hence the same @types/node the deployment uses.
  run('npx', ['-y', `projen@${PROJEN_VERSION}`, 'new', 'typescript-app', '--no-git', '--projen-version', PROJEN_VERSION,
    '--typescript-version', '~6.0.0', '--dev-deps', '@types/node@^20'], tsApp);

  return [
    { key: 'typescriptApp', label: `typescript-app (projen ${PROJEN_VERSION} default: ts-node, type check)`, dir: tsApp, runnerSign: 'ts-node', runs: { unchanged: [], edited: [] } },
    { key: 'deploymentTsNode', label: 'deployment with projen\'s default runner (ts-node, TS 6)', dir: tsNodeDeployment, runnerSign: 'ts-node', runs: { unchanged: [], edited: [] } },
    {
      key: 'deployment',
      label: 'deployment (node: tsc 7 check unless unchanged, sucrase hook)',
      dir: deployment,
      runnerSign: 'node -r projen-netbox-pomerium/lib/deployment/typecheck -r sucrase/register/ts .projenrc.ts',
      caseSigns: {
        unchanged: { has: 'tsc skipped', lacks: 'typecheck: tsc --noEmit' },
        edited: { has: 'typecheck: tsc --noEmit', lacks: 'tsc skipped' },
      },
      runs: { unchanged: [], edited: [] },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// (a) npx projen --no-post, interleaved.

function timeProjen(project: CliProject, edit: number | undefined): { wallS: number; cpuS?: number; output: string } {
  // An edit of the declaration, as in the user's loop; a trailing comment changes nothing else.
  if (edit !== undefined) appendFileSync(path.join(project.dir, '.projenrc.ts'), `\n// bench edit ${edit}\n`);
  const cpu0 = childrenCpuSeconds();
  const start = process.hrtime.bigint();
  const r = spawnSync('npx', ['projen', '--no-post'], { cwd: project.dir, encoding: 'utf-8', env: cleanEnv() });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu1 = childrenCpuSeconds();
  if (r.status !== 0) throw new Error(`npx projen --no-post failed in ${project.dir}:\n${r.stdout}\n${r.stderr}`);
  return { wallS, cpuS: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0, output: `${r.stdout}${r.stderr}` };
}

function benchCli(projects: CliProject[], runs: number): void {
  for (const project of projects) {
    // A first run after an edit: every runner checks (and a deployment stamps) the declaration.
    const { output } = timeProjen(project, 0);
    if (!output.includes(project.runnerSign)) {
      throw new Error(`${project.label}: expected the default task to run "${project.runnerSign}", got:\n${output}`);
    }
  }
  for (let i = 1; i <= runs; i++) {
    // Rotate the order so that no project always runs first (or right after the same one), and
    // alternate the cases. Every run succeeds, so an "unchanged" run always follows a checked state.
    const order = projects.map((_, k) => projects[(k + i) % projects.length]);
    const cases = i % 2 === 0 ? [...CASES] : [...CASES].reverse();
    for (const c of cases) {
      for (const project of order) {
        const { wallS, cpuS, output } = timeProjen(project, c === 'edited' ? i : undefined);
        const sign = project.caseSigns?.[c];
        if (sign && (!output.includes(sign.has) || output.includes(sign.lacks))) {
          throw new Error(`${project.label}, ${c}: expected "${sign.has}" and no "${sign.lacks}" in:\n${output}`);
        }
        project.runs[c].push({ wallS, cpuS });
      }
    }
    log(`npx projen run ${i}/${runs}: ${CASES.map((c) => `${c}: ${projects.map((p) => `${p.key} ${p.runs[c][p.runs[c].length - 1].wallS.toFixed(2)} s`).join(', ')}`).join('; ')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// (b), (c) in-process, in a child process that loads projen and the library from the deployment.

function benchInProcess(deploymentDir: string, synthRuns: number, workDir: string): InProcessResults {
  const resultFile = path.join(workDir, 'in-process.json');
  const r = spawnSync(process.execPath, ['--expose-gc', '-r', require.resolve('ts-node/register/transpile-only'),
    path.join(__dirname, 'in-process.ts'), deploymentDir, String(synthRuns), resultFile], {
    cwd: REPO_ROOT,
    encoding: 'utf-8',
    env: { ...cleanEnv(), TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`in-process benchmark failed:\n${r.stderr}`);
  return JSON.parse(readFileSync(resultFile, 'utf-8'));
}

// ---------------------------------------------------------------------------------------------
// Figures.

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const medianOf = (runs: readonly Run[], key: keyof Run) => median(runs.map((r) => r[key]));
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** Per project, the medians of one case and their ratios to the typescript-app's in the same case. */
function cliFigures(projects: CliProject[], c: Case) {
  const baseline = projects.find((p) => p.key === 'typescriptApp')!;
  const baseWall = median(baseline.runs[c].map((r) => r.wallS));
  const cpus0 = baseline.runs[c].map((r) => r.cpuS);
  const baseCpu = cpus0.every((x) => x !== undefined) ? median(cpus0 as number[]) : undefined;
  return projects.map((p) => {
    const wall = median(p.runs[c].map((r) => r.wallS));
    const cpuRuns = p.runs[c].map((r) => r.cpuS);
    const cpu = cpuRuns.every((x) => x !== undefined) ? median(cpuRuns as number[]) : undefined;
    return {
      key: p.key,
      label: p.label,
      medianWallS: round(wall),
      medianCpuS: cpu === undefined ? null : round(cpu),
      wallRatio: round(wall / baseWall),
      cpuRatio: cpu === undefined || baseCpu === undefined ? null : round(cpu / baseCpu),
      wallS: p.runs[c].map((r) => round(r.wallS)),
      cpuS: cpuRuns.map((x) => (x === undefined ? null : round(x))),
    };
  });
}

function synthFigures(timing: SynthTiming) {
  return {
    label: timing.label,
    medianWallMs: round(medianOf(timing.runs, 'wallMs'), 1),
    medianCpuMs: round(medianOf(timing.runs, 'cpuMs'), 1),
    wallMs: timing.runs.map((r) => round(r.wallMs, 1)),
    cpuMs: timing.runs.map((r) => round(r.cpuMs, 1)),
  };
}

function scalingFigures(scaling: ScalingTiming[], base: SynthTiming) {
  const baseWall = medianOf(base.runs, 'wallMs');
  return scaling.map((s) => {
    const wall = medianOf(s.runs, 'wallMs');
    return {
      ...synthFigures(s),
      apps: s.apps,
      routes: s.routes,
      envFiles: s.envFiles,
      msPerApp: round(wall / s.apps),
      /** What each app adds to the seed declaration's synthesis: constant when growth is linear. */
      marginalMsPerApp: round((wall - baseWall) / s.apps),
      modelAndRenderMedianMs: round(medianOf(s.modelAndRender, 'wallMs'), 2),
      modelAndRenderMsPerApp: round(medianOf(s.modelAndRender, 'wallMs') / s.apps, 4),
    };
  });
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

// ---------------------------------------------------------------------------------------------

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const workDir = mkdtempSync(path.join(tmpdir(), 'nbp-bench-'));
  const loadBefore = loadavg();
  log(`working in ${workDir}`);
  try {
    const tarball = args.tarball ?? packLibrary(workDir);
    if (!existsSync(tarball)) throw new Error(`no such tarball: ${tarball}`);
    const projects = makeProjects(workDir, tarball);
    const deploymentDir = projects.find((p) => p.key === 'deployment')!.dir;

    log(`(a) ${args.runs} interleaved runs of npx projen --no-post in each project ...`);
    benchCli(projects, args.runs);
    log(`(b), (c) in-process synthesis (${args.synthRuns} interleaved runs for (b)) ...`);
    const inProcess = benchInProcess(deploymentDir, args.synthRuns, workDir);

    const cli = { unchanged: cliFigures(projects, 'unchanged'), edited: cliFigures(projects, 'edited') };
    const bare = synthFigures(inProcess.bare);
    const seed = synthFigures(inProcess.seed);
    const scaling = scalingFigures(inProcess.scaling, inProcess.seed);
    const deploymentTs = JSON.parse(readFileSync(path.join(deploymentDir, 'node_modules/typescript/package.json'), 'utf-8')).version;
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf-8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO_ROOT, encoding: 'utf-8' }).trim() !== '';
    const results = {
      command: `npx projen bench -- --runs ${args.runs} --synth-runs ${args.synthRuns}`,
      date: new Date().toISOString(),
      commit: `${commit}${dirty ? ' (src modified)' : ''}`,
      machine: {
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        loadAverageBefore: loadBefore.map((l) => round(l, 2)),
        loadAverageAfter: loadavg().map((l) => round(l, 2)),
      },
      versions: { projen: PROJEN_VERSION, deploymentTypescript: deploymentTs },
      notes: [
        'Every npx projen run passes --no-post, so no npm install is measured. cli.unchanged: nothing edited since the last run; cli.edited: each run follows a one-line edit of .projenrc.ts.',
        'cpu = user + system seconds of the npx projen process tree (Linux /proc; null elsewhere).',
        'In-process: new Project(...) + synth() into an empty temp dir, after a warm-up; medians.',
      ],
      cli,
      inProcess: {
        bare,
        seed: {
          ...seed,
          overheadWall: round(seed.medianWallMs / bare.medianWallMs - 1),
          overheadCpu: round(seed.medianCpuMs / bare.medianCpuMs - 1),
        },
        scaling,
      },
    };
    mkdirSync(path.dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);

    const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)} %`;
    const out: string[] = [];
    out.push(`${results.date}  ${results.machine.node}  ${results.machine.platform}  ${results.machine.cpus} CPUs  `
      + `load ${results.machine.loadAverageBefore[0]} -> ${results.machine.loadAverageAfter[0]}  commit ${results.commit}`);
    for (const c of CASES) {
      out.push('', `(a) npx projen --no-post, ${CASE_LABELS[c]}: ${args.runs} interleaved runs (no npm install measured)`);
      out.push(table([['project', 'wall median', 'ratio', 'cpu median', 'ratio'],
        ...cli[c].map((f) => [f.label, `${f.medianWallS.toFixed(2)} s`, f.wallRatio.toFixed(2),
          f.medianCpuS === null ? '-' : `${f.medianCpuS.toFixed(2)} s`, f.cpuRatio === null ? '-' : f.cpuRatio.toFixed(2)])]));
    }
    out.push('', `(b) in-process synthesis (new + synth into an empty dir), ${args.synthRuns} interleaved runs`);
    out.push(table([['project', 'wall median', 'vs bare', 'cpu median', 'vs bare'],
      [bare.label, `${bare.medianWallMs.toFixed(1)} ms`, '', `${bare.medianCpuMs.toFixed(1)} ms`, ''],
      [seed.label, `${seed.medianWallMs.toFixed(1)} ms`, pct(results.inProcess.seed.overheadWall),
        `${seed.medianCpuMs.toFixed(1)} ms`, pct(results.inProcess.seed.overheadCpu)]]));
    out.push('', '(c) in-process synthesis with protected apps (seed declaration + N apps)');
    out.push(table([['declaration', 'routes', 'runs', 'synth median', 'per app', 'marginal per app', 'model+render', 'per app'],
      ...scaling.map((s) => [s.label, String(s.routes), String(s.wallMs.length), `${s.medianWallMs.toFixed(1)} ms`,
        `${s.msPerApp.toFixed(3)} ms`, `${s.marginalMsPerApp.toFixed(3)} ms`, `${s.modelAndRenderMedianMs.toFixed(2)} ms`,
        `${s.modelAndRenderMsPerApp.toFixed(4)} ms`])]));
    out.push('', `figures written to ${path.relative(process.cwd(), args.out) || args.out}`);
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    if (args.keep) log(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
