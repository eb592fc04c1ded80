import { existsSync, readFileSync } from 'fs';
import { parse } from 'yaml';
import { DeclarationProblems } from './problems';
import { BACKUP_DIR, SERVICES, TASKS, VOLUMES } from './stack-names';
import { postgresMajor } from '../netbox/netbox-releases';

/** The Postgres image, data volume and data mount a compose file names. */
export interface PostgresLayout {
  readonly image: string;
  readonly dataPath: string;
  /** The named volume holding the data. */
  readonly volume?: string;
}

/**
 * The Postgres layout of a compose object (its first volume mount holds the data), or of a
 * Kubernetes StatefulSet (its first container's mount of its first claim template).
 */
export function postgresLayoutOf(compose: any): PostgresLayout | undefined {
  if (compose?.kind === 'StatefulSet') return statefulSetLayout(compose);
  const svc = compose?.services?.[SERVICES.postgres];
  if (typeof svc?.image !== 'string') return undefined;
  const mount = (svc.volumes ?? [])[0];
  if (typeof mount === 'object' && mount !== null) {
    return { image: svc.image, volume: mount.source, dataPath: String(mount.target ?? '') };
  }
  const [volume, dataPath] = String(mount ?? '').split(':');
  return { image: svc.image, volume: volume || undefined, dataPath: dataPath ?? '' };
}

function statefulSetLayout(set: any): PostgresLayout | undefined {
  const container = set.spec?.template?.spec?.containers?.[0];
  const claim = set.spec?.volumeClaimTemplates?.[0]?.metadata?.name;
  if (typeof container?.image !== 'string') return undefined;
  const mount = (container.volumeMounts ?? []).find((m: any) => m?.name === claim);
  return { image: container.image, volume: claim, dataPath: String(mount?.mountPath ?? '') };
}

/** Reads the Postgres layout from a previously generated compose file (or StatefulSet manifest), if there is one. */
export function previousPostgresLayout(composePath: string): PostgresLayout | undefined {
  if (!existsSync(composePath)) return undefined;
  try {
    return postgresLayoutOf(parse(readFileSync(composePath, 'utf-8')));
  } catch {
    return undefined;
  }
}

/**
 * Refuses a resynthesis that would point an existing deployment's database at another Postgres
 * major version, another data path or another volume: the new server cannot read the old files
 * (or does not see them), and NetBox would come up with an empty database while the old data
 * sits orphaned in its volume. `allow` (the `allowPostgresUpgrade` option) lets it through.
 */
export function checkPostgresUpgrade(p: DeclarationProblems, previous: PostgresLayout | undefined, next: PostgresLayout, allow: boolean,
  projectName = '<project>', upgradeSteps?: string): void {
  if (!previous || allow) return;
  const before = postgresMajor(previous.image);
  const after = postgresMajor(next.image);
  const sameVolume = previous.volume === undefined || next.volume === undefined || previous.volume === next.volume;
  if (before === after && previous.dataPath === next.dataPath && sameVolume) return;

  const what: string[] = [];
  if (before !== after) what.push(`Postgres ${before} -> ${after} (a new major version cannot read the old data files)`);
  if (previous.dataPath !== next.dataPath) what.push(`data path ${previous.dataPath} -> ${next.dataPath}`);
  if (!sameVolume) what.push(`volume ${previous.volume} -> ${next.volume}`);
  const oldVolume = `${projectName}_${previous.volume ?? VOLUMES.postgres.name}`;
  p.add('netboxVersion',
    `would move the existing database (${what.join('; ')}); NetBox would start with an empty database and the old data `
    + 'would be orphaned in its volume', `${previous.image} at ${previous.dataPath} -> ${next.image} at ${next.dataPath}`,
    `${after < before ? 'A downgrade needs a dump that the older server can read; otherwise the same steps' : 'To upgrade'}: `
    + (upgradeSteps ?? (`(1) with the current declaration and the stack running, npx projen ${TASKS.backup}; (2) npx projen ${TASKS.down}; `
    + `(3) after checking the backup, docker volume rm ${oldVolume}; (4) set the new netboxVersion and allowPostgresUpgrade: true, `
    + `then npx projen and npx projen ${TASKS.up}; (5) npx projen ${TASKS.restore} -- ${BACKUP_DIR}/<set>; (6) remove allowPostgresUpgrade. `
    + 'Or keep the previous netboxVersion.')));
}
