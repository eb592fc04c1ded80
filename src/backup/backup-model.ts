import type { DeclarationProblems } from '../model/problems';
import type { BackupOptions } from '../netbox-pomerium-options';

/** The backup settings of the model: validated, with defaults applied. */
export interface BackupModel {
  /** Whether `backups` is declared: systemd units are emitted and retention applies. */
  readonly scheduled: boolean;
  /** systemd `OnCalendar=` expression. */
  readonly schedule: string;
  /** Sets kept after a successful backup; undefined keeps every set. */
  readonly keep?: number;
  /** Run after a set is complete, with BACKUP_SET and BACKUP_NAME set. */
  readonly copyCommand?: string;
  /** age recipients `.env` is encrypted for; empty: the secrets are not in the sets. */
  readonly recipients: readonly string[];
}

export const BACKUP_DEFAULTS = {
  schedule: '*-*-* 02:30:00',
  keep: 7,
} as const;

/** Characters of systemd calendar expressions (weekdays, dates, times, ranges, lists, repetitions, time zones). */
const CALENDAR_RE = /^[A-Za-z0-9*:.,~/ _+-]+$/;
/** age X25519 recipients (bech32) and the SSH public key types age accepts. */
const AGE_RECIPIENT_RE = /^(age1[02-9ac-hj-np-z]{58}|ssh-ed25519 [A-Za-z0-9+/]+=*( [^\n\r]*)?|ssh-rsa [A-Za-z0-9+/]+=*( [^\n\r]*)?)$/;

/**
 * Validates `backups` and applies the defaults. Unset, backups stay manual: no units, every set
 * is kept, the secrets stay out of the sets.
 */
export function resolveBackups(p: DeclarationProblems, options: { readonly backups?: BackupOptions }): BackupModel {
  const o = options.backups;
  if (o === undefined) return { scheduled: false, schedule: BACKUP_DEFAULTS.schedule, recipients: [] };

  const schedule = o.schedule ?? BACKUP_DEFAULTS.schedule;
  if (typeof schedule !== 'string' || schedule.trim() === '' || !CALENDAR_RE.test(schedule)) {
    p.add('backups.schedule', 'is not a systemd calendar expression', schedule,
      'Use one line such as "daily", "*-*-* 02:30:00" or "Mon..Fri 22:00"; check it with systemd-analyze calendar.');
  }

  const keep = o.keep ?? BACKUP_DEFAULTS.keep;
  if (!Number.isInteger(keep) || keep < 1) {
    p.add('backups.keep', 'is not a number of backup sets', o.keep, `Use a whole number of 1 or more (leave it out for ${BACKUP_DEFAULTS.keep}).`);
  }

  const copyCommand = o.copyCommand;
  if (copyCommand !== undefined && (typeof copyCommand !== 'string' || copyCommand.trim() === '' || /[\n\r\0]/.test(copyCommand))) {
    p.add('backups.copyCommand', 'is not a one-line shell command', copyCommand,
      'Write one line, e.g. rclone copy "$BACKUP_SET" offsite:netbox/"$BACKUP_NAME"; leave it out to keep the sets on this host only.');
  }

  const recipients = o.recipients ?? [];
  recipients.forEach((r, i) => {
    if (typeof r !== 'string' || !AGE_RECIPIENT_RE.test(r)) {
      p.add(`backups.recipients[${i}]`, 'is not an age recipient', r,
        'Use an age public key (age1..., from age-keygen) or an SSH public key line (ssh-ed25519 AAAA... or ssh-rsa AAAA...).');
    }
  });

  return { scheduled: true, schedule, keep, copyCommand, recipients };
}
