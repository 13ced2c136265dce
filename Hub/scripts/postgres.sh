#!/usr/bin/env bash
# A throwaway PostgreSQL server for the Hub's store tests and benchmark.
#
#   scripts/postgres.sh run COMMAND...   initdb into a temporary folder, start on 127.0.0.1 on a
#                                        free port, run COMMAND with CONNECTOR_TEST_POSTGRES_URL and
#                                        CONNECTOR_TEST_POSTGRES_CONTROL set, then stop and delete it
#   scripts/postgres.sh control DIR PORT stop|start   (what CONNECTOR_TEST_POSTGRES_CONTROL runs)
#
# Installs Debian's `postgresql` when no initdb is found under /usr/lib/postgresql/*/bin. initdb
# refuses to run as root, so as root the server runs as the `postgres` user (created by the
# package) through runuser.
set -euo pipefail

find_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

as_server_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ctl() {  # DIR PORT stop|start
    local bin; bin=$(find_bin)
    case "$3" in
        stop) as_server_user "$bin/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null ;;
        start) as_server_user "$bin/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 \
                   -o "-h 127.0.0.1 -p $2 -k $1 -c max_connections=200" start >/dev/null ;;
        *) echo "control: stop or start" >&2; exit 64 ;;
    esac
}

case "${1:-}" in
    control)
        shift; ctl "$@" ;;
    run)
        shift
        if [ -z "$(find_bin)" ] || [ ! -x "$(find_bin)/initdb" ]; then
            echo "postgres.sh: installing Debian's postgresql (no initdb under /usr/lib/postgresql/*/bin)" >&2
            if [ "$(id -u)" = 0 ]; then
                apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
            else
                echo "postgres.sh: run 'sudo apt-get install -y postgresql' first" >&2; exit 69
            fi
        fi
        bin=$(find_bin)
        dir=$(mktemp -d /tmp/connector-postgres.XXXXXX)
        chmod 0755 "$dir"
        [ "$(id -u)" = 0 ] && chown postgres "$dir"
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        cleanup() {
            as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
            rm -rf "$dir"
        }
        trap cleanup EXIT
        as_server_user "$bin/initdb" -D "$dir/data" -U hub --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
        ctl "$dir" "$port" start || { cat "$dir/server.log" >&2; exit 1; }
        echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)" >&2
        export CONNECTOR_TEST_POSTGRES_URL="postgres://hub@127.0.0.1:$port/postgres"
        export CONNECTOR_TEST_POSTGRES_CONTROL="$(cd "$(dirname "$0")" && pwd)/postgres.sh control $dir $port"
        "$@"
        ;;
    *)
        sed -n '2,12p' "$0" >&2; exit 64 ;;
esac
