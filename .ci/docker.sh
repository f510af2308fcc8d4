# Makes Docker usable for the compose drill (VMPlant.Tests/Deployment): installs docker.io, docker-compose and
# debootstrap when missing, starts dockerd when no daemon answers (stopped again by stop_docker_if_started), and
# builds the offline images once (deploy/docker/offline-images.sh: tagged by a hash of their inputs, so a later run
# only checks them). Exports VMPLANT_TEST_COMPOSE_ENV (the images' compose variables), or
# VMPLANT_TEST_DOCKER_UNAVAILABLE with the reason on one line.
docker_started_pid=""

start_docker_if_possible() {
  local log="$root/.build/docker"
  mkdir -p "$log"
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker-compose >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
    echo "installing Docker (docker.io, docker-compose) and debootstrap for the compose drill…"
    if ! apt_install docker.io docker-compose debootstrap; then
      export VMPLANT_TEST_DOCKER_UNAVAILABLE="docker.io/docker-compose could not be installed (apt-get failed)"; return 0
    fi
  fi
  if ! docker info >/dev/null 2>&1; then
    echo "starting dockerd (log: .build/docker/dockerd.log)…"
    dockerd >"$log/dockerd.log" 2>&1 &
    docker_started_pid=$!
    local i
    for ((i = 0; i < 60; i++)); do docker info >/dev/null 2>&1 && break; sleep 1; done
    if ! docker info >/dev/null 2>&1; then
      export VMPLANT_TEST_DOCKER_UNAVAILABLE="dockerd did not start: $(tail -1 "$log/dockerd.log")"; return 0
    fi
  fi
  echo "building the offline container images (cached; log: .build/docker/images.log)…"
  if ! "$root/deploy/docker/offline-images.sh" >"$log/images.log" 2>&1; then
    export VMPLANT_TEST_DOCKER_UNAVAILABLE="offline image build failed: $(tail -1 "$log/images.log")"; return 0
  fi
  tail -1 "$log/images.log"
  export VMPLANT_TEST_COMPOSE_ENV="$log/offline.env"
}

# Stops the daemon if this run started it (the drill has already removed its containers, network and volumes).
stop_docker_if_started() {
  if [[ -n "$docker_started_pid" ]]; then
    kill "$docker_started_pid" 2>/dev/null && wait "$docker_started_pid" 2>/dev/null
  fi
}
