#!/usr/bin/env bash
# Builds VMPlant's container images without any image registry:
#   vmplant-os:HASH        a debootstrap minbase root of Debian (mirror: the one apt on this machine already uses)
#   vmplant-runtime:HASH   os + libvirt0 and the .NET libraries' native dependencies + this machine's .NET runtime
#   vmplant-postgres:HASH  os + Debian's PostgreSQL, with an entrypoint speaking the official image's variables
#   vmplant:HASH           the Dockerfile's `prebuilt` target on vmplant-runtime, with the app published here
# Each tag is a hash of that image's build inputs (recipe code, packages, parent image, app files); an image that is
# already present is not rebuilt, so a second run takes seconds. Writes .build/docker/offline.env for
#   docker-compose --env-file .build/docker/offline.env up -d
# Usage: offline-images.sh [--rebuild]   (root, debootstrap and a running Docker daemon are needed)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/.build/docker"
cache="${VMPLANT_IMAGE_CACHE:-/var/cache/vmplant-images}"   # debootstrap's and apt's .deb files, kept between runs
suite=bookworm
host_project="${VMPLANT_HOST_PROJECT:-$root/VMPlant.Host/VMPlant.Host.csproj}"
runtime_packages=(libvirt0 ca-certificates libssl3 libstdc++6 zlib1g tzdata)
postgres_packages=(postgresql-15)
rebuild=false
[[ "${1:-}" == "--rebuild" ]] && rebuild=true

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fail() { echo "error: $*" >&2; exit 1; }
hash_of() { sha256sum | cut -c1-12; }
image_present() { ! $rebuild && docker image inspect "$1" >/dev/null 2>&1; }

# Mirrors for the suite and its updates/security suites, read from apt's own sources (no host named here).
apt_mirrors() {
  apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 'Identifier: Packages' \
    | awk -v s="$suite" '$2 == s || $2 == s"-updates" || $2 == s"-security"' | sort -u
}

