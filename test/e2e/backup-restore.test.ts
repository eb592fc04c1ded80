import { execFileSync, spawnSync, SpawnSyncReturns } from 'child_process';
import { createHash } from 'crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { cleanEnv, copySeedDeployment, editProjenrc, git, projen } from './context';
import { dataScriptFacts, renderDataScript } from '../../src/backup/backup-script';
import { renderCompose } from '../../src/compose/render-compose';
import { NetboxPomeriumProjectOptions } from '../../src/netbox-pomerium-options';
import { compileDeployment } from '../../src/plan/compile';
import { FAKE_DATABASE, fakeDataDocker, FakeDataDocker, readFiles, writeFiles } from '../fake-data-docker';
import { fileMode, SEED, treeHash } from '../util';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

const VOLUME_FILES: Record<string, Record<string, string>> = {
  '/opt/netbox/netbox/media': { 'image-attachments/rack_1.png': 'PNG rack', 'devicetype-images/front.jpg': 'JPG front' },
  '/opt/netbox/netbox/reports': { 'legacy_report.py': 'class Legacy: pass\n' },
  '/opt/netbox/netbox/scripts': { 'inventory.py': 'class Inventory: pass\n', 'with space/helper lib.py': 'HELPER = 1\n' },
};
const VOLUME_OF: Record<string, string> = {
  '/opt/netbox/netbox/media': 'netbox-media-files',
  '/opt/netbox/netbox/reports': 'netbox-reports-files',
  '/opt/netbox/netbox/scripts': 'netbox-scripts-files',
};
const DOTENV = "NETBOX_SECRET_KEY='k'\nNETBOX_API_TOKEN_PEPPER_1='p'\n";

/** A deployment directory holding only what the script needs: the script itself and `.env`. */
function scriptDeployment(overrides: Partial<NetboxPomeriumProjectOptions> = {}): string {
  const model = compileDeployment({ ...SEED, ...overrides }).model;
  const dir = mkdtempSync(path.join(tmpdir(), 'nbp-backup-'));
  mkdirSync(path.join(dir, 'scripts'));
  const script = renderDataScript(dataScriptFacts(model, renderCompose(model), `docker compose -p ${model.projectName} -f compose.yaml`));
  writeFileSync(path.join(dir, 'scripts/netbox-data.sh'), script.join('\n') + '\n', { mode: 0o755 });
  writeFileSync(path.join(dir, '.env'), DOTENV, { mode: 0o600 });
  return dir;
}

/** A fake docker holding the NetBox database and the three volumes (Compose mounts and Swarm volumes). */
function seededDocker(project = 'netbox'): FakeDataDocker {
  const fake = fakeDataDocker();
  fake.setDatabase('netbox', FAKE_DATABASE);
  for (const [mount, files] of Object.entries(VOLUME_FILES)) {
    writeFiles(fake.mountDir(mount), files);
    writeFiles(fake.volumeDir(`${project}_${VOLUME_OF[mount]}`), files);
  }
  return fake;
}

type ScriptRun = SpawnSyncReturns<string> & { calls: string[][] };
function runScript(dir: string, fake: FakeDataDocker, args: string[], env: Record<string, string> = {}): ScriptRun {
  fake.resetCalls();
  const r = spawnSync('bash', [path.join(dir, 'scripts/netbox-data.sh'), ...args], {
    cwd: dir, encoding: 'utf-8', env: { ...cleanEnv(), PATH: `${fake.bin}:${process.env.PATH}`, FAKE_STATE: fake.state, ...env },
  });
  return Object.assign(r, { calls: fake.calls() });
}

const sets = (dir: string) => (existsSync(path.join(dir, 'backups'))
  ? readdirSync(path.join(dir, 'backups')).filter((n) => statSync(path.join(dir, 'backups', n)).isDirectory()).sort() : []);

interface Manifest {
  readonly fields: Record<string, string>;
  readonly files: Array<{ sha: string; size: number; path: string }>;
  readonly volumes: Array<{ name: string; mount: string; files: number }>;
  readonly rows: Record<string, number>;
}
function readManifest(set: string): Manifest {
  const fields: Record<string, string> = {};
  const files: Manifest['files'] = [];
  const volumes: Manifest['volumes'] = [];
  const rows: Record<string, number> = {};
  for (const line of readFileSync(path.join(set, 'manifest.tsv'), 'utf-8').split('\n').filter(Boolean)) {
    const [kind, ...rest] = line.split('\t');
    if (kind === 'file') files.push({ sha: rest[0], size: Number(rest[1]), path: rest[2] });
    else if (kind === 'volume') volumes.push({ name: rest[0], mount: rest[1], files: Number(rest[2]) });
    else if (kind === 'rows') rows[rest[0]] = Number(rest[1]);
    else fields[kind] = rest[0];
  }
  return { fields, files, volumes, rows };
}

