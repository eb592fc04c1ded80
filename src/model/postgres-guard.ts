import { existsSync, readFileSync } from 'fs';
import { parse } from 'yaml';
import { DeclarationProblems } from './problems';
import { SERVICES } from './stack-model';
import { postgresMajor } from '../netbox/netbox-releases';

/** The Postgres image and data mount a compose file names. */
export interface PostgresLayout {
  readonly image: string;
  readonly dataPath: string;
}

/** Reads the Postgres layout from a previously generated compose file, if there is one. */
export function previousPostgresLayout(composePath: string): PostgresLayout | undefined {
  if (!existsSync(composePath)) return undefined;
  let doc: any;
  try {
    doc = parse(readFileSync(composePath, 'utf-8'));
  } catch {
    return undefined;
  }
  const svc = doc?.services?.[SERVICES.postgres];
  if (typeof svc?.image !== 'string') return undefined;
  const dataMount = (svc.volumes ?? []).map(String).find((v: string) => v.startsWith('netbox-postgres-data:'));
  return { image: svc.image, dataPath: dataMount ? dataMount.split(':')[1] : '' };
}

/**
 * Refuses a resynthesis that would point an existing database volume at another Postgres major
 * version or data path: the new server cannot read the old files (or does not see them), and the
 * deployment would come up empty.
 */
export function checkPostgresUpgrade(p: DeclarationProblems, previous: PostgresLayout | undefined, next: PostgresLayout, allow: boolean): void {
  if (!previous || allow) return;
  const before = postgresMajor(previous.image);
  const after = postgresMajor(next.image);
  if (before === after && previous.dataPath === next.dataPath) return;
  p.add('netboxVersion',
    `would move the existing database from ${previous.image} at ${previous.dataPath} to ${next.image} at ${next.dataPath}; `
    + 'the new server cannot use the old data', `${previous.image} -> ${next.image}`,
    'To upgrade: (1) npx projen backup with the current declaration; (2) npx projen down; (3) remove the old volume '
    + '(docker volume rm <project>_netbox-postgres-data) after checking the backup; (4) set allowPostgresUpgrade: true and the '
    + 'new netboxVersion, then npx projen and npx projen up; (5) npx projen restore -- backups/<file>.pgdump. '
    + 'Or keep the previous netboxVersion.');
}
