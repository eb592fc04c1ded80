import type { BackupModel } from './backup-model';
import { BACKUP_STATUS_FILE, FILES } from '../model/stack-names';

/** Where the generated systemd units go, relative to the deployment root. */
export const UNITS_DIR = 'systemd';

/**
 * The units are templates: the instance is the deployment's directory, escaped
 * (`systemd-escape --path`), so nothing here depends on where the repository is cloned; `%f` is
 * that directory again.
 */
/** The journal identifier of the scheduled backups (`journalctl -t <it>`). */
export function backupSyslogIdentifier(projectName: string): string {
  return `${projectName}-backup`;
}

export function backupUnitName(projectName: string, kind: 'service' | 'timer'): string {
  return `${projectName}-backup@.${kind}`;
}

/** The oneshot service that runs one backup in the deployment directory. */
export function renderBackupService(projectName: string): string[] {
  return [
    '[Unit]',
    `Description=Backup set of the NetBox deployment ${projectName} in %f`,
    'Documentation=file:%f/README.md',
    // Docker may be a distribution package or not a unit at all (rootless): want it, do not require it.
    'Wants=docker.service network-online.target',
    'After=docker.service network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    'WorkingDirectory=%f',
    `ExecStart=/bin/bash %f/${FILES.dataScript} backup`,
    `SyslogIdentifier=${backupSyslogIdentifier(projectName)}`,
    // A backup competes with NetBox for the disk; it can wait.
    'Nice=10',
    'IOSchedulingClass=idle',
    'TimeoutStartSec=6h',
  ];
}

/** The timer: `schedule` as OnCalendar; Persistent catches up a run missed while the host was off. */
export function renderBackupTimer(projectName: string, backups: BackupModel): string[] {
  return [
    '[Unit]',
    `Description=Schedule of the NetBox backup of ${projectName} in %f (status: %f/${BACKUP_STATUS_FILE})`,
    '',
    '[Timer]',
    `OnCalendar=${backups.schedule}`,
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
  ];
}