/** The files of a tar.gz archive (relative path without "./" -> content). */
function archiveFiles(archive: string): Record<string, string> {
  const out = mkdtempSync(path.join(tmpdir(), 'nbp-archive-'));
  execFileSync('tar', ['-xzf', archive, '-C', out]);
  return readFiles(out);
}

/** Replaces one file inside a set's volume archive and fixes the archive's size and checksum in the manifest. */
function tamperInsideArchive(set: string, volume: string, file: string, content: string): void {
  const archive = path.join(set, `volumes/${volume}.tar.gz`);
  const out = mkdtempSync(path.join(tmpdir(), 'nbp-archive-'));
  execFileSync('tar', ['-xzf', archive, '-C', out]);
  writeFileSync(path.join(out, file), content);
  execFileSync('tar', ['-czf', archive, '-C', out, '.']);
  const data = readFileSync(archive);
  const manifest = readFileSync(path.join(set, 'manifest.tsv'), 'utf-8').split('\n')
    .map((l) => (l.endsWith(`\tvolumes/${volume}.tar.gz`) && l.startsWith('file\t') ? `file\t${sha256(data)}\t${data.length}\tvolumes/${volume}.tar.gz` : l));
  writeFileSync(path.join(set, 'manifest.tsv'), manifest.join('\n'));
}

