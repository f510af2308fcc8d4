#!/usr/bin/env bash
# Runs the whole VMPlant test suite, installing what it needs on a fresh Debian machine (libvirt0;
# PostgreSQL and Docker when they can be had; QEMU, libvirtd and the real-VM base images, see .ci/realvm.sh).
# Builds once, then runs the suite in groups, printing each group as it starts
# and finishes with its elapsed time, so a long drill is never minutes of silence.
# Ends with a plain "N passed, N failed, N skipped" line; exits non-zero on any failure.
# Extra arguments go to every `dotnet test` call (e.g. --filter 'FullyQualifiedName~ShopActorSpec').
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
started=$SECONDS
elapsed() { local s=$((SECONDS - started)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

apt_install() {
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >/dev/null 2>&1
}

if ! grep -q 'libvirt\.so\.0' <(ldconfig -p); then
  echo "installing libvirt0…"
  apt_install libvirt0 || { echo "error: could not install libvirt0 (apt-get failed)"; exit 1; }
fi

# The dashboard's browser test drives Debian's headless Chromium through Playwright (no browser downloads here).
if [[ ! -x /usr/bin/chromium ]]; then
  echo "installing chromium…"
  apt_install chromium || echo "warning: could not install chromium (apt-get failed); the dashboard browser test will fail"
fi

# shellcheck source=.ci/postgres.sh
source "$root/.ci/postgres.sh"
start_postgres_if_possible

# shellcheck source=.ci/docker.sh
source "$root/.ci/docker.sh"
start_docker_if_possible
trap stop_docker_if_started EXIT

project="$root/VMPlant.Tests/VMPlant.Tests.csproj"
results="$root/TestResults"
rm -rf "$results"; mkdir -p "$results"
# shellcheck source=.ci/realvm.sh
source "$root/.ci/realvm.sh"
prepare_real_vms

echo "[$(elapsed)] building…"
if ! dotnet build "$project" -c Release -nologo -v quiet >"$results/build.log" 2>&1; then
  cat "$results/build.log"; echo "0 passed, 1 failed"; exit 1
fi

# Groups by fully qualified name fragment; the first group takes every test the others do not. With arguments
# (e.g. a --filter of your own) the suite runs as one group.
groups=(
  "unit and actor specs|"
  "persistence and crash recovery|Persistence"
  "end to end, clients and deployment|EndToEnd Clients Deployment RealVm Browser Http"
  "failover drills|Failover"
)
if [[ $# -gt 0 ]]; then groups=("selected tests|"); fi
rest_filter=""
for g in "${groups[@]:1}"; do
  for fragment in ${g#*|}; do rest_filter+="${rest_filter:+&}FullyQualifiedName!~$fragment"; done
done

status=0
index=0
for g in "${groups[@]}"; do
  index=$((index + 1))
  name=${g%%|*}
  fragments=${g#*|}
  if [[ $# -gt 0 ]]; then
    filter=""
  elif [[ -z "$fragments" ]]; then
    filter="$rest_filter"
  else
    filter=""
    for fragment in $fragments; do filter+="${filter:+|}FullyQualifiedName~$fragment"; done
  fi
  echo "[$(elapsed)] group $index/${#groups[@]}: $name…"
  dotnet test "$project" -c Release --no-build ${filter:+--filter "$filter"} \
    --logger "trx;LogFileName=group$index.trx" --results-directory "$results" \
    --logger "console;verbosity=minimal" "$@"
  code=$?
  # 0: passed; 1: a test failed. Anything else (e.g. no test matched the group's filter) is only a note.
  if [[ $code -eq 1 ]]; then status=1; fi
  echo "[$(elapsed)] group $index/${#groups[@]} done: $name"
done

passed=0; failed=0; total=0; executed=0
for trx in "$results"/group*.trx; do
  [[ -f "$trx" ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  total=$((total + $(get total))); executed=$((executed + $(get executed)))
done
echo "[$(elapsed)] suite finished"
if [[ $total -eq 0 ]]; then echo "0 passed, 1 failed"; exit 1; fi
echo "$passed passed, $failed failed, $((total - executed)) skipped"
[[ $failed -eq 0 && $status -eq 0 ]] || exit 1
