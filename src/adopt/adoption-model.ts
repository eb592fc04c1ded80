import type { AdoptionOptions } from './adoption-options';
import type { DeclarationProblems } from '../model/problems';
import { TASKS } from '../model/stack-names';
import { compareVersions } from '../model/versions';
import { lastMinorRelease, NETBOX_LAST_MINOR, NETBOX_RELEASES, NetboxRelease, postgresMajor } from '../netbox/netbox-releases';

/** The volume roles of the stack (keys of VOLUMES in stack-names). */
export type VolumeRole = 'postgres' | 'media' | 'reports' | 'scripts' | 'redis' | 'redisCache';

/** The adoption as plain, validated data. */
export interface AdoptionModel {
  readonly composeFile?: string;
  readonly projectName: string;
  /** NetBox [major, minor] of the old image. */
  readonly netbox: readonly [number, number];
  readonly netboxImage: string;
  readonly postgresImage: string;
  readonly postgresDataPath: string;
  /** Docker volume names by role; a role missing here gets a new volume. */
  readonly volumes: Readonly<Partial<Record<VolumeRole, string>>>;
  readonly userClaim: string;
}

/** Which adoption option holds each role's volume. */
export const VOLUME_OPTIONS: ReadonlyArray<readonly [VolumeRole, keyof AdoptionOptions]> = [
  ['postgres', 'postgresDataVolume'],
  ['media', 'mediaVolume'],
  ['reports', 'reportsVolume'],
  ['scripts', 'scriptsVolume'],
  ['redis', 'redisDataVolume'],
  ['redisCache', 'redisCacheDataVolume'],
];

const REGISTRY = '(?:(?:docker\\.io|quay\\.io|registry\\.hub\\.docker\\.com)/)?';
const NETBOX_IMAGE_RE = new RegExp(`^(?:${REGISTRY}netboxcommunity/netbox|ghcr\\.io/netbox-community/netbox):(.+)$`);
const POSTGRES_IMAGE_RE = new RegExp(`^${REGISTRY}(?:library/)?postgres:(\\d+)(?:\\.\\d+)*(?:-[a-z0-9.]+)?$`);

/** Whether an image is netbox-docker's NetBox image (any tag). */
export function isNetboxImage(image: unknown): boolean {
  return typeof image === 'string' && NETBOX_IMAGE_RE.test(image);
}

/** Whether an image is the official Postgres image. */
export function isPostgresImage(image: unknown): boolean {
  return typeof image === 'string' && POSTGRES_IMAGE_RE.test(image);
}

/** The Postgres major of an official image (`docker.io/postgres:13.4-alpine` → 13). */
export function postgresImageMajor(image: string): number | undefined {
  const m = POSTGRES_IMAGE_RE.exec(image);
  return m ? Number(m[1]) : undefined;
}

/**
 * NetBox [major, minor] from a netbox-docker image tag: `vX.Y-a.b.c`, `vX.Y.Z-a.b.c`, `vX.Y`, `vX.Y.Z`.
 * Floating tags (`latest`, `snapshot`) say nothing about the version in the volume.
 */