work=""
mounts=()
cleanup() {
  local m
  for ((i=${#mounts[@]}-1; i>=0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done
  [[ -n "$work" ]] && rm -rf "$work"
}
trap cleanup EXIT

# Runs apt-get in ROOT with the host's resolver, /proc and a shared .deb cache; services are never started.
chroot_apt() {
  local dir=$1; shift
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' > "$dir/usr/sbin/policy-rc.d"; chmod +x "$dir/usr/sbin/policy-rc.d"
  mkdir -p "$cache/apt" "$dir/var/cache/apt/archives"
  mount --bind "$cache/apt" "$dir/var/cache/apt/archives"; mounts+=("$dir/var/cache/apt/archives")
  mount -t proc proc "$dir/proc"; mounts+=("$dir/proc")
  DEBIAN_FRONTEND=noninteractive chroot "$dir" apt-get -q -o Dpkg::Options::=--force-confold "$@" >> "$work/apt.log" 2>&1 \
    || { tail -20 "$work/apt.log" >&2; fail "apt-get $* in the image root failed"; }
  umount "$dir/proc" "$dir/var/cache/apt/archives"; mounts=()
  rm -f "$dir/usr/sbin/policy-rc.d"
  : > "$dir/etc/resolv.conf"
}

import_root() {   # ROOT TAG [--change ...]
  local dir=$1 tag=$2; shift 2
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/log/apt/* "$dir"/tmp/*
  tar --numeric-owner -C "$dir" -c . | docker import "$@" - "$tag" >/dev/null
}

# A root filesystem from an image already present (faster than another debootstrap).
export_image() {   # IMAGE DIR
  local id; id=$(docker create "$1" /bin/true)
  mkdir -p "$2"; docker export "$id" | tar --numeric-owner -C "$2" -x
  docker rm "$id" >/dev/null
}

build_os() {   # TAG
  local dir="$work/os" mirror
  mirror=$(apt_mirrors | awk -v s="$suite" '$2 == s {print $1; exit}')
  [[ -n "$mirror" ]] || fail "apt has no source for $suite (apt-get indextargets); cannot debootstrap"
  mkdir -p "$cache/debootstrap"
  debootstrap --variant=minbase --cache-dir="$cache/debootstrap" "$suite" "$dir" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap $suite from $mirror failed"; }
  apt_mirrors | awk '{print "deb " $1 " " $2 " " $3}' > "$dir/etc/apt/sources.list"
  chroot_apt "$dir" update
  chroot_apt "$dir" -y upgrade
  import_root "$dir" "$1"
}

# .NET frameworks the published app asks for, copied from this machine's dotnet (as in Microsoft's runtime image).
dotnet_root() { dirname "$(readlink -f "$(command -v dotnet)")"; }
framework_dirs() {   # RUNTIMECONFIG.json -> shared/NAME/VERSION dirs matching each framework's major.minor
  local name want dir
  tr -d ' \n\t' < "$1" | grep -o '"name":"[^"]*","version":"[^"]*"' | sed 's/"name":"\([^"]*\)","version":"\([^"]*\)"/\1 \2/' |
  while read -r name want; do
    dir=$(ls -d "$(dotnet_root)/shared/$name/${want%.*}".* 2>/dev/null | sort -V | tail -1)
    [[ -n "$dir" ]] || fail "this machine's dotnet has no $name ${want%.*}.x"
    echo "$dir"
  done
}

build_runtime() {   # TAG OS_TAG FRAMEWORK_DIRS...
  local tag=$1 os=$2 dir="$work/runtime" dn; shift 2
  export_image "$os" "$dir"
  chroot_apt "$dir" update
  chroot_apt "$dir" install -y --no-install-recommends "${runtime_packages[@]}"
  dn=$(dotnet_root)
  mkdir -p "$dir/usr/share/dotnet/shared" "$dir/usr/share/dotnet/host"
  cp -a "$dn/dotnet" "$dir/usr/share/dotnet/"
  cp -a "$dn/host/fxr" "$dir/usr/share/dotnet/host/"
  for fw in "$@"; do
    mkdir -p "$dir/usr/share/dotnet/shared/$(basename "$(dirname "$fw")")"
    cp -a "$fw" "$dir/usr/share/dotnet/shared/$(basename "$(dirname "$fw")")/"
  done
  ln -sf /usr/share/dotnet/dotnet "$dir/usr/bin/dotnet"
  import_root "$dir" "$tag" \
    --change 'ENV DOTNET_ROOT=/usr/share/dotnet' --change 'ENV DOTNET_RUNNING_IN_CONTAINER=true' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
}

postgres_entrypoint() {
  cat <<'EOF'
#!/bin/sh
# First start: initdb with POSTGRES_USER / POSTGRES_PASSWORD(_FILE) / POSTGRES_DB (as the official image does),
# password authentication over the network; then PostgreSQL in the foreground as user postgres.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}" "${POSTGRES_USER:=postgres}"
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE"); fi
: "${POSTGRES_DB:=$POSTGRES_USER}"
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql; chmod 700 "$PGDATA"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || { echo "error: set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE" >&2; exit 1; }
  pwfile=$(mktemp); printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"; chown postgres "$pwfile"
  as_postgres initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    as_postgres postgres --single -D "$PGDATA" -c listen_addresses='' postgres <<SQL >/dev/null
CREATE DATABASE "$POSTGRES_DB" OWNER "$POSTGRES_USER";
SQL
  fi
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -D "$PGDATA" -c listen_addresses='*' "$@"
EOF
}

build_postgres() {   # TAG OS_TAG
  local tag=$1 os=$2 dir="$work/postgres" bin
  export_image "$os" "$dir"
  mkdir -p "$dir/etc/postgresql-common"
  echo "create_main_cluster = false" > "$dir/etc/postgresql-common/createcluster.conf"
  chroot_apt "$dir" update
  chroot_apt "$dir" install -y --no-install-recommends "${postgres_packages[@]}"
  bin=$(ls -d "$dir"/usr/lib/postgresql/*/bin | sort -V | tail -1); bin=${bin#"$dir"}
  postgres_entrypoint > "$dir/usr/local/bin/postgres-entrypoint"; chmod 755 "$dir/usr/local/bin/postgres-entrypoint"
  import_root "$dir" "$tag" \
    --change "ENV PATH=$bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change 'ENV PGDATA=/var/lib/postgresql/data' --change 'EXPOSE 5432' \
    --change 'ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]'
}

publish_app() {   # DIR
  rm -rf "$1"; mkdir -p "$1"
  dotnet publish "$host_project" -c Release -r linux-x64 --self-contained false \
      --artifacts-path "$out/artifacts" -o "$1" -nologo -v quiet > "$work/publish.log" 2>&1 \
    || { tail -30 "$work/publish.log" >&2; fail "dotnet publish $host_project failed"; }
}

# Inputs of the app image: the files of the host's projects and configuration (tracked or new, not ignored).
app_sources_hash() {
  (cd "$root" && git ls-files -co --exclude-standard -- VMPlant.Messages VMPlant.Actors VMPlant.Libvirt VMPlant.Host hocon \
     Directory.Build.props Directory.Packages.props | sort | xargs sha256sum) | hash_of
}

main() {
  [[ $EUID -eq 0 ]] || fail "run as root (debootstrap, chroot and mount need it)"
  command -v debootstrap >/dev/null || fail "debootstrap is missing (apt-get install debootstrap)"
  docker info >/dev/null 2>&1 || fail "no Docker daemon answers on /var/run/docker.sock"
  mkdir -p "$out"; work=$(mktemp -d "${TMPDIR:-/tmp}/vmplant-images.XXXXXX")
  local started=$SECONDS t os_tag runtime_tag postgres_tag app_tag app_dir frameworks

  os_tag="vmplant-os:$( { declare -f build_os chroot_apt import_root; echo "$suite"; apt_mirrors; } | hash_of)"
  if image_present "$os_tag"; then log "$os_tag present"; else
    t=$SECONDS; log "building $os_tag (debootstrap $suite)…"; build_os "$os_tag"; log "$os_tag built in $((SECONDS - t)) s"; fi

  postgres_tag="vmplant-postgres:$( { echo "$os_tag"; declare -f build_postgres postgres_entrypoint export_image; echo "${postgres_packages[*]}"; } | hash_of)"
  if image_present "$postgres_tag"; then log "$postgres_tag present"; else
    t=$SECONDS; log "building $postgres_tag…"; build_postgres "$postgres_tag" "$os_tag"; log "$postgres_tag built in $((SECONDS - t)) s"; fi

  # The app's image tag depends on its sources and the runtime; publish only when that image is missing.
  local src_hash; src_hash=$(app_sources_hash)
  app_dir="$out/app"
  if [[ ! -f "$out/app.sources" || "$(cat "$out/app.sources")" != "$src_hash" || ! -d "$app_dir" ]] || $rebuild; then
    t=$SECONDS; log "publishing the host…"; publish_app "$app_dir"; echo "$src_hash" > "$out/app.sources"
    log "published in $((SECONDS - t)) s"
  fi
  mapfile -t frameworks < <(framework_dirs "$app_dir/vmplant.runtimeconfig.json")
  ((${#frameworks[@]} > 0)) || fail "no .NET framework found for $app_dir/vmplant.runtimeconfig.json on this machine"
  runtime_tag="vmplant-runtime:$( { echo "$os_tag"; declare -f build_runtime export_image; echo "${runtime_packages[*]}"; printf '%s\n' "${frameworks[@]}"; } | hash_of)"
  if image_present "$runtime_tag"; then log "$runtime_tag present"; else
    t=$SECONDS; log "building $runtime_tag…"; build_runtime "$runtime_tag" "$os_tag" "${frameworks[@]}"; log "$runtime_tag built in $((SECONDS - t)) s"; fi

  app_tag="vmplant:offline-$( { echo "$runtime_tag $src_hash"; cat "$root/Dockerfile"; } | hash_of)"
  if image_present "$app_tag"; then log "$app_tag present"; else
    t=$SECONDS; log "building $app_tag…"
    docker build -f "$root/Dockerfile" --target prebuilt --build-arg "RUNTIME_IMAGE=$runtime_tag" -t "$app_tag" "$app_dir" \
      > "$work/build.log" 2>&1 || { tail -20 "$work/build.log" >&2; fail "docker build of $app_tag failed"; }
    log "$app_tag built in $((SECONDS - t)) s"; fi

  printf 'VMPLANT_IMAGE=%s\nVMPLANT_POSTGRES_IMAGE=%s\n' "$app_tag" "$postgres_tag" > "$out/offline.env"
  log "images ready in $((SECONDS - started)) s; compose variables in ${out#"$root/"}/offline.env"
}

main "$@"
