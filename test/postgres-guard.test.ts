import { mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { SEED, treeHash, withoutPostSynthesis } from './util';
import { NetboxPomeriumProject, NetboxPomeriumProjectOptions } from '../src';
import { checkPostgresUpgrade, postgresLayoutOf, previousPostgresLayout } from '../src/model/postgres-guard';
import { DeclarationProblems } from '../src/model/problems';
import { DEFAULT_NETBOX_TAG, findNetboxRelease, postgresMajor } from '../src/netbox/netbox-releases';

/** Synthesizes into `outdir` the way `npx projen` does (no post-synthesis install). */
function synthInto(outdir: string, options: Partial<NetboxPomeriumProjectOptions>): void {
  new NetboxPomeriumProject({ ...SEED, ...options, outdir }).synth();
}

const composeIn = (dir: string) => parse(readFileSync(path.join(dir, 'compose.yaml'), 'utf-8'));
/** An older release whose Postgres major and data path differ from the newest one's (taken from the release table). */
const OLD = 'v4.4-3.4.1';
const old = findNetboxRelease(OLD)!;
const newest = findNetboxRelease(DEFAULT_NETBOX_TAG)!;

describe('a resynthesis that would orphan the database is refused', () => {
  withoutPostSynthesis();

  test('an older Postgres major and data path: refused with the upgrade steps, nothing written; the opt-in lets it through', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-pg-'));
    synthInto(dir, { netboxVersion: OLD });
    expect(composeIn(dir).services.postgres.image).toBe(old.postgresImage);
    expect(postgresMajor(old.postgresImage)).toBeLessThan(postgresMajor(newest.postgresImage));
    expect(old.postgresDataPath).not.toBe(newest.postgresDataPath);
    const before = treeHash(dir);

    let message = '';
    try {
      synthInto(dir, {});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^netbox-pomerium: the declaration has 1 problem; nothing was written\./);
    expect(message).toContain(`  - netboxVersion: would move the existing database (Postgres ${postgresMajor(old.postgresImage)} -> `
      + `${postgresMajor(newest.postgresImage)} (a new major version cannot read the old data files); `
      + `data path ${old.postgresDataPath} -> ${newest.postgresDataPath})`);
    expect(message).toContain(`(got "${old.postgresImage} at ${old.postgresDataPath} -> ${newest.postgresImage} at ${newest.postgresDataPath}").`);
    expect(message).toMatch(/To upgrade: \(1\) .*npx projen backup; \(2\) npx projen down; \(3\) .*docker volume rm netbox_netbox-postgres-data; \(4\) set the new netboxVersion and allowPostgresUpgrade: true, then npx projen and npx projen up; \(5\) npx projen restore -- backups\/<set>; \(6\) remove allowPostgresUpgrade\. Or keep the previous netboxVersion\./);
    expect(treeHash(dir)).toBe(before);

    synthInto(dir, { allowPostgresUpgrade: true });
    expect(composeIn(dir).services.postgres.image).toBe(newest.postgresImage);
    expect(composeIn(dir).services.postgres.volumes).toEqual([`netbox-postgres-data:${newest.postgresDataPath}`]);
    // Once upgraded, the opt-in is no longer needed: the previous file now names Postgres 18.
    const after = treeHash(dir);
    synthInto(dir, {});
    expect(treeHash(dir)).toBe(after);
  });

  test('a Postgres image changed through composeOverrides is caught as well', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-pg-'));
    synthInto(dir, {});
    const before = treeHash(dir);
    expect(() => synthInto(dir, { composeOverrides: { 'services.postgres.image': 'postgres:17-alpine' } }))
      .toThrow(`netboxVersion: would move the existing database (Postgres ${postgresMajor(newest.postgresImage)} -> 17 `);
    expect(treeHash(dir)).toBe(before);
  });

  test('a first synthesis, a new patch tag of the same major, and an unrelated change pass', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-pg-'));
    synthInto(dir, {});
    const samePatch = newest.postgresImage.replace(/:(\d+)/, ':$1.1');
    synthInto(dir, { composeOverrides: { 'services.postgres.image': samePatch } });
    expect(composeIn(dir).services.postgres.image).toBe(samePatch);
    synthInto(dir, { domain: 'ipam.example.org' });
    expect(composeIn(dir).services.postgres.image).toBe(newest.postgresImage);
  });

  test('a read-only previous compose file from projen does not stop the guard from reading it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-pg-'));
    synthInto(dir, { netboxVersion: OLD });
    chmodSync(path.join(dir, 'compose.yaml'), 0o444);
    expect(previousPostgresLayout(path.join(dir, 'compose.yaml')))
      .toEqual({ image: old.postgresImage, volume: 'netbox-postgres-data', dataPath: old.postgresDataPath });
  });
});

describe('the guard itself', () => {
  const refused = (previous: any, next: any, allow = false) => {
    const p = new DeclarationProblems();
    checkPostgresUpgrade(p, previous, next, allow, 'demo');
    return p.messages;
  };
  const PG16 = { image: 'postgres:16-alpine', volume: 'netbox-postgres-data', dataPath: '/var/lib/postgresql/data' };
  const PG18 = { image: 'postgres:18-alpine', volume: 'netbox-postgres-data', dataPath: '/var/lib/postgresql' };

  test('no previous file: nothing to protect', () => {
    expect(refused(undefined, PG18)).toEqual([]);
  });

  test('same layout passes; a major bump, a data path or a volume change is refused; the opt-in passes all', () => {
    expect(refused(PG16, { ...PG16, image: 'postgres:16.4-alpine' })).toEqual([]);
    expect(refused(PG16, PG18)).toEqual([expect.stringMatching(/^netboxVersion: would move the existing database \(Postgres 16 -> 18 .*docker volume rm demo_netbox-postgres-data/)]);
    expect(refused(PG16, { ...PG16, dataPath: '/data' })).toEqual([expect.stringContaining('(data path /var/lib/postgresql/data -> /data)')]);
    expect(refused(PG16, { ...PG16, volume: 'netbox-postgres' })).toEqual([expect.stringContaining('(volume netbox-postgres-data -> netbox-postgres)')]);
    expect(refused(PG16, PG18, true)).toEqual([]);
  });

  test('layouts are read from short and long volume syntax; an unreadable file counts as none', () => {
    expect(postgresLayoutOf({ services: { postgres: { image: 'postgres:16', volumes: ['pg:/var/lib/postgresql/data:rw'] } } }))
      .toEqual({ image: 'postgres:16', volume: 'pg', dataPath: '/var/lib/postgresql/data' });
    expect(postgresLayoutOf({ services: { postgres: { image: 'postgres:18', volumes: [{ type: 'volume', source: 'pg', target: '/var/lib/postgresql' }] } } }))
      .toEqual({ image: 'postgres:18', volume: 'pg', dataPath: '/var/lib/postgresql' });
    expect(postgresLayoutOf({ services: {} })).toBeUndefined();
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-pg-'));
    writeFileSync(path.join(dir, 'compose.yaml'), 'services: [unbalanced');
    expect(previousPostgresLayout(path.join(dir, 'compose.yaml'))).toBeUndefined();
    expect(previousPostgresLayout(path.join(dir, 'missing.yaml'))).toBeUndefined();
  });
});
