import { stringify } from 'yaml';
import { breakGlassCreatePython, breakGlassDeletePython, offboardPython, PYTHON_FROM_STDIN, usersPython } from './netbox-python';
import type { ComposeObject } from '../compose/render-compose';
import { composeCommand } from '../deployment/deployment-tasks';
import type { StackModel } from '../model/deployment-model';
import { BREAK_GLASS, FILES, NETBOX_MANAGE, NETBOX_NETWORK, NETBOX_PORT, SERVICES } from '../model/stack-names';

/** Files break-glass keeps in its git-ignored directory while it runs (the log stays). */
export const BREAK_GLASS_FILES = {
  lock: `${BREAK_GLASS.dir}/open`,
  compose: `${BREAK_GLASS.dir}/compose.break-glass.yaml`,
  log: `${BREAK_GLASS.dir}/break-glass.log`,
} as const;
/** The environment variable the break-glass compose file takes its port from. */
export const BREAK_GLASS_PORT_VARIABLE = 'NBP_BREAK_GLASS_PORT';
/** Active users without a login for this many days are flagged by `users`. */
export const REVIEW_DAYS = 90;
/** Only this address is ever published. */
const LOOPBACK = '127.0.0.1';

/** The break-glass network's name: the project's, so two deployments on one host do not share it. */
export function breakGlassNetwork(model: StackModel): string {
  return `${model.projectName}-${BREAK_GLASS.networkSuffix}`;
}

/**
 * The compose file break-glass writes next to compose.yaml while it runs: one more NetBox (the
 * netbox service's image, settings, secrets and volumes) with remote auth off, answering only to
 * localhost, on NetBox's internal network (to reach Postgres and Redis) and on a bridge network of
 * its own whose only published port is 127.0.0.1:<port> (an internal network publishes nothing).
 * Nothing in it restarts after a reboot.
 */
export function renderBreakGlassCompose(model: StackModel, compose: ComposeObject): ComposeObject {
  const netbox = compose.services[SERVICES.netbox];
  const {
    ports: _ports, labels: _labels, deploy: _deploy, depends_on: _dependsOn, container_name: _name, networks: _networks,
    restart: _restart, ...base
  } = netbox;
  return {
    networks: {
      [BREAK_GLASS.networkSuffix]: {
        name: breakGlassNetwork(model),
        driver: 'bridge',
        // The default address of every port on this network, should one ever lack host_ip.
        driver_opts: { 'com.docker.network.bridge.host_binding_ipv4': LOOPBACK },
      },
    },
    services: {
      [BREAK_GLASS.service]: {
        ...base,
        environment: {
          ...(base.environment ?? {}),
          // A password login only: on loopback, a forged identity header must not log anyone in.
          REMOTE_AUTH_ENABLED: 'False',
          ALLOWED_HOSTS: `localhost ${LOOPBACK}`,
        },
        restart: 'no',
        networks: [NETBOX_NETWORK, BREAK_GLASS.networkSuffix],
        ports: [{
          target: NETBOX_PORT,
          host_ip: LOOPBACK,
          published: `\${${BREAK_GLASS_PORT_VARIABLE}:?set by ${FILES.usersScript}}`,
          protocol: 'tcp',
        }],
      },
    },
  };
}

/**
 * `scripts/netbox-users.sh`: `users` and `offboard` run NetBox's Django shell inside the running
 * stack (`docker compose exec`, or `docker exec` in this node's task of the Swarm service with
 * `--swarm`) with the Python on stdin; `break-glass` runs a temporary NetBox on 127.0.0.1 with a
 * one-time superuser and takes both away again on every way out (timeout, Ctrl-C, SIGTERM, an error).
 */
export function renderUsersScript(model: StackModel, compose: ComposeObject, marker?: string): string[] {
  const breakGlassYaml = stringify(renderBreakGlassCompose(model, compose)).trimEnd().split('\n');
  return [
    ...usersScriptHeader(model, marker),
    ...reviewFunctions(),
    ...breakGlassFunctions(breakGlassYaml),
    ...openGlassFunction(),
    ...usersScriptTail(),
  ];
}

const heredoc = (lines: string[], tag: string) => [`<<'${tag}'`, ...lines, tag];
const python = (lines: string[]) => heredoc(lines, 'PY');

