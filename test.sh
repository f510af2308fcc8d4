#!/usr/bin/env bash
# Runs the whole VMPlant test suite, installing what it needs on a fresh Debian machine (libvirt0;
# PostgreSQL and Docker when they can be had; QEMU, libvirtd and the real-VM base images, see .ci/realvm.sh).
# Builds once, then runs the suite in groups on three lanes side by side, printing each group as it starts and
# finishes (with its elapsed time, counts and output) and a line a minute saying what still runs, so a long drill is
# never minutes of silence.
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

# An up-to-date build still costs MSBuild minutes on a busy 2-core machine: skip it when no source, project or
# configuration file is newer than the last build's test assembly (touched after each build).
test_dll="$root/VMPlant.Tests/bin/Release/net10.0/VMPlant.Tests.dll"
if [[ -f "$test_dll" && -z "$(find "$root"/VMPlant.* "$root/bench" "$root/samples" "$root/hocon" "$root"/Directory.*.props \
      "$root/VMPlant.sln" \( -name bin -o -name obj \) -prune -o -type f -newer "$test_dll" -print -quit)" ]]; then
  echo "[$(elapsed)] build up to date (no source newer than the last build)"
else
  echo "[$(elapsed)] building…"
  if ! dotnet build "$project" -c Release -nologo -v quiet >"$results/build.log" 2>&1; then
    cat "$results/build.log"; echo "0 passed, 1 failed"; exit 1
  fi
  touch "$test_dll"
fi

# Groups by fully qualified name fragment; the first group takes every test the others do not. With arguments
# (e.g. a --filter of your own) the suite runs as one group.
groups=(
  "unit and actor specs|"
  "persistence and crash recovery|Persistence"
  "end to end, clients, HTTP and real VMs|EndToEnd Clients RealVm Browser Http"
  "compose grid and its drill|Deployment"
  "failover drills|Failover"
)
# Lanes run side by side (each group a `dotnet test` process), their groups one after another. Every test picks free
# loopback ports and its own directories, databases, network namespaces and compose project at run time, so lanes do
# not meet; much of a drill's time is waiting on other processes, which the other lanes fill. Roughly even lanes as
# measured with all three running (2026-12-02 11:31: unit 6.8 min; compose 4.0 + end to end 2.5 min; failover 5.8 +
# persistence 1.4 min).
lanes=("1" "4 3" "5 2")
if [[ $# -gt 0 ]]; then groups=("selected tests|"); lanes=("1"); fi
rest_filter=""
for g in "${groups[@]:1}"; do
  for fragment in ${g#*|}; do rest_filter+="${rest_filter:+&}FullyQualifiedName!~$fragment"; done
done

# run_group INDEX: one group's `dotnet test`, its console output kept in TestResults/groupINDEX.log (printed when the
# group ends, so lanes do not interleave); writes its exit code to groupINDEX.code.
run_group() {
  local index=$1 g=${groups[$(($1 - 1))]} filter=""
  local fragments=${g#*|}
  shift
  if [[ $# -gt 0 ]]; then
    filter=""
  elif [[ -z "$fragments" ]]; then
    filter="$rest_filter"
  else
    for fragment in $fragments; do filter+="${filter:+|}FullyQualifiedName~$fragment"; done
  fi
  dotnet test "$project" -c Release --no-build ${filter:+--filter "$filter"} \
    --logger "trx;LogFileName=group$index.trx" --results-directory "$results" \
    --logger "console;verbosity=minimal" "$@" >"$results/group$index.log" 2>&1
  echo $? >"$results/group$index.code"
}

# run_lane "I J…": the lane's groups one after another, each announced when it starts and when it ends.
run_lane() {
  local index name started_at lane_groups=$1
  shift
  for index in $lane_groups; do
    name=${groups[$((index - 1))]%%|*}
    started_at=$SECONDS
    touch "$results/group$index.started"
    echo "[$(elapsed)] group $index/${#groups[@]} started: $name"
    run_group "$index" "$@"
    echo "[$(elapsed)] group $index/${#groups[@]} done in $(( (SECONDS - started_at) / 60 ))m$(printf '%02d' $(( (SECONDS - started_at) % 60 )))s: $name; $(group_summary "$index")"
    sed -e '/^\s*$/d' -e 's/^/    /' "$results/group$index.log"
  done
}

# group_summary INDEX: "N passed, N failed, N skipped" from the group's TRX (or why there is none).
group_summary() {
  local trx="$results/group$1.trx"
  [[ -f "$trx" ]] || { echo "no results (exit code $(cat "$results/group$1.code" 2>/dev/null))"; return; }
  local counters
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  local p f t e
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  echo "$p passed, $f failed, $((t - e)) skipped"
}

pids=()
for lane in "${lanes[@]}"; do
  run_lane "$lane" "$@" &
  pids+=($!)
done
# While lanes run, a line every minute says what is still running, so a long drill is never minutes of silence.
next_report=$((SECONDS + 60))
while true; do
  alive=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  [[ $alive -eq 0 ]] && break
  if [[ $SECONDS -ge $next_report ]]; then
    next_report=$((SECONDS + 60))
    running=""
    for i in "${!groups[@]}"; do
      index=$((i + 1))
      [[ -f "$results/group$index.started" && ! -f "$results/group$index.code" ]] && running+="${running:+; }${groups[$i]%%|*}"
    done
    echo "[$(elapsed)] still running: $running (load average $(cut -d' ' -f1 /proc/loadavg))"
  fi
  sleep 1
done
wait "${pids[@]}"  # the lanes only (dockerd, when test.sh started it, runs in the background too)

status=0
for i in "${!groups[@]}"; do
  # 0: passed; 1: a test failed. Anything else (e.g. no test matched the group's filter) is only a note.
  [[ "$(cat "$results/group$((i + 1)).code" 2>/dev/null)" == 1 ]] && status=1
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
