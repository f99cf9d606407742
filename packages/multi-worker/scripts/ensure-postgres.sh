#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries (initdb, postgres, pg_ctl) are installed for the
# multi-worker tests and the bench, which start their own throwaway server
# (packages/multi-worker/src/testing/postgres.ts). Looks where startPostgres() looks: $PG_BINDIR,
# PATH, `pg_config --bindir`, then /usr/lib/postgresql/*/bin (newest version first). When none is
# found and this runs as root with apt-get (CI machines), installs Debian's `postgresql` package
# without starting its cluster; otherwise says how to install it and fails.
set -euo pipefail

has_server_binaries() {
  local dir="$1"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && [ -x "$dir/pg_ctl" ]
}

find_server_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then
    # An explicit choice is not second-guessed: it must hold the binaries.
    has_server_binaries "$PG_BINDIR" && { echo "$PG_BINDIR"; return 0; }
    return 1
  fi
  local initdb_path dir
  if initdb_path="$(command -v initdb 2>/dev/null)"; then
    dir="$(dirname "$(readlink -f "$initdb_path")")"
    has_server_binaries "$dir" && { echo "$dir"; return 0; }
  fi
  if command -v pg_config >/dev/null 2>&1; then
    dir="$(pg_config --bindir 2>/dev/null || true)"
    has_server_binaries "$dir" && { echo "$dir"; return 0; }
  fi
  # Debian and Ubuntu keep each major version in /usr/lib/postgresql/<major>/bin.
  for dir in $(ls -1d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -rn); do
    has_server_binaries "$dir" && { echo "$dir"; return 0; }
  done
  return 1
}

if find_server_bindir >/dev/null; then
  exit 0
fi

if [ -z "${PG_BINDIR:-}" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing PostgreSQL for the multi-worker tests and the bench (apt-get install postgresql)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  # Debian's package creates and starts a "main" cluster on port 5432; the tests start their own
  # servers, so keep the package's service from starting (policy-rc.d exit 101 = "action
  # forbidden", honoured by invoke-rc.d and deb-systemd-invoke). An existing policy is left alone.
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# Temporary: written by ensure-postgres.sh during apt-get install.\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=1
  fi
  cleanup() { if [ "$added_policy" = 1 ]; then rm -f "$policy"; fi; }
  trap cleanup EXIT
  status=0
  {
    apt-get update -qq >/dev/null &&
      apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        postgresql </dev/null >/dev/null
  } || status=$?
  cleanup
  trap - EXIT
  if [ "$status" != 0 ]; then
    echo "apt-get install postgresql failed (exit status $status)." >&2
  fi
  if find_server_bindir >/dev/null; then
    exit 0
  fi
fi

if [ -n "${PG_BINDIR:-}" ]; then
  echo "PG_BINDIR=$PG_BINDIR does not hold PostgreSQL's server binaries (initdb, postgres, pg_ctl)." >&2
  echo "Point PG_BINDIR at the directory that holds them (e.g. /usr/lib/postgresql/15/bin), or unset it." >&2
  exit 1
fi
echo "PostgreSQL's server binaries (initdb, postgres, pg_ctl) were not found: the multi-worker tests and the bench start their own PostgreSQL server." >&2
echo "Looked in PATH, \`pg_config --bindir\` and /usr/lib/postgresql/*/bin." >&2
echo "Install Debian's package (sudo apt-get install -y postgresql), or set PG_BINDIR to the directory holding initdb, postgres and pg_ctl." >&2
exit 1