/** Usage, the settings the functions read, and the shared helpers. */
function usersScriptHeader(model: StackModel, marker?: string): string[] {
  const lifecycle = model.lifecycle;
  const declaredSuperusers = ` ${model.netbox.superusers.join(' ')} `;
  return [
    '#!/usr/bin/env bash',
    ...(marker ? [`# ${marker}`] : []),
    '#',
    `# NetBox users of "${model.projectName}": periodic review, leavers, and a way in when the IdP is down.`,
    '#   npx projen users                          list users: active, superuser, last login, API tokens',
    '#   npx projen offboard -- <user>             deactivate a user, delete their API tokens, end their sessions',
    `#   npx projen break-glass [-- --minutes <n>] NetBox on http://${LOOPBACK}:<port> without Pomerium, one-time superuser`,
    '#   npx projen break-glass -- close           close a break-glass that was not closed (after a crash)',
    '# users and offboard take --swarm first to run in this node\'s task of the Swarm service instead of Compose.',
    'set -euo pipefail',
    'cd "$(dirname "$0")/.."',
    '',
    `compose() { ${composeCommand(model)} "$@"; }`,
    `bg_compose() { compose -f ${BREAK_GLASS_FILES.compose} "$@"; }`,
    '',
    `NETBOX_SERVICE=${SERVICES.netbox}`,
    `SWARM_SERVICE=${model.projectName}_${SERVICES.netbox}`,
    `MANAGE=${NETBOX_MANAGE}`,
    `PY_BOOT="${PYTHON_FROM_STDIN}"`,
    `DECLARED_SUPERUSERS='${declaredSuperusers}'`,
    `REVIEW_DAYS=${REVIEW_DAYS}`,
    `BG_SERVICE=${BREAK_GLASS.service}`,
    `BG_NETWORK=${breakGlassNetwork(model)}`,
    `BG_DIR=${BREAK_GLASS.dir}`,
    `BG_LOCK=${BREAK_GLASS_FILES.lock}`,
    `BG_FILE=${BREAK_GLASS_FILES.compose}`,
    `BG_LOG=${BREAK_GLASS_FILES.log}`,
    `BG_PORT=${lifecycle.breakGlassPort}`,
    `BG_MINUTES=${lifecycle.breakGlassMinutes}`,
    `BG_MAX_MINUTES=${lifecycle.breakGlassMaxMinutes}`,
    'TARGET=compose',
    '',
    'die() { echo "netbox-users: $1" >&2; exit "${2:-1}"; }',
    'yesno() { if [ "$1" = 1 ]; then echo yes; else echo no; fi; }',
    '',
  ];
}

