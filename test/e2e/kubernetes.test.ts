import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { cleanEnv, e2eContext, editProjenrc, exists, projen, projenNew, SEED_FLAGS } from './context';

/** Every file below `dir/k8s`, relative path → content. */
function k8sTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel))) {
      const relPath = path.join(rel, entry);
      if (statSync(path.join(dir, relPath)).isDirectory()) walk(relPath);
      else files[relPath] = readFileSync(path.join(dir, relPath), 'utf-8');
    }
  };
  walk('k8s');
  return files;
}

describe('end to end: projen new --kubernetes, then a domain change', () => {
  test('every manifest derived from the domain follows it; nothing else changes; k8s-apply runs kubectl', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'nbp-k8s-e2e-')), 'netbox-k8s');
    mkdirSync(dir);
    projenNew(dir, e2eContext().tarball, [...SEED_FLAGS, '--kubernetes']);
    expect(readFileSync(path.join(dir, '.projenrc.ts'), 'utf-8')).toContain('kubernetes: true,');
    for (const file of ['k8s/kustomization.yaml', 'k8s/traefik/ingressroute-netbox-k8s.yaml', 'k8s/pomerium/configmap-pomerium-config.yaml', 'k8s/secrets.env']) {
      expect({ file, exists: exists(dir, file) }).toEqual({ file, exists: true });
    }
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf-8').split('\n')).toContain('/k8s/secrets.env');
    const before = k8sTree(dir);
    const withOldDomain = Object.keys(before).filter((f) => before[f].includes('netbox.example.org'));

    editProjenrc(dir, 'domain: "netbox.example.org",', 'domain: "ipam.example.com",');
    const r = projen(dir);
    expect(r.stderr).not.toContain('Synthesis failed');
    expect(r.status).toBe(0);
    const after = k8sTree(dir);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());

    // No manifest keeps the old domain, and every file that named it now names the new one.
    expect(Object.keys(after).filter((f) => after[f].includes('netbox.example.org'))).toEqual([]);
    for (const f of withOldDomain) expect({ f, follows: after[f].includes('ipam.example.com') }).toEqual({ f, follows: true });
    // What changed is exactly what derives from the domain: the route, Pomerium's config, NetBox's settings, and the pods
    // that read a changed configuration (their digest annotation rolls them).
    const changed = Object.keys(after).filter((f) => after[f] !== before[f]).sort();
    expect(changed).toEqual([
      'k8s/netbox/configmap-netbox-env.yaml',
      'k8s/netbox/deployment-netbox-worker.yaml',
      'k8s/netbox/deployment-netbox.yaml',
      'k8s/pomerium/configmap-pomerium-config.yaml',
      'k8s/pomerium/deployment-pomerium.yaml',
      'k8s/traefik/ingressroute-netbox-k8s.yaml',
    ]);
    const route = parse(after['k8s/traefik/ingressroute-netbox-k8s.yaml']);
    expect(route.spec.routes[0].match).toBe('Host(`ipam.example.com`) || Host(`authenticate.ipam.example.com`)');
    const config = parse(parse(after['k8s/pomerium/configmap-pomerium-config.yaml']).data['config.yaml']);
    expect(config.routes[0].from).toBe('https://ipam.example.com');
    expect(config.authenticate_service_url).toBe('https://authenticate.ipam.example.com');
    expect(parse(after['k8s/netbox/configmap-netbox-env.yaml']).data.CSRF_TRUSTED_ORIGINS).toBe('https://ipam.example.com');
    // The secrets stay as they were.
    expect(after['k8s/secrets.env']).toBe(before['k8s/secrets.env']);

    // k8s-apply, as a user runs it, with a recording kubectl: refused until the client secret is pasted.
    const bin = mkdtempSync(path.join(tmpdir(), 'nbp-fake-kubectl-'));
    writeFileSync(path.join(bin, 'kubectl'), `#!/bin/sh\necho "$@" >> "${bin}/calls"\n`);
    chmodSync(path.join(bin, 'kubectl'), 0o755);
    const apply = () => spawnSync('npx', ['projen', 'k8s-apply'], {
      cwd: dir, encoding: 'utf-8', env: { ...cleanEnv(), PROJEN_DISABLE_POST: 'true', PATH: `${bin}:${process.env.PATH}` },
    });
    let run = apply();
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('k8s/secrets.env: paste IDP_CLIENT_SECRET=<value> first');
    expect(existsSync(path.join(bin, 'calls'))).toBe(false);
    writeFileSync(path.join(dir, 'k8s/secrets.env'), `${after['k8s/secrets.env']}IDP_CLIENT_SECRET=client-secret-value\n`);
    run = apply();
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.not.stringContaining('failed') });
    expect(readFileSync(path.join(bin, 'calls'), 'utf-8')).toBe('apply -k k8s\n');
  });
});
