import { SET_FILES } from './backup-script';
import { backupSyslogIdentifier, backupUnitName, UNITS_DIR } from './backup-units';
import type { StackModel } from '../model/deployment-model';
import { BACKUP_DIR, BACKUP_STATUS_FILE, FILES, netboxDataVolumes, SECRETS_FILE, TASKS, VERIFY_STATUS_FILE } from '../model/stack-names';
import { dataSecretNames } from '../secrets/secret-specs';

/** The runbook's "Backups" section: the sets, restore, verify, the schedule and the secrets. */
export function backupRunbookSection(model: StackModel): string[] {
  const code = (s: string) => `\`${s}\``;
  const task = (name: string, args = '') => code(`npx projen ${name}${args}`);
  const volumes = netboxDataVolumes(model.netbox.release);
  const b = model.backups;
  const service = backupUnitName(model.projectName, 'service');
  const timer = backupUnitName(model.projectName, 'timer');
  const instance = timer.replace('@.timer', '@$(systemd-escape --path "$PWD").timer');
  const dataSecrets = dataSecretNames(model.secrets);
  return [
    '## Backups',
    '',
    `${task(TASKS.backup)} writes one **set**, a directory ${code(`${BACKUP_DIR}/<UTC time>/`)} (git-ignored, mode 0700):`,
    '',
    `- ${code(SET_FILES.dump)}: ${code('pg_dump --format=custom')} of the NetBox database;`,
    ...volumes.map((v) => `- ${code(SET_FILES.volumeArchive(v.name))} and ${code(SET_FILES.volumeChecksums(v.name))}: the files of the volume`
      + ` ${code(v.name)} (${code(v.mount)}) and the sha256 of each;`),
    ...(b.recipients.length > 0 ? [`- ${code(SET_FILES.secrets)}: ${code(SECRETS_FILE)} encrypted with age for ${b.recipients.length} recipient(s);`] : []),
    `- ${code(SET_FILES.manifest)}: project, netbox-docker tag, NetBox and Postgres versions, size and sha256 of every file above, and the`
    + ' row count of every table in the dump.',
    '',
    '| Task | What it does |',
    '|---|---|',
    `| ${task(TASKS.backup)} | write a set; the result goes to ${code(BACKUP_STATUS_FILE)} (status=ok/failed, set, time, message) |`,
    `| ${task(TASKS.restore, ' -- <set>')} | check the set's checksums and versions first (a damaged set, or one from a newer NetBox or Postgres, is`
    + ' refused and nothing is touched), stop NetBox, replace the database and every volume, start again, and list what was restored |',
    `| ${task(TASKS.verifyBackup, ' -- <set>')} | restore the set into a scratch database and scratch volumes next to the running stack, compare`
    + ` row counts and file checksums with the manifest, remove the scratch copies; a difference fails it (status in ${code(VERIFY_STATUS_FILE)}) |`,
    '',
    `${code('<set>')} is ${code(`${BACKUP_DIR}/<UTC time>`)}, its name, or ${code('latest')}. A restore of a NetBox 3.x set older than 3.7 into`
    + ' NetBox 4 is refused with the steps through 3.7. Run verify-backup after every schedule change and now and then: a backup is only as good as its last restore.',
    '',
    '### Secrets',
    '',
    ...(b.recipients.length > 0
      ? [`Every set holds ${code(SECRETS_FILE)} encrypted with age (${code(SET_FILES.secrets)}) for the recipients in ${code('backups.recipients')};`
        + ' only their private keys can read it, so keep those keys off this host (a password manager, a hardware key).'
        + ` To read it: ${code(`age -d -i <identity file> ${BACKUP_DIR}/<set>/${SET_FILES.secrets}`)}. A restore does not overwrite ${code(SECRETS_FILE)};`
        + ` if this host's ${code(SECRETS_FILE)} is not the one the set was made with, put back ${dataSecrets.map(code).join(' and ')} from it.`]
      : [`The sets do **not** hold the secrets: ${code(SECRETS_FILE)} stays only on this host. Keep a copy in your password manager now;`
        + ` without ${dataSecrets.map(code).join(' and ')} a restored database loses its sessions and every API token. To put an encrypted copy`
        + ` into every set instead, declare ${code('backups: { recipients: [\'age1...\'] }')} (an age public key from ${code('age-keygen')}).`]),
    '',
    '### Schedule',
    '',
    ...(b.scheduled
      ? [`${code(`${UNITS_DIR}/${service}`)} runs ${code(`${FILES.dataScript} backup`)} in this directory; ${code(`${UNITS_DIR}/${timer}`)} starts it at`
        + ` ${code(b.schedule)} (${code('backups.schedule')}, systemd ${code('OnCalendar')}; a run missed while the host was off follows at boot).`
        + ' The units are templates whose instance is this directory, so they work wherever the repository is cloned. Install them once, as root, from here:',
      '',
      '```sh',
      `sudo cp ${UNITS_DIR}/${service} ${UNITS_DIR}/${timer} /etc/systemd/system/`,
      'sudo systemctl daemon-reload',
      `sudo systemctl enable --now "${instance}"`,
      '```',
      '',
      `After each successful backup the newest ${b.keep} sets stay (${code('backups.keep')}) and older ones are deleted`
      + (b.copyCommand ? `, after ${code('backups.copyCommand')} copied the set off the host (${code(b.copyCommand)}; a failure fails the backup and deletes nothing).`
        : '. Nothing copies the sets off this host: set `backups.copyCommand` (e.g. `rclone copy "$BACKUP_SET" remote:netbox/"$BACKUP_NAME"`).'),
      `A failed run is visible three ways: the unit's exit status (${code(`systemctl status '${model.projectName}-backup@*'`)}), a`
      + ` ${code('netbox-data: backup FAILED')} line in its journal (${code(`journalctl -t ${backupSyslogIdentifier(model.projectName)}`)}), and ${code(BACKUP_STATUS_FILE)}.`,
      'The schedule is a host timer, not a container in the stack: the backup needs the Docker CLI (a container would need the Docker socket,'
      + ' which is root on the host and would break the stack\'s isolation), writes next to this repository, and the copy command uses the'
      + ' host\'s credentials.']
      : [`Nothing runs on a schedule and every set is kept. Declare ${code('backups: {}')} (schedule, keep, copyCommand, recipients) to get`
        + ` systemd units for the host under ${code(`${UNITS_DIR}/`)} and retention.`]),
    ...(model.swarm
      ? ['', '### Swarm',
        '',
        `The same tasks write and read the same sets when the stack runs under Swarm (found by ${code(`docker service inspect ${model.projectName}_postgres`)};`
        + ` ${code('NETBOX_DATA_TARGET=compose|swarm')} overrides the guess). Run them on the data node (label ${code(`${model.swarmSettings.dataNodeLabel}=true`)}):`
        + ' the database container and the volumes are there. A restore scales the NetBox services to 0 and back to their declared replicas.']
      : []),
  ];
}