/** Running Python in NetBox, and the users / offboard commands. */
function reviewFunctions(): string[] {
  return [
    '# in_netbox compose|swarm|break-glass [NAME=value...] < program.py: runs Python in NetBox\'s Django shell.',
    'in_netbox() {',
    '  local where="$1" kv id',
    '  shift',
    '  local env=()',
    '  for kv in "$@"; do env+=(-e "$kv"); done',
    '  case "$where" in',
    '    compose) compose exec -T ${env[@]+"${env[@]}"} "$NETBOX_SERVICE" "$MANAGE" shell --verbosity 0 -c "$PY_BOOT" ;;',
    '    swarm)',
    '      id="$(docker ps -q --filter "label=com.docker.swarm.service.name=$SWARM_SERVICE" | head -n 1)"',
    '      [ -n "$id" ] || die "no task of the Swarm service $SWARM_SERVICE runs on this node; run this on the node that' +
      ' \'docker service ps $SWARM_SERVICE\' names" 5',
    '      docker exec -i ${env[@]+"${env[@]}"} "$id" "$MANAGE" shell --verbosity 0 -c "$PY_BOOT" ;;',
    '    break-glass) bg_compose exec -T ${env[@]+"${env[@]}"} "$BG_SERVICE" "$MANAGE" shell --verbosity 0 -c "$PY_BOOT" ;;',
    '  esac',
    '}',
    '',
    'users() {',
    '  local out kind name active super last days tokens now="" n=0 n_active=0 n_super=0 n_tokens=0 n_stale=0 note',
    `  out="$(in_netbox "$TARGET" ${python(usersPython()).join('\n')}`,
    ')"',
    '  printf \'%-40s %-7s %-10s %-17s %-10s %s\\n\' USER ACTIVE SUPERUSER "LAST LOGIN" "API TOKENS" ""',
    '  while IFS=$\'\\t\' read -r kind name active super last days tokens; do',
    '    case "$kind" in',
    '      USER)',
    '        n=$((n + 1)); note=""',
    '        if [ "$active" = 1 ]; then n_active=$((n_active + 1)); fi',
    '        if [ "$super" = 1 ]; then n_super=$((n_super + 1)); fi',
    '        if [ "$tokens" -gt 0 ]; then n_tokens=$((n_tokens + 1)); fi',
    '        if [ "$active" = 1 ] && { [ "$days" -lt 0 ] || [ "$days" -ge "$REVIEW_DAYS" ]; }; then',
    '          n_stale=$((n_stale + 1)); note="<- no login for $REVIEW_DAYS days"',
    '        fi',
    '        printf \'%-40s %-7s %-10s %-17s %-10s %s\\n\' "$name" "$(yesno "$active")" "$(yesno "$super")" "$last" "$tokens" "$note" ;;',
    '      NOW) now="$name" ;;',
    '    esac',
    '  done <<< "$out"',
    '  [ -n "$now" ] || die "NetBox gave no user list; its answer was: $out"',
    '  echo',
    '  echo "$n users: $n_active active, $n_super superusers, $n_tokens with API tokens, $n_stale active without a login for $REVIEW_DAYS days (NetBox time $now)."',
    '  if [ "$n_stale" -gt 0 ]; then echo "Offboard leavers with: npx projen offboard -- <user>"; fi',
    '}',
    '',
    'offboard() {',
    '  local user="${1:-}" out kind a b c confirmed="" deleted=0',
    '  [ -n "$user" ] || die "usage: npx projen offboard -- <NetBox user name: the e-mail the IdP sends>" 2',
    `  out="$(in_netbox "$TARGET" "NBP_USER=$user" ${python(offboardPython()).join('\n')}`,
    ')"',
    '  while IFS=$\'\\t\' read -r kind a b c; do',
    '    case "$kind" in',
    '      NOUSER) die "no NetBox user is named \\"$a\\"; nothing was changed.${b:+ Similar names: $b.} List the users with: npx projen users" 3 ;;',
    '      USER) echo "offboard: $a deactivated (was active: $(yesno "$b"), superuser: $(yesno "$c")); superuser and staff flags cleared" ;;',
    '      TOKEN) deleted=$((deleted + 1)); echo "offboard: deleted API token #$a ($b, last used $c)" ;;',
    '      SESSIONS)',
    '        if [ "$a" = n/a ]; then echo "offboard: sessions are not kept in the database ($b); NetBox refuses them now that the user is inactive"',
    '        else echo "offboard: ended $a session(s)"; fi ;;',
    '      DONE) confirmed="$a" ;;',
    '    esac',
    '  done <<< "$out"',
    '  [ -n "$confirmed" ] || die "NetBox did not confirm the change; its answer was: $out"',
    '  echo "offboard: $deleted API token(s) deleted"',
    '  case "$DECLARED_SUPERUSERS" in',
    '    *" $user "*) echo "offboard: $user is still in superusers in .projenrc.ts: remove them there, run npx projen and npx projen up" ;;',
    '  esac',
    '  echo "offboard: remove $user from the IdP as well; NetBox now refuses them even if Pomerium lets them through."',
    '}',
    '',
  ];
}

