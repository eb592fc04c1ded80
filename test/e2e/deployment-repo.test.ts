import { execFileSync, spawnSync } from 'child_process';
import { chmodSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { cleanEnv, copySeedDeployment, e2eContext, editProjenrc, git, projen } from './context';

/** Issue 5: what `projen new` leaves behind is a complete, lean deployment repository. */
describe('the deployment repository', () => {
  const { seedDeployment } = e2eContext();
  const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf-8');

  test('.projenrc.ts has commented hints for the featured options', () => {
    const rc = read(seedDeployment, '.projenrc.ts');
    expect(rc).toMatch(/\/\/ netboxVersion: "v4\.7-5\.1\.1",\s+\/\* The netbox-docker image tag/);
  });

  test('tasks exist, each with a description', () => {
    const tasks = JSON.parse(read(seedDeployment, '.projen/tasks.json')).tasks;
    for (const name of ['up', 'down', 'logs', 'ps', 'pull', 'config', 'backup', 'restore', 'rotate-secret']) {
      expect({ name, description: typeof tasks[name]?.description }).toEqual({ name, description: 'string' });
      expect(tasks[name].description.length).toBeGreaterThan(10);
    }
    expect(tasks.up.steps[0].exec).toBe('docker compose -p seed-deployment -f compose.yaml up -d');
    expect(tasks.config.steps[0].exec).toBe('docker compose -p seed-deployment -f compose.yaml config -q');
  });

  test('package.json has no test, lint or bundling tooling', () => {
    const pkg = JSON.parse(read(seedDeployment, 'package.json'));
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
    for (const tool of ['jest', 'ts-jest', '@types/jest', 'eslint', 'prettier', 'jsii', 'esbuild']) expect(deps).not.toContain(tool);
    expect(deps).toEqual(expect.arrayContaining(['projen', 'projen-netbox-pomerium', 'typescript']));
    expect(Object.keys(pkg.scripts)).not.toEqual(expect.arrayContaining(['test']));
    expect(Object.keys(pkg.scripts)).not.toContain('compile');
  });

  test('the runbook names this deployment\'s callback URL, secret and tasks', () => {
    const runbook = read(seedDeployment, 'README.md');
    expect(runbook).toContain('`https://authenticate.netbox.example.org/oauth2/callback`');
    expect(runbook).toContain("IDP_CLIENT_SECRET='<the client secret value>'");
    expect(runbook).toContain('`npx projen up`');
    expect(runbook).toContain('superusers');
  });

  describe('the generated workflow', () => {
    const workflow = parse(read(seedDeployment, '.github/workflows/deployment.yml'));
    const steps: any[] = workflow.jobs.check.steps;
    const step = (name: string) => steps.find((s) => s.name === name).run as string;

    test('runs on push and pull request, with the drift and compose checks', () => {
      expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
      expect(step('Generated files match .projenrc.ts')).toContain('npx projen --no-post');
      expect(step('Generated files match .projenrc.ts')).toContain('git diff --cached --exit-code');
      expect(step('Compose accepts the stack')).toContain('npx projen config');
    });

    const runStep = (dir: string, script: string) => spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: dir, encoding: 'utf-8', env: { ...cleanEnv(), CI: 'true' },
    });

    test('its steps pass on a fresh checkout (no .env) and the drift check catches a hand edit', () => {
      const dir = copySeedDeployment();
      execFileSync('rm', ['-f', path.join(dir, '.env')]);
      const drift = runStep(dir, step('Generated files match .projenrc.ts'));
      expect(drift.status).toBe(0);
      const compose = runStep(dir, step('Compose accepts the stack'));
      expect({ status: compose.status, output: compose.stderr.includes('error') }).toEqual({ status: 0, output: false });

      chmodSync(path.join(dir, 'env/netbox.env'), 0o644);
      writeFileSync(path.join(dir, 'env/netbox.env'), `${read(dir, 'env/netbox.env')}REMOTE_AUTH_HEADER=HTTP_X_SPOOF\n`);
      git(dir, 'add', '-A');
      git(dir, '-c', 'user.name=e2e', '-c', 'user.email=e2e@example.org', 'commit', '-qm', 'hand edit');
      const tampered = runStep(dir, step('Generated files match .projenrc.ts'));
      expect(tampered.status).not.toBe(0);
      expect(tampered.stdout).toContain('HTTP_X_SPOOF');
    });
  });

  test('editing the domain moves every file that names it, and leaves the old one nowhere', () => {
    const dir = copySeedDeployment();
    editProjenrc(dir, 'domain: "netbox.example.org"', 'domain: "ipam.example.net"');
    const r = projen(dir);
    expect(r.status).toBe(0);
    const tracked = git(dir, 'ls-files').trim().split('\n').filter((f) => f !== '.projenrc.ts');
    for (const file of [...tracked, 'README.md']) {
      expect({ file, old: read(dir, file).includes('netbox.example.org') }).toEqual({ file, old: false });
    }
    const compose = parse(read(dir, 'compose.yaml'));
    const config = parse(read(dir, 'pomerium/config.yaml'));
    expect(compose.services.pomerium.labels['traefik.http.routers.seed-deployment.rule'])
      .toBe('Host(`ipam.example.net`) || Host(`authenticate.ipam.example.net`)');
    expect(config.routes[0].from).toBe('https://ipam.example.net');
    expect(config.authenticate_service_url).toBe('https://authenticate.ipam.example.net');
    expect(read(dir, 'env/netbox.env')).toMatch(/^CSRF_TRUSTED_ORIGINS=https:\/\/ipam\.example\.net$/m);
    expect(read(dir, 'README.md')).toContain('`https://authenticate.ipam.example.net/oauth2/callback`');
    expect(read(dir, 'README.md')).toContain('svc_pomerium -->|"ipam.example.net"| svc_netbox');
    expect(JSON.parse(read(dir, '.projen/doctor.json')).callbackUrl).toBe('https://authenticate.ipam.example.net/oauth2/callback');
    // Only files derived from the domain changed (the doctor's facts hold the hosts it resolves).
    const changed = git(dir, 'status', '--porcelain').split('\n').filter((l) => l).map((l) => l.slice(3)).sort();
    expect(changed).toEqual(['.projen/doctor.json', '.projenrc.ts', 'README.md', 'compose.yaml', 'env/netbox.env', 'pomerium/config.yaml']);
  });
});