describe('backup sets with a fake docker (Compose)', () => {
  const dir = scriptDeployment();
  const fake = seededDocker();
  let set = '';

  test('backup: one set with the dump, every NetBox volume, and a manifest whose sizes and checksums match', () => {
    const r = runScript(dir, fake, ['backup']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const compose = ['compose', '-p', 'netbox', '-f', 'compose.yaml'];
    expect(r.calls).toEqual([
      [...compose, 'up', '-d', '--wait', 'postgres'],
      [...compose, 'exec', '-T', 'postgres', 'pg_dump', '--format=custom', '--username=netbox', '--dbname=netbox'],
      [...compose, 'exec', '-T', 'postgres', 'pg_restore', '--data-only', '--file=-'],
      ...Object.keys(VOLUME_FILES).map((mount) => [...compose, 'run', '--rm', '--no-deps', '-T', '--user', '0', '-w', mount, '--entrypoint', 'tar',
        'netbox', '-czf', '-', '.']),
    ]);
    expect(sets(dir)).toHaveLength(1);
    const name = sets(dir)[0];
    expect(name).toMatch(/^\d{8}T\d{6}Z$/);
    set = path.join(dir, 'backups', name);
    expect(Object.keys(readFiles(set)).sort()).toEqual([
      'database.pgdump', 'manifest.tsv',
      'volumes/netbox-media-files.sha256', 'volumes/netbox-media-files.tar.gz',
      'volumes/netbox-reports-files.sha256', 'volumes/netbox-reports-files.tar.gz',
      'volumes/netbox-scripts-files.sha256', 'volumes/netbox-scripts-files.tar.gz',
    ]);
    expect(readFileSync(path.join(set, 'database.pgdump'), 'utf-8')).toBe(FAKE_DATABASE);
    for (const [mount, files] of Object.entries(VOLUME_FILES)) {
      expect(archiveFiles(path.join(set, `volumes/${VOLUME_OF[mount]}.tar.gz`))).toEqual(files);
      // One checksum line per file, as sha256sum prints them.
      const listing = readFileSync(path.join(set, `volumes/${VOLUME_OF[mount]}.sha256`), 'utf-8').split('\n').filter(Boolean).sort();
      expect(listing).toEqual(Object.entries(files).map(([f, content]) => `${sha256(content)}  ./${f}`).sort());
    }
    const manifest = readManifest(set);
    expect(manifest.fields).toEqual({
      'netbox-pomerium-backup': '1',
      'project': 'netbox',
      'created': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      'netbox-tag': 'v4.7-5.1.1',
      'netbox-version': '4.7.0',
      'postgres-major': '18',
      'secrets': 'none',
    });
    expect(manifest.files.map((f) => f.path).sort()).toEqual(Object.keys(readFiles(set)).filter((f) => f !== 'manifest.tsv').sort());
    for (const f of manifest.files) {
      const data = readFileSync(path.join(set, f.path));
      expect({ path: f.path, sha: f.sha, size: f.size }).toEqual({ path: f.path, sha: sha256(data), size: data.length });
    }
    expect(manifest.volumes).toEqual([
      { name: 'netbox-media-files', mount: '/opt/netbox/netbox/media', files: 2 },
      { name: 'netbox-reports-files', mount: '/opt/netbox/netbox/reports', files: 1 },
      { name: 'netbox-scripts-files', mount: '/opt/netbox/netbox/scripts', files: 2 },
    ]);
    expect(manifest.rows).toEqual({ 'public.dcim_site': 3, 'public.extras_scriptmodule': 1, 'public.users_token': 0 });
    expect(r.stdout).toContain(`netbox-data: backup ok: backups/${name}`);
    expect(r.stdout).toContain('secrets: not in the set (no backups.recipients)');
    expect(readFileSync(path.join(dir, 'backups/last-backup.status'), 'utf-8')).toMatch(new RegExp(`^status=ok\nexit=0\nset=backups/${name}\n`));
    expect(fileMode(set)).toBe('700');
  });

  test('restore -- <set> puts the database and every file back, and says what it did', () => {
    // The live stack drifts: a row is gone, a file changed, one deleted, one added.
    fake.setDatabase('netbox', FAKE_DATABASE.replace('3\tGamma\tgamma\n', ''));
    writeFileSync(path.join(fake.mountDir('/opt/netbox/netbox/scripts'), 'inventory.py'), 'broken');
    rmSync(path.join(fake.mountDir('/opt/netbox/netbox/media'), 'devicetype-images/front.jpg'));
    writeFileSync(path.join(fake.mountDir('/opt/netbox/netbox/reports'), 'stray.py'), 'not in the set');
    const r = runScript(dir, fake, ['restore', '--', `backups/${path.basename(set)}`]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fake.database('netbox')).toBe(FAKE_DATABASE);
    for (const [mount, files] of Object.entries(VOLUME_FILES)) expect(readFiles(fake.mountDir(mount))).toEqual(files);
    const verbs = r.calls.map((c) => c.slice(5).filter((a) => !a.startsWith('-')).slice(0, 3).join(' '));
    expect(verbs).toEqual([
      'stop', 'up postgres', 'exec postgres dropdb', 'exec postgres createdb', 'exec postgres pg_restore',
      'run 0 /opt/netbox/netbox/media', 'run 0 /opt/netbox/netbox/media',
      'run 0 /opt/netbox/netbox/reports', 'run 0 /opt/netbox/netbox/reports',
      'run 0 /opt/netbox/netbox/scripts', 'run 0 /opt/netbox/netbox/scripts', 'up',
    ]);
    expect(r.stdout).toContain('database netbox: 3 tables');
    expect(r.stdout).toContain('volume netbox-scripts-files (2 files)');
    expect(r.stdout).toContain('secrets: not in the set; this host\'s .env must hold the NETBOX_SECRET_KEY and NETBOX_API_TOKEN_PEPPER_1');
  });

  test('a corrupted set is refused before anything is touched', () => {
    const bad = path.join(dir, 'backups', '20000101T000000Z');
    cpSync(set, bad, { recursive: true });
    const archive = path.join(bad, 'volumes/netbox-scripts-files.tar.gz');
    const data = readFileSync(archive);
    data[data.length - 5] = 255 - data[data.length - 5];
    writeFileSync(archive, data);
    rmSync(path.join(bad, 'volumes/netbox-media-files.sha256'));
    const before = treeHash(fake.state, ['calls']);
    for (const task of ['restore', 'verify']) {
      const r = runScript(dir, fake, [task, '--', '20000101T000000Z']);
      expect(r.status).not.toBe(0);
      expect(r.calls).toEqual([]);
      expect(r.stderr).toContain('backups/20000101T000000Z: volumes/netbox-scripts-files.tar.gz does not match its sha256 in the manifest');
      expect(r.stderr).toContain('backups/20000101T000000Z: volumes/netbox-media-files.sha256 is missing');
      expect(r.stderr).toContain('the set backups/20000101T000000Z is damaged (2 problem(s)); nothing was touched');
    }
    expect(treeHash(fake.state, ['calls'])).toBe(before);
    rmSync(bad, { recursive: true });
  });

  test('a set from a newer NetBox or Postgres, or from before NetBox 3.7, is refused with the steps', () => {
    const edit = (from: string, to: string) => {
      const other = path.join(dir, 'backups', '20000101T000001Z');
      rmSync(other, { recursive: true, force: true });
      cpSync(set, other, { recursive: true });
      const m = path.join(other, 'manifest.tsv');
      writeFileSync(m, readFileSync(m, 'utf-8').replace(from, to));
      const r = runScript(dir, fake, ['restore', '--', 'backups/20000101T000001Z']);
      rmSync(other, { recursive: true });
      expect(r.status).not.toBe(0);
      expect(r.calls).toEqual([]);
      return r.stderr;
    };
    expect(edit('netbox-version\t4.7.0', 'netbox-version\t4.8.0')).toContain('holds a NetBox 4.8.0 database (v4.7-5.1.1), newer than this deployment\'s NetBox 4.7.0');
    expect(edit('netbox-tag\tv4.7-5.1.1\nnetbox-version\t4.7.0', 'netbox-tag\tv3.4-2.5.0\nnetbox-version\t3.4.0'))
      .toContain('NetBox 4.7.0 (v4.7-5.1.1) migrates only from NetBox 3.7 or later. Nothing was touched. Steps: (1) set netboxVersion: \'v3.7-2.8.0\'');
    expect(edit('postgres-major\t18', 'postgres-major\t19')).toContain('comes from Postgres 19; this deployment runs Postgres 18');
  });

  test('verify-backup restores into scratch copies, finds the manifest\'s row counts and checksums, removes the copies', () => {
    const r = runScript(dir, fake, ['verify', '--', 'latest']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`verified backups/${path.basename(set)}: 3 tables with the recorded row counts, 5 files in 3 volume(s) with the recorded checksums`);
    const scratchDb = r.calls.find((c) => c.includes('createdb'))!.slice(-1)[0];
    expect(scratchDb).toMatch(/^netbox_verify_\d+$/);
    expect(r.calls).toContainEqual(expect.arrayContaining(['pg_restore', `--dbname=${scratchDb}`]));
    expect(r.calls).toContainEqual(expect.arrayContaining(['dropdb', scratchDb]));
    const created = r.calls.filter((c) => c[0] === 'volume' && c[1] === 'create').map((c) => c[2]);
    expect(created).toEqual(['media', 'reports', 'scripts'].map((v) => expect.stringMatching(new RegExp(`^netbox_verify_netbox-${v}-files_\\d+$`))));
    expect(r.calls.filter((c) => c[0] === 'volume' && c[1] === 'rm').map((c) => c[3])).toEqual(created);
    // Nothing of the running stack was touched, and the scratch copies are gone.
    expect(r.calls.filter((c) => c[0] === 'compose').map((c) => c[5])).toEqual(['up', 'exec', 'exec', 'exec', 'exec']);
    expect(fake.database(scratchDb)).toBeUndefined();
    expect(readdirSync(path.join(fake.state, 'volumes')).filter((v) => v.includes('verify'))).toEqual([]);
    expect(readFileSync(path.join(dir, 'backups/last-verify.status'), 'utf-8')).toMatch(/^status=ok\n/);
  });

  test('verify-backup reports a changed file and a changed row count, exits non-zero, and still removes the copies', () => {
    const other = path.join(dir, 'backups', '20000101T000002Z');
    cpSync(set, other, { recursive: true });
    tamperInsideArchive(other, 'netbox-scripts-files', 'inventory.py', 'import os; os.system("curl evil")\n');
    const m = path.join(other, 'manifest.tsv');
    writeFileSync(m, readFileSync(m, 'utf-8').replace('rows\tpublic.dcim_site\t3', 'rows\tpublic.dcim_site\t4'));
    const r = runScript(dir, fake, ['verify', '--', 'backups/20000101T000002Z']);
    rmSync(other, { recursive: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('netbox-data: MISMATCH table public.dcim_site: 4 rows in the set, 3 after the restore');
    expect(r.stderr).toMatch(/netbox-data: MISMATCH volume netbox-scripts-files: \.\/inventory\.py differs from the set \(sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}\)/);
    expect(r.stderr).toContain('does not restore to what its manifest records: 2 difference(s)');
    expect(r.stderr).not.toContain('helper lib.py');
    expect(readdirSync(path.join(fake.state, 'volumes')).filter((v) => v.includes('verify'))).toEqual([]);
    expect(readdirSync(path.join(fake.state, 'db'))).toEqual(['netbox']);
    expect(readFileSync(path.join(dir, 'backups/last-verify.status'), 'utf-8')).toMatch(/^status=failed\nexit=1\n/);
  });

  test('a failed backup leaves no set behind, exits non-zero, logs a line and records it in the status file', () => {
    const before = sets(dir);
    const r = runScript(dir, fake, ['backup'], { FAKE_DOCKER_FAIL: '--entrypoint' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('fake docker: failing on --entrypoint');
    expect(r.stderr).toMatch(/^netbox-data: backup FAILED \(exit 3\): volume netbox-media-files \(\/opt\/netbox\/netbox\/media\) -> backups\/\S+: failed \(line \d+: .*\)$/m);
    expect(sets(dir)).toEqual(before);
    expect(readdirSync(path.join(dir, 'backups')).filter((n) => n.endsWith('.partial'))).toEqual([]);
    const status = readFileSync(path.join(dir, 'backups/last-backup.status'), 'utf-8');
    expect(status).toMatch(/^status=failed\nexit=3\nset=backups\/\d{8}T\d{6}Z\n/);
    expect(status).toMatch(/^message=volume netbox-media-files .*: failed \(line \d+: .*\)$/m);
  });
});

describe('plugins in a set', () => {
  const V45 = { netboxVersion: 'v4.5-4.0.0' };

  test('a set records the plugins; a restore where one is missing or at another release warns, and still restores', () => {
    const dir = scriptDeployment({ ...V45, plugins: [{ package: 'netbox-inventory', version: '2.5.1' }, { package: 'Netbox_Topology_Views', version: '4.5.1' }] });
    const fake = seededDocker();
    const backup = runScript(dir, fake, ['backup']);
    expect(backup.status).toBe(0);
    const name = sets(dir)[0];
    const manifest = readFileSync(path.join(dir, 'backups', name, 'manifest.tsv'), 'utf-8').split('\n');
    expect(manifest.filter((l) => l.startsWith('plugin\t'))).toEqual(['plugin\tnetbox-inventory==2.5.1', 'plugin\tnetbox-topology-views==4.5.1']);
    // The throwaway containers run the image NetBox runs: the local build under Compose, the pushed one under Swarm.
    expect(readFileSync(path.join(dir, 'scripts/netbox-data.sh'), 'utf-8')).toMatch(/\nNETBOX_IMAGE=netbox-netbox:v4\.5-4\.0\.0-plugins-[0-9a-f]{12}\n/);
    const swarm = scriptDeployment({
      ...V45,
      plugins: [{ package: 'netbox-inventory', version: '2.5.1' }],
      swarm: true,
      swarmOptions: { pluginImageRepository: 'registry.example.org/netbox' },
    });
    expect(readFileSync(path.join(swarm, 'scripts/netbox-data.sh'), 'utf-8')).toMatch(/\nNETBOX_IMAGE=registry\.example\.org\/netbox:v4\.5-4\.0\.0-plugins-[0-9a-f]{12}\n/);

    const other = scriptDeployment({ ...V45, plugins: [{ package: 'netbox-inventory', version: '2.5.2', compatibilityChecked: true }] });
    cpSync(path.join(dir, 'backups'), path.join(other, 'backups'), { recursive: true });
    fake.setDatabase('netbox', '');
    const r = runScript(other, fake, ['restore', '--', 'latest']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fake.database('netbox')).toBe(FAKE_DATABASE);
    expect(r.stdout).toContain(`netbox-data: warning: backups/${name} was taken with the plugin netbox-topology-views 4.5.1, which this deployment does not install`);
    expect(r.stdout).toContain(`netbox-data: warning: backups/${name} was taken with netbox-inventory 2.5.1; this deployment installs 2.5.2.`);

    // The same plugins: no warning.
    const same = runScript(dir, fake, ['restore', '--', 'latest']);
    expect(same.status).toBe(0);
    expect(same.stdout).not.toContain('warning');
  });
});

describe('retention, copy off the host and encrypted secrets', () => {
  const offsite = mkdtempSync(path.join(tmpdir(), 'nbp-offsite-'));
  const keyDir = mkdtempSync(path.join(tmpdir(), 'nbp-age-'));
  // age must be installed (.ci/install-tools.sh); without it this throws and the tests fail.
  execFileSync('age-keygen', ['-o', path.join(keyDir, 'key')], { stdio: 'ignore' });
  const recipient = execFileSync('age-keygen', ['-y', path.join(keyDir, 'key')], { encoding: 'utf-8' }).trim();
  const dir = scriptDeployment({ backups: { keep: 2, copyCommand: `cp -R "$BACKUP_SET" ${offsite}/"$BACKUP_NAME"`, recipients: [recipient] } });
  const fake = seededDocker();

  test('keep: 2 keeps exactly the two newest sets; each set was copied off the host first', () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = runScript(dir, fake, ['backup']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      made.push(/backup ok: backups\/(\S+)/.exec(r.stdout)![1]);
    }
    expect(new Set(made).size).toBe(3);
    expect(sets(dir)).toEqual(made.slice(1));
    expect(readdirSync(offsite).sort()).toEqual(made);
    expect(readFiles(path.join(offsite, made[2]))).toEqual(readFiles(path.join(dir, 'backups', made[2])));
  });

  test('a set holds .env encrypted for the declared recipient, listed in the manifest', () => {
    const set = path.join(dir, 'backups', sets(dir).slice(-1)[0]);
    const manifest = readManifest(set);
    expect(manifest.fields.secrets).toBe('age');
    expect(manifest.files.map((f) => f.path)).toContain('secrets.env.age');
    expect(readFileSync(path.join(set, 'secrets.env.age'), 'utf-8')).not.toContain('NETBOX_SECRET_KEY');
    const plain = execFileSync('age', ['-d', '-i', path.join(keyDir, 'key'), path.join(set, 'secrets.env.age')], { encoding: 'utf-8' });
    expect(plain).toBe(DOTENV);
  });

  test('a failing copy command fails the backup and removes no older set', () => {
    const failing = scriptDeployment({ backups: { keep: 1, copyCommand: 'exit 7', recipients: [recipient] } });
    const first = runScript(failing, fake, ['backup']);
    expect(first.status).not.toBe(0);
    expect(first.stderr).toContain('the copy command failed; the set stays at backups/');
    const second = runScript(failing, fake, ['backup']);
    expect(second.status).not.toBe(0);
    expect(sets(failing)).toHaveLength(2);
    expect(readFileSync(path.join(failing, 'backups/last-backup.status'), 'utf-8')).toMatch(/^status=failed\n/);
  });
});

describe('the same sets under Swarm', () => {
  const dir = scriptDeployment({ swarm: true, swarmOptions: { netboxReplicas: 2, workerReplicas: 3 } });
  const fake = seededDocker();
  fake.swarm(true);

  test('backup finds the Postgres container and the volumes of the stack, and writes the same set', () => {
    const r = runScript(dir, fake, ['backup']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.calls.slice(0, 4)).toEqual([
      ['service', 'inspect', 'netbox_postgres'],
      ['ps', '-q', '--filter', 'label=com.docker.swarm.service.name=netbox_postgres'],
      ['exec', '-i', 'fake-postgres-container', 'pg_dump', '--format=custom', '--username=netbox', '--dbname=netbox'],
      ['exec', '-i', 'fake-postgres-container', 'pg_restore', '--data-only', '--file=-'],
    ]);
    expect(r.calls).toContainEqual(['run', '--rm', '-i', '--network', 'none', '--user', '0', '-v', 'netbox_netbox-scripts-files:/opt/netbox/netbox/scripts',
      '-w', '/opt/netbox/netbox/scripts', '--entrypoint', 'tar', 'netboxcommunity/netbox:v4.7-5.1.1', '-czf', '-', '.']);
    expect(r.calls.some((c) => c[0] === 'compose')).toBe(false);
    const set = path.join(dir, 'backups', sets(dir)[0]);
    expect(Object.keys(readFiles(set))).toHaveLength(8);
    for (const [mount, files] of Object.entries(VOLUME_FILES)) expect(archiveFiles(path.join(set, `volumes/${VOLUME_OF[mount]}.tar.gz`))).toEqual(files);
  });

  test('restore scales NetBox to 0, replaces the volumes of the stack, and scales back to the declared replicas', () => {
    writeFileSync(path.join(fake.volumeDir('netbox_netbox-media-files'), 'image-attachments/rack_1.png'), 'changed');
    const r = runScript(dir, fake, ['restore', '--', 'latest']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const scales = r.calls.filter((c) => c[0] === 'service' && c[1] === 'scale').map((c) => c.slice(3));
    expect(scales).toEqual([['netbox_netbox=0', 'netbox_netbox-worker=0'], ['netbox_netbox=2', 'netbox_netbox-worker=3']]);
    expect(readFiles(fake.volumeDir('netbox_netbox-media-files'))).toEqual(VOLUME_FILES['/opt/netbox/netbox/media']);
  });
});

describe('the tasks of a real deployment (npx projen), with a fake docker on PATH', () => {
  const dir = copySeedDeployment();
  const fake = seededDocker('seed-deployment');
  const env = () => ({ ...cleanEnv(), PROJEN_DISABLE_POST: 'true', PATH: `${fake.bin}:${process.env.PATH}`, FAKE_STATE: fake.state });
  const task = (...args: string[]) => {
    fake.resetCalls();
    return spawnSync('npx', ['projen', ...args], { cwd: dir, encoding: 'utf-8', env: env() });
  };

  test('the script is generated, committed, read-only and executable; backup, restore and verify-backup run it', () => {
    expect(git(dir, 'ls-files', 'scripts/netbox-data.sh').trim()).toBe('scripts/netbox-data.sh');
    // projen writes read-only generated files as 0444, read-only executable ones as 0544 (projen's getFilePermissions).
    expect(fileMode(path.join(dir, 'scripts/netbox-data.sh'))).toBe('544');
    const tasks = JSON.parse(readFileSync(path.join(dir, '.projen/tasks.json'), 'utf-8')).tasks;
    expect(tasks.backup.steps[0]).toEqual({ execArgs: ['bash', 'scripts/netbox-data.sh', 'backup'] });
    expect(tasks.restore.steps[0]).toEqual({ execArgs: ['bash', 'scripts/netbox-data.sh', 'restore'], receiveArgs: true });
    expect(tasks['verify-backup'].steps[0]).toEqual({ execArgs: ['bash', 'scripts/netbox-data.sh', 'verify'], receiveArgs: true });
    const script = readFileSync(path.join(dir, 'scripts/netbox-data.sh'), 'utf-8');
    expect(script).toContain(`compose() { ${tasks.up.steps[0].exec.replace(/ up -d$/, '')} "$@"; }`);
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf-8')).toMatch(/^\/backups\/$/m);

    const backup = task('backup');
    expect(backup.status).toBe(0);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const verify = task('verify-backup', '--', 'latest');
    expect(verify.stderr).not.toMatch(/MISMATCH|damaged/);
    expect(verify.status).toBe(0);
    const restore = task('restore', '--', 'latest');
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain('netbox-data: restored from backups/');
    expect(fake.calls()).toContainEqual(['compose', '-p', 'seed-deployment', '-f', 'compose.yaml', 'stop']);
    const usage = task('restore');
    expect(usage.status).not.toBe(0);
    expect(usage.stderr).toContain('netbox-data: usage: npx projen restore -- <set> (a directory under backups/, its name, or latest)');
  });

  test('declaring backups emits the systemd units and turns on retention', () => {
    editProjenrc(dir, 'domain: "netbox.example.org",', 'domain: "netbox.example.org",\n  backups: { keep: 1, schedule: "Mon..Fri 22:00" },');
    const synth = projen(dir);
    expect(synth.stderr).not.toMatch(/problem/);
    expect(synth.status).toBe(0);
    expect(readFileSync(path.join(dir, 'systemd/seed-deployment-backup@.timer'), 'utf-8')).toContain('\nOnCalendar=Mon..Fri 22:00\n');
    expect(readFileSync(path.join(dir, 'systemd/seed-deployment-backup@.service'), 'utf-8')).toContain('\nExecStart=/bin/bash %f/scripts/netbox-data.sh backup\n');
    expect(task('backup').status).toBe(0);
    expect(readdirSync(path.join(dir, 'backups')).filter((n) => /^\d{8}T\d{6}Z$/.test(n))).toHaveLength(1);
  });
});