/** Opening and closing break glass. */
function breakGlassFunctions(breakGlassYaml: string[]): string[] {
  return [
    '# --- break glass ------------------------------------------------------------------------------',
    'log() { mkdir -p "$BG_DIR"; printf \'%s\\t%s\\t%s\\n\' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(id -un 2>/dev/null || echo unknown)" "$*" >> "$BG_LOG"; }',
    'loud() {',
    '  local line',
    '  { echo; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"',
    '    for line in "$@"; do echo "!!! $line"; done',
    '    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; echo; } >&2',
    '}',
    'lock_value() { if [ -f "$BG_LOCK" ]; then sed -n "s/^$1=//p" "$BG_LOCK" | head -n 1; fi; }',
    '',
    '# The compose file of the temporary NetBox; it exists only while break-glass is open.',
    'write_bg_file() {',
    `  cat > "$BG_FILE" ${heredoc(['# Written by scripts/netbox-users.sh break-glass and removed when it closes. Never commit or reuse it.',
      ...breakGlassYaml], 'YAML').join('\n')}`,
    '}',
    '',
    'remove_bg_user() {',
    '  local name="$1" out=""',
    '  local program',
    `  program="$(printf "NAME = '%s'\\n" "$name"; cat ${python(breakGlassDeletePython()).join('\n')}`,
    ')"',
    '  if [ -f "$BG_FILE" ]; then out="$(printf \'%s\\n\' "$program" | in_netbox break-glass 2>&1)" || out=""; fi',
    '  case "$out" in',
    '    *DELETED*|*GONE*) ;;',
    // The temporary NetBox may be gone already: the stack's own NetBox shares the database.
    '    *) out="$(printf \'%s\\n\' "$program" | in_netbox compose 2>&1)" || true ;;',
    '  esac',
    '  case "$out" in *DELETED*|*GONE*) return 0 ;; *) echo "$out" >&2; return 1 ;; esac',
    '}',
    '',
    '# close_glass <reason>: deletes the one-time user, removes the container and its network, then the lock.',
    'close_glass() {',
    '  local reason="$1" name port failed=0',
    '  trap - EXIT INT TERM HUP',
    '  if [ -n "${SLEEP_PID:-}" ]; then kill "$SLEEP_PID" 2>/dev/null || true; fi',
    '  name="$(lock_value user)"; port="$(lock_value port)"',
    `  export ${BREAK_GLASS_PORT_VARIABLE}="\${port:-$BG_PORT}"`,
    '  echo "break-glass: closing ($reason)" >&2',
    '  if [ -n "$name" ] && ! remove_bg_user "$name"; then failed=1; fi',
    '  if [ -f "$BG_FILE" ]; then bg_compose rm --force --stop "$BG_SERVICE" || failed=1; fi',
    '  if docker network inspect "$BG_NETWORK" >/dev/null 2>&1; then docker network rm "$BG_NETWORK" >/dev/null || failed=1; fi',
    '  if [ "$failed" = 0 ]; then',
    '    rm -f "$BG_FILE" "$BG_LOCK"',
    '    log "CLOSED user=$name port=127.0.0.1:$port reason=$reason"',
    '    loud "BREAK GLASS CLOSED ($reason): 127.0.0.1:$port is closed and the superuser $name is deleted."',
    '  else',
    '    log "CLOSE FAILED user=$name port=127.0.0.1:$port reason=$reason"',
    '    loud "BREAK GLASS COULD NOT BE CLOSED COMPLETELY ($reason)." "Check: docker ps, docker network ls, npx projen users (user $name)." \\',
    '      "Then run: npx projen break-glass -- close"',
    '    exit 1',
    '  fi',
    '}',
    '',
    'on_signal() { REASON="$1"; exit "$2"; }',
    '',
  ];
}

