#!/usr/bin/env bash
# Runs the whole VMPlant test suite, installing what it needs on a fresh Debian machine (libvirt0;
# PostgreSQL when it can be had). Ends with a plain "N passed, N failed, N skipped" line; exits non-zero on any failure.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

apt_install() {
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >/dev/null 2>&1
}

if ! grep -q 'libvirt\.so\.0' <(ldconfig -p); then
  echo "installing libvirt0…"
  apt_install libvirt0 || { echo "error: could not install libvirt0 (apt-get failed)"; exit 1; }
fi

# shellcheck source=.ci/postgres.sh
source "$root/.ci/postgres.sh"
start_postgres_if_possible

results="$root/TestResults"
rm -rf "$results"
dotnet test "$root/VMPlant.Tests/VMPlant.Tests.csproj" -c Release \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" \
  --logger "console;verbosity=minimal" "$@"
status=$?

trx="$results/results.trx"
if [[ -f "$trx" ]]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$(get passed); failed=$(get failed); total=$(get total); executed=$(get executed)
  skipped=$(( total - executed ))
  echo "${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
  [[ "${failed:-0}" == "0" && $status -eq 0 ]] || exit 1
else
  echo "0 passed, 1 failed"
  exit 1
fi
