#!/usr/bin/env bash
# Creates the compose grid's PostgreSQL credentials once, at run time, so no password is written in the repository:
#   DIR/postgres-password   read by the postgres service (POSTGRES_PASSWORD_FILE)
#   DIR/pgpass              read by the nodes (Npgsql's Passfile=, PostgreSQL's .pgpass format)
# DIR defaults to .build/docker/secrets (the compose file's VMPLANT_SECRETS_DIR default). Existing files are kept.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${1:-${VMPLANT_SECRETS_DIR:-$root/.build/docker/secrets}}"
mkdir -p "$dir"; chmod 700 "$dir"
if [[ ! -s "$dir/postgres-password" ]]; then
  # Hex digits only: safe in a .pgpass line and in a connection string.
  password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  printf '%s\n' "$password" > "$dir/postgres-password"
fi
printf '*:*:*:vmplant:%s\n' "$(head -1 "$dir/postgres-password")" > "$dir/pgpass"
# Readable inside the containers (whose postgres user is not root); the directory keeps other users of this host out.
chmod 644 "$dir/postgres-password" "$dir/pgpass"
echo "$dir"