/** open_glass: the temporary NetBox, its one-time superuser, and the traps that close it. */
function openGlassFunction(): string[] {
  return [
    'open_glass() {',
    '  local minutes="$BG_MINUTES" port="$BG_PORT" name password out until_utc',
    '  while [ $# -gt 0 ]; do',
    '    case "$1" in',
    '      --minutes|--port)',
    '        [ $# -ge 2 ] || die "$1 needs a value" 2',
    '        if [ "$1" = --minutes ]; then minutes="$2"; else port="$2"; fi',
    '        shift 2 ;;',
    '      close) shift; close_by_hand "$@"; return ;;',
    '      *) die "unknown argument \\"$1\\"; usage: npx projen break-glass [-- --minutes <n>] [--port <port>] | break-glass -- close" 2 ;;',
    '    esac',
    '  done',
    '  if ! [[ "$minutes" =~ ^[0-9]+$ ]] || [ "$minutes" -lt 1 ] || [ "$minutes" -gt "$BG_MAX_MINUTES" ]; then',
    '    die "--minutes must be a whole number from 1 to $BG_MAX_MINUTES (got \\"$minutes\\")" 2',
    '  fi',
    '  if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then die "--port must be a TCP port (got \\"$port\\")" 2; fi',
    '  mkdir -p "$BG_DIR"',
    '  name="break-glass-$(date -u +%Y%m%d%H%M%S)"',
    // Hex from the kernel: no pipe that can die of SIGPIPE, nothing to quote in the Python literal.
    '  password="$(od -An -tx1 -N16 /dev/urandom | tr -d \' \\n\')"',
    '  if ! ( set -o noclobber; printf \'pid=%s\\nuser=%s\\nport=%s\\nstarted=%s\\nby=%s\\n\' "$$" "$name" "$port" \\',
    '      "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(id -un 2>/dev/null || echo unknown)" > "$BG_LOCK" ) 2>/dev/null; then',
    '    die "a break-glass is still open: $(tr \'\\n\' \' \' < "$BG_LOCK")(see $BG_LOG). If it no longer runs, close it with: npx projen break-glass -- close" 4',
    '  fi',
    '  REASON=""',
    '  trap \'close_glass "${REASON:-error}"\' EXIT',
    '  trap \'on_signal SIGINT 130\' INT',
    '  trap \'on_signal SIGTERM 143\' TERM',
    '  trap \'on_signal SIGHUP 129\' HUP',
    `  export ${BREAK_GLASS_PORT_VARIABLE}="$port"`,
    '  write_bg_file',
    '  log "OPEN user=$name port=127.0.0.1:$port minutes=$minutes"',
    '  loud "BREAK GLASS: starting NetBox on 127.0.0.1:$port WITHOUT Pomerium and the IdP, for $minutes minutes." \\',
    '    "Everything is logged to $BG_LOG."',
    '  bg_compose up -d --wait --no-deps "$BG_SERVICE"',
    `  out="$( { printf "NAME = '%s'\\nPASSWORD = '%s'\\n" "$name" "$password"; cat ${python(breakGlassCreatePython()).join('\n')}`,
    '} | in_netbox break-glass)"',
    '  case "$out" in *CREATED*) ;; *) die "could not create the break-glass user $name; NetBox answered: $out" ;; esac',
    '  until_utc="$(date -u -d "+$minutes minutes" +%H:%M 2>/dev/null || date -u -v "+${minutes}M" +%H:%M)"',
    '  log "READY user=$name port=127.0.0.1:$port until=${until_utc}Z"',
    '  loud "BREAK GLASS IS OPEN until $until_utc UTC. It bypasses Pomerium and the IdP." \\',
    '    "URL:      http://localhost:$port/login/  (this host only; from elsewhere: ssh -L $port:127.0.0.1:$port <this host>)" \\',
    '    "User:     $name" "Password: $password" \\',
    '    "Ctrl-C closes it now; the user is deleted and the port closed either way."',
    '  sleep "$((minutes * 60))" &',
    '  SLEEP_PID=$!',
    '  wait "$SLEEP_PID" || true',
    '  REASON=timeout',
    '}',
    '',
  ];
}

/** Closing by hand and the command dispatch. */
function usersScriptTail(): string[] {
  return [
    'close_by_hand() {',
    '  local pid',
    '  [ -f "$BG_LOCK" ] || die "no break-glass is open ($BG_LOCK does not exist)" 0',
    '  pid="$(lock_value pid)"',
    '  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then',
    '    die "break-glass (pid $pid) is still running; stop it with Ctrl-C where it runs, or: kill -TERM $pid" 4',
    '  fi',
    '  close_glass "closed by hand"',
    '}',
    '',
    'if [ "${1:-}" = --swarm ]; then TARGET=swarm; shift; fi',
    'command="${1:-}"',
    'shift || true',
    // `npx projen offboard -- <user>` passes the `--` on.
    'if [ "${1:-}" = -- ]; then shift; fi',
    'case "$command" in',
    '  users) users ;;',
    '  offboard) offboard "$@" ;;',
    '  break-glass)',
    '    if [ "$TARGET" = swarm ]; then die "break-glass runs on a Compose host only; see the runbook for Swarm" 2; fi',
    '    open_glass "$@" ;;',
    '  *) die "usage: $0 [--swarm] users | offboard <user> | break-glass [--minutes <n>] [--port <port>] | break-glass close" 2 ;;',
    'esac',
  ];
}
