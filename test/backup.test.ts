import { spawnSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { refusal, requireTool, SEED, synth } from './util';
import { dataScriptFacts, renderDataScript, shellQuote } from '../src/backup/backup-script';
import { renderCompose } from '../src/compose/render-compose';
import { findNetboxRelease, NETBOX_RELEASES } from '../src/netbox/netbox-releases';
import { compileDeployment } from '../src/plan/compile';

const AGE_KEY = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const SERVICE = 'systemd/netbox-backup@.service';
const TIMER = 'systemd/netbox-backup@.timer';

function scriptOf(overrides = {}): string {
  const model = compileDeployment({ ...SEED, ...overrides }).model;
  return renderDataScript(dataScriptFacts(model, renderCompose(model), 'docker compose -p netbox -f compose.yaml')).join('\n');
}

/** The value of a `NAME=...` line of the script. */
const assignment = (script: string, name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(script)?.[1];


describe('the backups option', () => {
  test('unset: no units, every set kept, no secrets in the sets; the runbook says so', () => {
    const s = synth();
    expect(Object.keys(s.files).filter((f) => f.startsWith('systemd/'))).toEqual([]);
    const script: string = s.files['scripts/netbox-data.sh'];
    expect(assignment(script, 'KEEP')).toBe('');
    expect(assignment(script, 'COPY_COMMAND')).toBe("''");
    expect(assignment(script, 'RECIPIENTS')).toBe('()');
    const runbook: string = s.files['README.md'];
    expect(runbook).toContain('The sets do **not** hold the secrets: `.env` stays only on this host.');
    expect(runbook).toContain('Nothing runs on a schedule and every set is kept.');
  });

  test('declared: the script keeps `keep` sets, runs the copy command quoted as written, encrypts for the recipients', () => {
    const copy = 'rclone copy "$BACKUP_SET" \'offsite:net box\'/"$BACKUP_NAME"';
    const s = synth({ backups: { keep: 3, copyCommand: copy, recipients: [AGE_KEY, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk ops@example.org'] } });
    const script: string = s.files['scripts/netbox-data.sh'];
    expect(assignment(script, 'KEEP')).toBe('3');
    // bash reads the quoted word back as exactly the declared command.
    const echoed = spawnSync('bash', ['-c', `COPY_COMMAND=${assignment(script, 'COPY_COMMAND')}; printf %s "$COPY_COMMAND"`], { encoding: 'utf-8' });
    expect(echoed.stdout).toBe(copy);
    expect(assignment(script, 'RECIPIENTS')).toBe(`(${AGE_KEY} 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk ops@example.org')`);
    expect(s.files['README.md']).toContain('Every set holds `.env` encrypted with age (`secrets.env.age`)');
    expect(s.files['README.md']).toContain('sudo systemctl enable --now "netbox-backup@$(systemd-escape --path "$PWD").timer"');
  });

  test('defaults: a nightly schedule and 7 sets', () => {
    const s = synth({ backups: {} });
    expect(s.files[TIMER]).toContain('\nOnCalendar=*-*-* 02:30:00\nPersistent=true\n');
    expect(assignment(s.files['scripts/netbox-data.sh'], 'KEEP')).toBe('7');
  });

  test('bad values are refused with the option path and the fix, all at once', () => {
    const message = refusal({
      backups: { schedule: 'daily\nExecStart=/bin/rm', keep: 0, copyCommand: 'a\nb', recipients: ['age1short', AGE_KEY] },
    });
    expect(message).toContain('the declaration has 4 problems');
    expect(message).toContain('backups.schedule: is not a systemd calendar expression (got "daily\\nExecStart=/bin/rm"). Use one line such as');
    expect(message).toContain('backups.keep: is not a number of backup sets (got 0). Use a whole number of 1 or more');
    expect(message).toContain('backups.copyCommand: is not a one-line shell command (got "a\\nb").');
    expect(message).toContain('backups.recipients[0]: is not an age recipient (got "age1short"). Use an age public key');
    expect(message).not.toContain('recipients[1]');
  });
});

describe('the systemd units', () => {
  const systemdAnalyze = () => requireTool('systemd-analyze');

  test.each([
    ['the default schedule', {}],
    ['weekdays at night', { schedule: 'Mon..Fri 22:00' }],
    ['every 6 hours', { schedule: '*-*-* 00/6:00:00' }],
  ])('%s: systemd-analyze verify accepts the service and the timer, and its calendar parses the schedule', (_name, backups) => {
    const s = synth({ backups });
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-units-'));
    for (const file of [SERVICE, TIMER]) writeFileSync(path.join(dir, path.basename(file)), s.files[file]);
    const verify = spawnSync(systemdAnalyze(), ['verify', path.join(dir, 'netbox-backup@.service'), path.join(dir, 'netbox-backup@.timer')],
      { encoding: 'utf-8' });
    expect({ status: verify.status, stderr: verify.stderr }).toEqual({ status: 0, stderr: '' });
    const schedule = /^OnCalendar=(.*)$/m.exec(s.files[TIMER])![1];
    const calendar = spawnSync(systemdAnalyze(), ['calendar', schedule], { encoding: 'utf-8' });
    expect({ status: calendar.status, stderr: calendar.stderr }).toEqual({ status: 0, stderr: '' });
  });

  test('the verifier is not a rubber stamp: it rejects a broken unit', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-units-'));
    const broken = synth({ backups: {} }).files[SERVICE].replace('ExecStart=/bin/bash', 'ExecStart=bash-relative');
    writeFileSync(path.join(dir, 'netbox-backup@.service'), broken);
    const verify = spawnSync(systemdAnalyze(), ['verify', path.join(dir, 'netbox-backup@.service')], { encoding: 'utf-8' });
    expect(verify.status).not.toBe(0);
  });

  test('the service runs the script in the instance directory; the timer catches up missed runs', () => {
    const s = synth({ backups: { schedule: 'hourly' } });
    expect(s.files[SERVICE]).toContain('\nType=oneshot\nWorkingDirectory=%f\nExecStart=/bin/bash %f/scripts/netbox-data.sh backup\n');
    expect(s.files[TIMER]).toContain('\nOnCalendar=hourly\nPersistent=true\n');
    expect(s.files[TIMER]).toContain('\nWantedBy=timers.target');
    expect(s.files[SERVICE].split('\n')[0]).toMatch(/^# ~~ Generated by projen/);
  });
});

describe('the rendered script', () => {
  test.each(NETBOX_RELEASES.map((r) => r.tag))('%s: bash accepts it; it backs up the volumes that release mounts on NetBox', (netboxVersion) => {
    const model = compileDeployment({ ...SEED, name: 'ipam-prod', netboxVersion }).model;
    const compose = renderCompose(model);
    const script = renderDataScript(dataScriptFacts(model, compose, 'docker compose -p ipam-prod -f compose.yaml'), 'marker').join('\n');
    const dir = mkdtempSync(path.join(tmpdir(), 'nbp-script-'));
    writeFileSync(path.join(dir, 'netbox-data.sh'), script);
    const syntax = spawnSync('bash', ['-n', path.join(dir, 'netbox-data.sh')], { encoding: 'utf-8' });
    expect({ status: syntax.status, stderr: syntax.stderr }).toEqual({ status: 0, stderr: '' });
    expect(script).toContain('compose() { docker compose -p ipam-prod -f compose.yaml "$@"; }');
    const mounted = (compose.services.netbox.volumes as string[]).filter((v) => !v.startsWith('./'));
    expect(assignment(script, 'VOLUMES')).toBe(`(${mounted.join(' ')})`);
    // Every service running the NetBox image is stopped during a restore (the housekeeping container too, where there is one).
    expect(assignment(script, 'WRITERS')).toBe(findNetboxRelease(netboxVersion)!.housekeeping
      ? '(netbox=1 netbox-worker=1 netbox-housekeeping=1)' : '(netbox=1 netbox-worker=1)');
    expect(assignment(script, 'NETBOX_TAG')).toBe(netboxVersion);
  });

  test('the NetBox version and Postgres major the manifest records come from the release', () => {
    const script = scriptOf({ netboxVersion: 'v4.4-3.4.1' });
    expect(assignment(script, 'NETBOX_VERSION')).toBe('4.4.0');
    expect(assignment(script, 'POSTGRES_MAJOR')).toBe('17');
    expect(assignment(script, 'LAST_MINOR')).toBe('([2]=11 [3]=7)');
    expect(assignment(script, 'STEP_TAG')).toBe('([3]=v3.7-2.8.0)');
    expect(assignment(scriptOf({ netboxVersion: 'v3.0-1.4.1', superusers: ['a@example.org'] }), 'DATA_SECRETS')).toBe('NETBOX_SECRET_KEY');
  });

  test('under Swarm it knows the replicas to restore and the data node label', () => {
    const script = scriptOf({ swarm: true, swarmOptions: { netboxReplicas: 2, dataNodeLabel: 'db' } });
    expect(assignment(script, 'SWARM_DECLARED')).toBe('1');
    expect(assignment(script, 'WRITERS')).toBe('(netbox=2 netbox-worker=1)');
    expect(assignment(script, 'DATA_NODE_LABEL')).toBe('db');
  });

  test('the NetBox image is the one compose.yaml runs, overrides included', () => {
    const script = scriptOf({ composeOverrides: { 'services.netbox.image': 'registry.example.org/netbox-plugins:v4.7-1', 'services.netbox-worker.image': 'registry.example.org/netbox-plugins:v4.7-1' } });
    expect(assignment(script, 'NETBOX_IMAGE')).toBe('registry.example.org/netbox-plugins:v4.7-1');
    expect(assignment(script, 'WRITERS')).toBe('(netbox=1 netbox-worker=1)');
  });

  test('shellQuote leaves plain words alone and single-quotes the rest', () => {
    expect(shellQuote('netbox-media-files:/opt/netbox')).toBe('netbox-media-files:/opt/netbox');
    expect(shellQuote("it's $HOME")).toBe("'it'\\''s $HOME'");
  });
});

describe('the volume table', () => {
  test('a row added to the table is mounted on NetBox and archived by the backup, with no other edit', () => {
    const extra = { name: 'netbox-extra-files', mount: '/opt/netbox/netbox/extra', netboxData: 'always' };
    // A fresh module registry: its table gets the row, exactly as an edit of stack-names.ts would add it.
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const names = require('../src/model/stack-names');
      names.VOLUMES.extra = extra;
      const { NetboxPomeriumProject } = require('../src');
      const { Testing } = require('projen');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const files = Testing.synth(new NetboxPomeriumProject(SEED));
      const compose = parse(files['compose.yaml']);
      expect(compose.services.netbox.volumes).toContain('netbox-extra-files:/opt/netbox/netbox/extra');
      expect(compose.volumes['netbox-extra-files']).toEqual({ driver: 'local' });
      const volumes = assignment(files['scripts/netbox-data.sh'], 'VOLUMES');
      expect(volumes).toBe('(netbox-media-files:/opt/netbox/netbox/media netbox-reports-files:/opt/netbox/netbox/reports '
        + 'netbox-scripts-files:/opt/netbox/netbox/scripts netbox-extra-files:/opt/netbox/netbox/extra)');
      expect(files['README.md']).toContain('`volumes/netbox-extra-files.tar.gz`');
    });
    // The real table is untouched.
    expect(assignment(scriptOf(), 'VOLUMES')).not.toContain('extra');
  });
});

describe('the runbook', () => {
  test('describes sets, restore, verify, schedule and secrets, and the Swarm difference when swarm is on', () => {
    const runbook: string = synth({ swarm: true, backups: { keep: 5, copyCommand: 'aws s3 cp --recursive "$BACKUP_SET" s3://b/"$BACKUP_NAME"' } }).files['README.md'];
    expect(runbook).toMatch(/^## Backups$/m);
    expect(runbook).toContain('`npx projen restore -- <set>`');
    expect(runbook).toContain('`npx projen verify-backup -- <set>`');
    expect(runbook).toContain('the newest 5 sets stay (`backups.keep`)');
    expect(runbook).toContain('`backups/last-backup.status`');
    expect(runbook).toContain('Run them on the data node (label `netbox.data=true`)');
    expect(runbook).toContain('| `systemd/` | backups: the service and timer that run the backup on the host |');
  });
});