export function netboxVersionOfImage(image: string): [number, number] | undefined {
  const tag = NETBOX_IMAGE_RE.exec(image)?.[1];
  const m = tag ? /^v(\d+)\.(\d+)(?:\.\d+)?(?:-\d+\.\d+\.\d+)?$/.exec(tag) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Orders NetBox versions by major and minor (an adopted image names no patch). */
const compare = (a: readonly number[], b: readonly number[]) => compareVersions(a.slice(0, 2), b.slice(0, 2));
/** The minor every NetBox 3.x database passes before 4.x, and the supported release with it. */
const STEP_TO_4 = [3, NETBOX_LAST_MINOR[3]] as const;

/**
 * The oldest Postgres major NetBox X.Y accepts. 4.3–4.6: 14, 4.7: 15 (operations-facts §4,
 * netbox#22141); 4.0–4.2: 12 and 3.x: 10 (NetBox's installation docs of those releases).
 */
export function postgresMinimum(netbox: readonly [number, number] | readonly [number, number, number]): number {
  if (compare(netbox, [4, 7]) >= 0) return 15;
  if (compare(netbox, [4, 3]) >= 0) return 14;
  if (compare(netbox, [4, 0]) >= 0) return 12;
  return 10;
}

/** The result of choosing a release for an old NetBox: a tag, or why there is none. */
export interface ReleaseChoice {
  readonly release?: NetboxRelease;
  /** Set when no release fits: what is wrong and the upgrade path. */
  readonly refusal?: string;
}

/**
 * The nearest supported release for an old NetBox X.Y: the oldest one not older than it (NetBox
 * cannot go back: its migrations only run forward), refused when the step would skip 3.7 (NetBox
 * 4.x only migrates from 3.7: netbox docs/installation/upgrading.md) or the old Postgres is too old.
 */
export function nearestRelease(netbox: readonly [number, number], pgMajor: number): ReleaseChoice {
  const version = netbox.join('.');
  if (netbox[0] < 3) {
    return { refusal: `NetBox ${version} is older than the oldest supported release (${NETBOX_RELEASES[0].tag}, NetBox 3.0): upgrade the old stack to a NetBox 3.x release first, then adopt it` };
  }
  const release = NETBOX_RELEASES.find((r) => compare(r.netbox, netbox) >= 0);
  if (!release) {
    const newest = NETBOX_RELEASES[NETBOX_RELEASES.length - 1];
    return { refusal: `NetBox ${version} is newer than every supported release (newest: ${newest.tag}): it cannot be downgraded; use a newer projen-netbox-pomerium` };
  }
  if (compare(netbox, STEP_TO_4) < 0 && release.netbox[0] >= 4) {
    return { refusal: `NetBox ${version} must pass ${STEP_TO_4.join('.')} before 4.x: upgrade the old stack to NetBox ${STEP_TO_4.join('.')} first, then adopt it` };
  }
  const minimum = postgresMinimum(release.netbox);
  if (pgMajor < minimum) {
    return {
      refusal: `Postgres ${pgMajor} is older than NetBox ${release.netbox.slice(0, 2).join('.')} (${release.tag}) accepts (${minimum} or newer): `
        + 'upgrade Postgres in the old stack first (pg_dump, a new volume with the new major, pg_restore), then adopt it',
    };
  }
  return { release };
}

/** A Docker volume name (moby's `[a-zA-Z0-9][a-zA-Z0-9_.-]+`). */
const VOLUME_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const PROJECT_NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;
const CLAIM_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/**
 * Validates the `adoption` option against the chosen release and returns its model slice. The
 * release may be newer than the adopted NetBox (NetBox migrates forward), never older, and must
 * accept the adopted Postgres major.
 */
export function resolveAdoption(p: DeclarationProblems, adoption: AdoptionOptions | undefined,
  release: NetboxRelease | undefined): AdoptionModel | undefined {
  if (adoption === undefined) return undefined;
  const at = (key: string) => `adoption.${key}`;
  const problemsBefore = p.messages.length;
  if (typeof adoption.projectName !== 'string' || !PROJECT_NAME_RE.test(adoption.projectName)) {
    p.add(at('projectName'), 'is not a Compose project name', adoption.projectName,
      'Use lower-case letters, digits, "_" and "-", starting with a letter or digit (what Compose made of the old folder name).');
  }
  const volumes: Partial<Record<VolumeRole, string>> = {};
  for (const [role, key] of VOLUME_OPTIONS) {
    const value = adoption[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !VOLUME_NAME_RE.test(value)) {
      p.add(at(key), 'is not a Docker volume name', value, 'Use the name `docker volume ls` shows for the old volume.');
    } else {
      volumes[role] = value;
    }
  }
  if (adoption.postgresDataVolume === undefined) {
    p.add(at('postgresDataVolume'), 'is missing', undefined, 'Name the Docker volume that holds the old Postgres data.');
  }
  const seen = new Map<string, VolumeRole>();
  for (const [role, name] of Object.entries(volumes) as Array<[VolumeRole, string]>) {
    const other = seen.get(name);
    if (other) {
      p.add(at(VOLUME_OPTIONS.find(([r]) => r === role)![1]), `names the same volume as the ${other} role`, name,
        'Each role needs its own volume; mounting one volume twice would mix their files.');
    }
    seen.set(name, role);
  }
  const netbox = typeof adoption.netboxImage === 'string' ? netboxVersionOfImage(adoption.netboxImage) : undefined;
  if (!netbox) {
    p.add(at('netboxImage'), 'is not a netbox-docker image with a NetBox version in its tag', adoption.netboxImage,
      'Use the image the old stack ran, with its version (e.g. "netboxcommunity/netbox:v3.0-1.4.1").');
  }
  // The short form only: the Postgres guard compares it with the image compose.yaml names.
  const pgMajor = typeof adoption.postgresImage === 'string' && normalizePostgresImage(adoption.postgresImage) === adoption.postgresImage
    ? postgresImageMajor(adoption.postgresImage) : undefined;
  if (pgMajor === undefined || Number.isNaN(postgresMajor(adoption.postgresImage))) {
    p.add(at('postgresImage'), 'is not an official Postgres image with its major version in the tag', adoption.postgresImage,
      'Use the image the old stack ran (e.g. "postgres:13-alpine").');
  }
  if (typeof adoption.postgresDataPath !== 'string' || !/^\/[A-Za-z0-9_./-]*$/.test(adoption.postgresDataPath)) {
    p.add(at('postgresDataPath'), 'is not an absolute container path', adoption.postgresDataPath,
      'Use the path the old Postgres data volume was mounted at (e.g. "/var/lib/postgresql/data").');
  }
  const userClaim = adoption.userClaim ?? 'email';
  if (typeof userClaim !== 'string' || !CLAIM_RE.test(userClaim)) {
    p.add(at('userClaim'), 'is not a claim name', userClaim, 'Use the IdP claim NetBox took the user name from (e.g. "email").');
  }
  if (release && netbox) {
    if (compare(release.netbox, netbox) < 0) {
      p.add('netboxVersion', `would downgrade the adopted NetBox ${netbox.join('.')} to ${release.netbox.slice(0, 2).join('.')}`, release.tag,
        'NetBox only migrates forward: choose a release not older than adoption.netboxImage.');
    } else if (compare(netbox, STEP_TO_4) < 0 && release.netbox[0] >= 4) {
      p.add('netboxVersion', `skips NetBox ${STEP_TO_4.join('.')} on the way from the adopted NetBox ${netbox.join('.')} to 4.x`, release.tag,
        `Run netboxVersion "${lastMinorRelease(3)!.tag}" first (npx projen ${TASKS.up}, let NetBox migrate), then set the 4.x release.`);
    }
    if (pgMajor !== undefined && pgMajor < postgresMinimum(release.netbox)) {
      p.add(at('postgresImage'), `is older than NetBox ${release.netbox.slice(0, 2).join('.')} accepts (Postgres ${postgresMinimum(release.netbox)} or newer)`,
        adoption.postgresImage, 'Move the data to a newer Postgres with npx projen backup, then a new postgresImage with '
        + 'allowPostgresUpgrade: true and npx projen restore (the upgrade steps the synthesis prints), or keep an older netboxVersion.');
    }
  }
  if (p.messages.length > problemsBefore) return undefined;
  return {
    composeFile: adoption.composeFile,
    projectName: adoption.projectName,
    netbox: netbox!,
    netboxImage: adoption.netboxImage,
    postgresImage: adoption.postgresImage,
    postgresDataPath: adoption.postgresDataPath,
    volumes,
    userClaim,
  };
}

/** The release as the adopted deployment runs it: the old Postgres image and data path. */
export function adoptedRelease(release: NetboxRelease, adoption: AdoptionModel | undefined): NetboxRelease {
  if (!adoption) return release;
  return { ...release, postgresImage: adoption.postgresImage, postgresDataPath: adoption.postgresDataPath };
}

/**
 * The official Postgres image without its default registry (`docker.io/library/postgres:16` is
 * `postgres:16`), the form the release table and the Postgres guard read.
 */
export function normalizePostgresImage(image: string): string {
  return image.replace(/^(?:docker\.io|registry\.hub\.docker\.com)\//, '').replace(/^library\//, '');
}

/**
 * Whether this synthesis is the first with the adoption: the compose file on disk (if any) does not
 * yet name the adopted Postgres volume. Then the stack moves to the old stack's volume, whose
 * Postgres the adoption keeps, and the Postgres guard has nothing to protect (it applies from the
 * next synthesis on). `previousCompose` is the parsed compose file on disk.
 */
export function adoptionStartsHere(previousCompose: any, adoption: AdoptionModel | undefined, postgresVolumeKey: string): boolean {
  if (!adoption) return false;
  const previous = previousCompose?.volumes?.[postgresVolumeKey];
  return !(previous && typeof previous === 'object' && previous.name === adoption.volumes.postgres);
}
