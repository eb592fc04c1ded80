import { spawnSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { cleanEnv, copySeedDeployment, exists, projen } from './context';
import { FILES } from '../../src/model/stack-names';
import { DOCKER, fakeSwarmDocker as fakeDocker } from '../fake-swarm-docker';

describe('end to end: a projen-new deployment turns swarm on and off', () => {
  test('stack.yaml, the script and the tasks come and go with the option; stack-deploy runs through projen', () => {
    const dir = copySeedDeployment();
    const rcPath = path.join(dir, '.projenrc.ts');
    const rc = readFileSync(rcPath, 'utf-8');
    writeFileSync(rcPath, rc.replace('domain: "netbox.example.org",', 'domain: "netbox.example.org",\n  swarm: true,'));
    let r = projen(dir);
    expect(r.stderr).not.toContain('Synthesis failed');
    expect(r.status).toBe(0);
    expect(exists(dir, FILES.stack)).toBe(true);
    expect(exists(dir, FILES.stackScript)).toBe(true);
    const stack = parse(readFileSync(path.join(dir, FILES.stack), 'utf-8'));
    expect(stack.services.pomerium.deploy.labels['traefik.swarm.network']).toBe('traefik-proxy');
    const tasks = JSON.parse(readFileSync(path.join(dir, '.projen/tasks.json'), 'utf-8')).tasks;
    expect(Object.keys(tasks)).toEqual(expect.arrayContaining(['stack-deploy', 'stack-rm']));

    // The task, as a user runs it (a recording docker stands in for the Swarm).
    const envPath = path.join(dir, '.env');
    writeFileSync(envPath, `${readFileSync(envPath, 'utf-8')}\nIDP_CLIENT_SECRET='client-secret-value'\n`);
    const docker = fakeDocker();
    r = spawnSync('npx', ['projen', 'stack-deploy', '--', '--prune'], {
      cwd: dir,
      encoding: 'utf-8',
      env: { ...cleanEnv(), PROJEN_DISABLE_POST: 'true', PATH: `${docker.bin}:${process.env.PATH}`, FAKE_STATE: docker.state, REAL_DOCKER: DOCKER },
    });
    expect(r.status).toBe(0);
    const calls = readFileSync(path.join(docker.state, 'calls'), 'utf-8').trim().split('\n');
    expect(calls[calls.length - 1]).toBe('stack deploy -c stack.yaml --prune seed-deployment');
    expect(parse(readFileSync(path.join(docker.state, 'stack-config'), 'utf-8')).secrets.postgres_password.name)
      .toMatch(/^seed-deployment_postgres_password_[0-9a-f]{12}$/);

    writeFileSync(rcPath, rc);
    r = projen(dir);
    expect(r.status).toBe(0);
    expect(exists(dir, FILES.stack)).toBe(false);
    expect(exists(dir, FILES.stackScript)).toBe(false);
    expect(existsSync(path.join(dir, 'compose.yaml'))).toBe(true);
    const after = JSON.parse(readFileSync(path.join(dir, '.projen/tasks.json'), 'utf-8')).tasks;
    expect(after['stack-deploy']).toBeUndefined();
    expect(after['stack-rm']).toBeUndefined();
  });
});
