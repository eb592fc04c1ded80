#!/usr/bin/env bash
set -euo pipefail
S="$FAKE_STATE"
line=""
for a in "$@"; do line+="$a"$'\t'; done
printf '%s\n' "${line%$'\t'}" >> "$S/calls"
if [ -n "${FAKE_DOCKER_FAIL:-}" ] && [[ " $* " == *" $FAKE_DOCKER_FAIL "* ]]; then
  echo "fake docker: failing on $FAKE_DOCKER_FAIL" >&2
  exit 3
fi

rows_of() {
  awk '/^COPY .* FROM stdin;$/ { t = $2; n = 0; c = 1; next } c && $0 == "\\." { printf "%s\t%d\n", t, n; c = 0; next } c { n++ }' "$1"
}

# A Postgres client command inside the database container.
pg() {
  local cmd="$1" db="" a last="${@: -1}"
  shift
  for a in "$@"; do case "$a" in --dbname=*) db="${a#--dbname=}" ;; esac; done
  case "$cmd" in
    pg_dump) cat "$S/db/$db" ;;
    pg_restore)
      if [ -z "$db" ]; then cat; return; fi
      [ -f "$S/db/$db" ] || { echo "fake pg_restore: no database $db" >&2; exit 1; }
      cat > "$S/db/$db" ;;
    createdb)
      [ ! -e "$S/db/$last" ] || { echo "fake createdb: database $last exists" >&2; exit 1; }
      : > "$S/db/$last" ;;
    dropdb) rm -f "$S/db/$last" ;;
    psql) rows_of "$S/db/$db" ;;
    *) echo "fake docker: unknown database command $cmd" >&2; exit 2 ;;
  esac
}

# in_dir <directory> <command> [<arg>...]: a container whose working directory is a volume.
in_dir() {
  local dir="$1"
  shift
  mkdir -p "$dir"
  cd "$dir"
  "$@"
}

if [ "$1" = compose ]; then
  shift
  while [ $# -gt 0 ]; do case "$1" in -p|-f) shift 2 ;; *) break ;; esac; done
  sub="$1"
  shift
  case "$sub" in
    up|stop) exit 0 ;;
    exec)
      [ "$1" = -T ] && shift
      [ "$1" = postgres ] || { echo "fake docker: exec in $1" >&2; exit 2; }
      shift
      pg "$@" ;;
    run)
      w="" e=""
      while [ $# -gt 0 ]; do
        case "$1" in
          --rm|--no-deps|-T) shift ;;
          --user|-u) shift 2 ;;
          -w) w="$2"; shift 2 ;;
          --entrypoint) e="$2"; shift 2 ;;
          *) break ;;
        esac
      done
      shift
      in_dir "$S/mounts$w" "$e" "$@" ;;
    *) echo "fake docker: compose $sub" >&2; exit 2 ;;
  esac
  exit 0
fi

case "$1" in
  run)
    shift
    v="" e=""
    while [ $# -gt 0 ]; do
      case "$1" in
        --rm|-i) shift ;;
        --network|--user|-w) shift 2 ;;
        -v) v="$2"; shift 2 ;;
        --entrypoint) e="$2"; shift 2 ;;
        *) break ;;
      esac
    done
    shift
    in_dir "$S/volumes/${v%%:*}" "$e" "$@" ;;
  volume)
    case "$2" in
      create) mkdir "$S/volumes/$3"; echo "$3" ;;
      rm) [ "$3" = -f ] && shift; rm -rf "$S/volumes/$3" ;;
      inspect) [ -d "$S/volumes/$3" ] ;;
    esac ;;
  service)
    case "$2" in
      inspect) [ -f "$S/swarm" ] ;;
      scale) exit 0 ;;
    esac ;;
  ps) if [ -f "$S/swarm" ]; then echo fake-postgres-container; fi ;;
  exec)
    shift
    [ "$1" = -i ] && shift
    shift
    pg "$@" ;;
  *) echo "fake docker: $1" >&2; exit 2 ;;
esac
