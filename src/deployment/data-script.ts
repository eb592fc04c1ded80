import { composeCommand } from './deployment-tasks';
import { renderPostgresEnv } from '../compose/render-compose';
import type { StackModel } from '../model/deployment-model';
import { SERVICES } from '../model/stack-names';
import { netboxSettings } from '../netbox/netbox-settings';

/** The generated backup/restore script, relative to the deployment root. */
export const DATA_SCRIPT = 'scripts/netbox-data.sh';
/** Where `backup` writes (git-ignored). */
export const BACKUP_DIR = 'backups';
/** File name suffixes of one backup: the database dump and the media archive. */
export const DB_DUMP_SUFFIX = '.pgdump';
export const MEDIA_ARCHIVE_SUFFIX = '-media.tar.gz';

/**
 * The facts the script needs, all derived from the model: the compose command (project name and
 * file), the database service and its database/role, the NetBox service and its media directory.
 */
export interface DataScriptFacts {
  readonly compose: string;
  readonly projectName: string;
  readonly dbService: string;
  readonly dbName: string;
  readonly dbUser: string;
  readonly mediaService: string;
  readonly mediaDir: string;
}

export function dataScriptFacts(model: StackModel): DataScriptFacts {
  const pg = renderPostgresEnv();
  return {
    compose: composeCommand(model),
    projectName: model.projectName,
    dbService: SERVICES.postgres,
    dbName: pg.POSTGRES_DB,
    dbUser: pg.POSTGRES_USER,
    mediaService: SERVICES.netbox,
    mediaDir: netboxSettings(model).env.MEDIA_ROOT,
  };
}

/**
 * `scripts/netbox-data.sh backup|restore`: a pg_dump of the NetBox database (custom format, which
 * `pg_restore` of any newer Postgres reads, so it also carries data across a major upgrade) plus a
 * tar of the media volume, and the way back. Every value is validated or a constant, so nothing
 * here needs shell quoting beyond what the script does itself.
 */
export function renderDataScript(model: StackModel, marker?: string): string[] {
  const f = dataScriptFacts(model);
  return [
    '#!/usr/bin/env bash',
    ...(marker ? [`# ${marker}`] : []),
    '#',
    `# Backup and restore of the NetBox data of "${f.projectName}": the ${f.dbName} database and the media files.`,
    '#   npx projen backup                                   -> backups/<project>-<UTC time>.pgdump and ...-media.tar.gz',
    '#   npx projen restore -- <file.pgdump> [<file-media.tar.gz>]',
    '# A restore replaces the current database (and adds the media files) and needs a running Docker engine.',
    'set -euo pipefail',
    'cd "$(dirname "$0")/.."',
    '',
    `compose() { ${f.compose} "$@"; }`,
    '',
    `BACKUP_DIR=${BACKUP_DIR}`,
    `PREFIX=${f.projectName}`,
    `DB_SERVICE=${f.dbService}`,
    `DB_NAME=${f.dbName}`,
    `DB_USER=${f.dbUser}`,
    `MEDIA_SERVICE=${f.mediaService}`,
    `MEDIA_DIR=${f.mediaDir}`,
    '',
    'partial=()',
    'cleanup() { if [ ${#partial[@]} -gt 0 ]; then rm -f -- "${partial[@]}"; fi; }',
    'trap cleanup EXIT',
    'die() { echo "netbox-data: $*" >&2; exit 1; }',
    '',
    'backup() {',
    '  local stamp db media',
    '  stamp="$(date -u +%Y%m%dT%H%M%SZ)"',
    `  db="$BACKUP_DIR/$PREFIX-$stamp${DB_DUMP_SUFFIX}"`,
    `  media="$BACKUP_DIR/$PREFIX-$stamp${MEDIA_ARCHIVE_SUFFIX}"`,
    '  mkdir -p "$BACKUP_DIR"',
    '  partial=("$db.partial" "$media.partial")',
    '  compose up -d --wait "$DB_SERVICE"',
    '  compose exec -T "$DB_SERVICE" pg_dump --format=custom --username="$DB_USER" --dbname="$DB_NAME" > "$db.partial"',
    '  compose run --rm --no-deps -T --entrypoint tar "$MEDIA_SERVICE" -czf - -C "$MEDIA_DIR" . > "$media.partial"',
    '  mv -- "$db.partial" "$db"',
    '  mv -- "$media.partial" "$media"',
    '  partial=()',
    '  echo "netbox-data: database -> $db"',
    '  echo "netbox-data: media files -> $media"',
    '  echo "netbox-data: keep a copy of .env as well: API tokens and sessions depend on its secrets."',
    '}',
    '',
    'restore() {',
    '  local db="${1:-}" media="${2:-}"',
    `  [ -n "$db" ] || die "usage: npx projen restore -- <$BACKUP_DIR/<name>${DB_DUMP_SUFFIX}> [<$BACKUP_DIR/<name>${MEDIA_ARCHIVE_SUFFIX}>]"`,
    '  [ -f "$db" ] || die "no such database dump: $db"',
    `  if [ -z "$media" ] && [ -f "\${db%${DB_DUMP_SUFFIX}}${MEDIA_ARCHIVE_SUFFIX}" ]; then media="\${db%${DB_DUMP_SUFFIX}}${MEDIA_ARCHIVE_SUFFIX}"; fi`,
    '  [ -z "$media" ] || [ -f "$media" ] || die "no such media archive: $media"',
    '  echo "netbox-data: stopping the stack and replacing the $DB_NAME database with $db"',
    '  compose stop',
    '  compose up -d --wait "$DB_SERVICE"',
    '  compose exec -T "$DB_SERVICE" dropdb --username="$DB_USER" --if-exists --force "$DB_NAME"',
    '  compose exec -T "$DB_SERVICE" createdb --username="$DB_USER" --owner="$DB_USER" "$DB_NAME"',
    '  compose exec -T "$DB_SERVICE" pg_restore --username="$DB_USER" --dbname="$DB_NAME" --no-owner --exit-on-error < "$db"',
    '  if [ -n "$media" ]; then',
    '    echo "netbox-data: restoring the media files from $media"',
    '    compose run --rm --no-deps -T --entrypoint tar "$MEDIA_SERVICE" -xzf - -C "$MEDIA_DIR" < "$media"',
    '  fi',
    '  compose up -d',
    '  echo "netbox-data: restored; NetBox migrates the database at start if the release is newer."',
    '}',
    '',
    'case "${1:-}" in',
    '  backup) backup ;;',
    // `npx projen restore -- <file>` passes the `--` on.
    '  restore) shift; if [ "${1:-}" = "--" ]; then shift; fi; restore "$@" ;;',
    '  *) die "usage: $0 backup | restore <dump> [<media archive>]" ;;',
    'esac',
  ];
}
