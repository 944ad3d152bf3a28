# Sourced by .ci/run: a Docker daemon and a base image for the container tests (relaysim-testcontainers), which
# build the repository's Dockerfile on that base. No registry is reachable here, so the base (a Java 17 runtime) is
# made from Debian packages with debootstrap and cached as a local image. dockerd starts only when none runs, without
# NAT, forwarding or iptables rules (containers reach nothing beyond this machine; published ports go through the
# userland proxy), and ci_stop_dockerd (in .ci/run's EXIT trap) stops the daemon this script started.

RELAYSIM_BASE_IMAGE="${RELAYSIM_BASE_IMAGE:-relaysim-base:bookworm-jre17}"

# Debian packages the container tests need, for .ci/run's apt-get install.
ci_docker_packages() {
  command -v dockerd >/dev/null 2>&1 || echo docker.io
  command -v debootstrap >/dev/null 2>&1 || echo debootstrap
}

ci_start_dockerd() {
  if docker info >/dev/null 2>&1; then
    echo ".ci/run: using the Docker daemon that runs already"
    return
  fi
  local log
  log="$(mktemp -t relaysim-dockerd.XXXXXX.log)"
  ip link show docker0 >/dev/null 2>&1 || ci_dockerd_made_bridge=true
  dockerd --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --userland-proxy=true \
    >"$log" 2>&1 &
  ci_dockerd_pid=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && { echo ".ci/run: started dockerd (pid $ci_dockerd_pid, log $log)"; return; }
    kill -0 "$ci_dockerd_pid" 2>/dev/null || break
    sleep 1
  done
  echo ".ci/run: dockerd did not come up; its log ($log) ends:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

# Stops the daemon ci_start_dockerd started, if it started one (.ci/run's EXIT trap calls it).
ci_stop_dockerd() {
  if [ -n "${ci_dockerd_pid:-}" ]; then
    kill "$ci_dockerd_pid" 2>/dev/null || true
    wait "$ci_dockerd_pid" 2>/dev/null || true
  fi
  # dockerd leaves its default bridge behind; remove it when this script's daemon made it.
  if [ "${ci_dockerd_made_bridge:-}" = true ]; then
    ip link delete docker0 2>/dev/null || true
  fi
}

# The mirror apt uses here (deb822 sources or the one-line format).
ci_debian_mirror() {
  cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk '$1 == "URIs:" || $1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; break}}' \
    | grep -v -- '-security' | head -n 1 || true
}

ci_base_image() {
  if docker image inspect "$RELAYSIM_BASE_IMAGE" >/dev/null 2>&1; then
    echo ".ci/run: base image $RELAYSIM_BASE_IMAGE exists"
    return
  fi
  local root mirror started
  mirror="$(ci_debian_mirror)"
  root="$(mktemp -d -t relaysim-base.XXXXXX)"
  started=$SECONDS
  echo ".ci/run: building $RELAYSIM_BASE_IMAGE with debootstrap from ${mirror:-the default mirror} (a few minutes)"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$root" ${mirror:+"$mirror"} >/dev/null
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import - "$RELAYSIM_BASE_IMAGE" >/dev/null
  rm -rf "$root"
  echo ".ci/run: $RELAYSIM_BASE_IMAGE built in $((SECONDS - started)) s"
}
