# Starts a local PostgreSQL on loopback for the persistence tests when it can be had, and exports
# VMPLANT_TEST_POSTGRES with its connection string. Without it the suite runs on SQLite only.
start_postgres_if_possible() {
  if [[ -n "${VMPLANT_TEST_POSTGRES:-}" ]]; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "installing PostgreSQL for the persistence tests…"
    apt_install postgresql || { echo "PostgreSQL could not be installed: persistence tests run on SQLite only"; return 0; }
  fi
  local version
  version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  [[ -n "$version" ]] || { echo "no PostgreSQL server found: SQLite only"; return 0; }
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    pg_createcluster "$version" main >/dev/null 2>&1 || true
  fi
  pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
  if ! su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1; then
    echo "PostgreSQL did not start: SQLite only"; return 0
  fi
  su postgres -c "psql -qtAc \"do \\\$\\\$ begin if not exists (select from pg_roles where rolname = 'vmplant') then create role vmplant login password 'vmplant' createdb; end if; end \\\$\\\$;\"" >/dev/null
  local port
  port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
  export VMPLANT_TEST_POSTGRES="Host=127.0.0.1;Port=${port:-5432};Username=vmplant;Password=vmplant;Database=postgres"
  echo "PostgreSQL $version on 127.0.0.1:${port:-5432} is used by the persistence tests"
}
