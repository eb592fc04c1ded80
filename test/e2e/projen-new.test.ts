import { readFileSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { copySeedDeployment, e2eContext, editProjenrc, exists, git, projen, treeHash } from './context';

/**
 * `projen new --from <packed library> netbox-pomerium <seed flags>` (run once in the global
 * setup), then `npx projen` in copies of the result.
 */
describe('projen new --from the packed library, with the seed\'s flags', () => {
  const { seedDeployment } = e2eContext();
  const read = (file: string) => readFileSync(path.join(seedDeployment, file), 'utf-8');

  test('.projenrc.ts holds the flags as typed options and constructs NetboxPomeriumProject', () => {
    const rc = read('.projenrc.ts');
    expect(rc).toContain('import { IdpProvider, NetboxPomeriumProject } from "projen-netbox-pomerium";');
    expect(rc).toContain('new NetboxPomeriumProject({');
    expect(rc).toContain('idpProvider: IdpProvider.AZURE,');
    expect(rc).toContain('domain: "netbox.example.org",');
    expect(rc).toContain('allowedGroups: ["62f8f72a-3e06-11ec-9bbc-0242ac130002"],');
    expect(rc).toContain('traefikNetwork: "traefik-proxy",');
    expect(rc).toMatch(/devDeps: \["projen-netbox-pomerium@file:.*\.tgz"\]/);
  });

  test('the deployment files are there, and the secrets file is private', () => {
    for (const file of ['compose.yaml', 'pomerium/config.yaml', 'env/netbox.env', 'env/postgres.env', '.env']) {
      expect({ file, exists: exists(seedDeployment, file) }).toEqual({ file, exists: true });
    }
    const compose = parse(read('compose.yaml'));
    expect(compose.services.pomerium.labels['traefik.http.routers.seed-deployment.rule'])
      .toBe('Host(`netbox.example.org`) || Host(`authenticate.netbox.example.org`)');
  });

  test('npx projen again changes nothing (idempotent)', () => {
    const dir = copySeedDeployment();
    const before = treeHash(dir);
    const r = projen(dir);
    expect(r.status).toBe(0);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(treeHash(dir)).toBe(before);
  });

  test('removing something from the declaration removes what it produced', () => {
    const dir = copySeedDeployment();
    const app = '\n  apps: [{ name: "grafana", image: "grafana/grafana:11.3.0", port: 3000, host: "grafana.example.org", environment: { GF_AUTH_PROXY_ENABLED: "true" } }],';
    editProjenrc(dir, 'domain: "netbox.example.org",', `domain: "netbox.example.org",${app}`);
    expect(projen(dir).status).toBe(0);
    expect(exists(dir, 'env/grafana.env')).toBe(true);
    expect(parse(readFileSync(path.join(dir, 'compose.yaml'), 'utf-8')).services.grafana).toBeDefined();

    // Take the app and the e-mail rule out again.
    editProjenrc(dir, app, '');
    editProjenrc(dir, '  allowedEmails: ["user@example.com"],\n', '');
    expect(projen(dir).status).toBe(0);
    expect(exists(dir, 'env/grafana.env')).toBe(false);
    const compose = parse(readFileSync(path.join(dir, 'compose.yaml'), 'utf-8'));
    expect(compose.services.grafana).toBeUndefined();
    expect(compose.networks['grafana-internal']).toBeUndefined();
    const config = readFileSync(path.join(dir, 'pomerium/config.yaml'), 'utf-8');
    expect(config).not.toContain('user@example.com');
    expect(config).not.toContain('grafana');
  });
});
