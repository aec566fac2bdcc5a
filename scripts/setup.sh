#!/usr/bin/env bash
# Prepares this machine for WakeDock: Debian packages, a running Docker engine, the .NET local
# tools and the solution's NuGet packages. Idempotent, and quick when everything is present.
#
#   ./scripts/setup.sh            (run.sh and test.sh call it first)
#
# Run it as a program, not with `source`. Works as root without a TTY; as another user it uses
# sudo for apt-get and dockerd when sudo is there.
#
# Environment:
#   WAKEDOCK_SKIP_DOCKER=1   do not check or start the Docker engine
#   WAKEDOCK_SKIP_RESTORE=1  skip `dotnet tool restore` and `dotnet restore`
#   DOCKERD_LOG=<file>       where a dockerd started here writes its log (/var/log/wakedock-dockerd.log)
#   DOCKER_WAIT_SECONDS=<n>  how long to wait for the engine to answer (60)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages the suite needs. promtool (checks the Prometheus rules) ships in `prometheus`.
PACKAGES=(postgresql redis-server rabbitmq-server caddy docker.io busybox-static prometheus docker-registry)

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/wakedock-dockerd.log}"
DOCKER_WAIT_SECONDS="${DOCKER_WAIT_SECONDS:-60}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

step() { printf '[setup] %s\n' "$*"; }
fail() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    SUDO=(__no_root__)
  fi
fi

as_root() {
  if [[ "${SUDO[0]:-}" == "__no_root__" ]]; then
    fail "'$*' needs root, and this is neither root nor has sudo. Run scripts/setup.sh as root."
  fi
  "${SUDO[@]}" "$@"
}

package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' installed$'
}

# ---------------------------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------------------------
install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    package_installed "$p" || missing+=("$p")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    step "Debian packages present: ${PACKAGES[*]}"
    return
  fi

  step "installing Debian packages: ${missing[*]}"
  # Keep apt from starting the distribution's own services (redis, rabbitmq, postgres, caddy,
  # docker): WakeDock runs its own instances on free ports. Most images already deny it through
  # policy-rc.d; where none exists, put one in place for the duration of the install only.
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [[ ! -e "$policy" ]]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    added_policy=1
  fi

  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  local log rc=0
  log="$(mktemp -t wakedock-apt.XXXXXX)"
  {
    as_root "${apt[@]}" update &&
      as_root "${apt[@]}" install --no-install-recommends "${missing[@]}"
  } >"$log" 2>&1 || rc=$?
  if [[ $added_policy -eq 1 ]]; then as_root rm -f "$policy"; fi
  if [[ $rc -ne 0 ]]; then
    tail -n 30 "$log" >&2
    fail "apt-get failed (exit $rc) installing: ${missing[*]} (full log: $log)"
  fi
  rm -f "$log"

  for p in "${missing[@]}"; do
    package_installed "$p" || fail "package $p is still not installed after apt-get"
  done
  step "installed: ${missing[*]}"
}

# Tells (and only tells) when a distribution service already listens on its default port:
# WakeDock's AppHost picks free ports, so it can live beside it, but a stray system instance
# uses memory and may confuse someone debugging. Processes not started here are never killed.
note_system_services() {
  local name port hex entry
  for entry in postgres:5432 redis:6379 rabbitmq:5672 epmd:4369; do
    name="${entry%%:*}"
    port="${entry##*:}"
    hex="$(printf '%04X' "$port")"
    if cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
      awk -v h=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == h { found = 1 } END { exit !found }'; then
      step "note: something already listens on port $port (a system $name instance?)." \
        "It was not started by WakeDock and is left alone; WakeDock uses its own free ports."
    fi
  done
}

# ---------------------------------------------------------------------------------------------
# 2. Docker engine
# ---------------------------------------------------------------------------------------------
docker_cli() {
  # /usr/local/bin/docker (28.x) may come before Debian's 20.10 client on PATH; it negotiates
  # down to the engine's API 1.41 by itself. DOCKER_API_VERSION=1.41 is the fallback.
  docker "$@" 2>/dev/null || DOCKER_API_VERSION=1.41 docker "$@" 2>/dev/null
}

docker_answers() {
  docker_cli version --format '{{.Server.Version}}' >/dev/null
}

dockerd_running() {
  if command -v pgrep >/dev/null 2>&1; then
    pgrep -x dockerd >/dev/null 2>&1
  else
    pidof dockerd >/dev/null 2>&1
  fi
}

ensure_docker() {
  if [[ "${WAKEDOCK_SKIP_DOCKER:-0}" == "1" ]]; then
    step "Docker engine: skipped (WAKEDOCK_SKIP_DOCKER=1)"
    return
  fi
  command -v docker >/dev/null 2>&1 || fail "no docker client on PATH (package docker.io)"

  if docker_answers; then
    step "Docker engine answers: $(docker_cli version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
    return
  fi

  local host="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  if [[ "$host" != "unix:///var/run/docker.sock" ]]; then
    fail "the Docker engine at DOCKER_HOST=$host does not answer; start it, or unset DOCKER_HOST"
  fi

  if dockerd_running; then
    step "dockerd is running but does not answer yet; waiting"
  else
    local dockerd
    dockerd="$(command -v dockerd || true)"
    [[ -n "$dockerd" ]] || dockerd=/usr/sbin/dockerd
    [[ -x "$dockerd" ]] || fail "dockerd not found (package docker.io)"
    step "starting dockerd in the background (log: $DOCKERD_LOG)"
    # setsid + nohup: the engine outlives this script and the terminal; no systemd here.
    as_root sh -c "mkdir -p \"\$(dirname '$DOCKERD_LOG')\" &&
      setsid nohup '$dockerd' >>'$DOCKERD_LOG' 2>&1 </dev/null &"
  fi

  local waited=0
  until docker_answers; do
    if [[ $waited -ge $DOCKER_WAIT_SECONDS ]]; then
      [[ -r "$DOCKERD_LOG" ]] && tail -n 20 "$DOCKERD_LOG" >&2
      fail "the Docker engine did not answer on /var/run/docker.sock within ${DOCKER_WAIT_SECONDS}s (log: $DOCKERD_LOG)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  step "Docker engine answers after ${waited}s: $(docker_cli version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
}

# ---------------------------------------------------------------------------------------------
# 3. .NET tools and packages
# ---------------------------------------------------------------------------------------------
dotnet_restore() {
  if [[ "${WAKEDOCK_SKIP_RESTORE:-0}" == "1" ]]; then
    step ".NET restore: skipped (WAKEDOCK_SKIP_RESTORE=1)"
    return
  fi
  command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is not on PATH"
  cd "$ROOT"
  local log
  log="$(mktemp -t wakedock-restore.XXXXXX)"
  if [[ -f .config/dotnet-tools.json ]]; then
    dotnet tool restore >"$log" 2>&1 || { cat "$log" >&2; fail "dotnet tool restore failed"; }
    step ".NET local tools restored"
  fi
  if [[ -f WakeDock.sln ]]; then
    dotnet restore WakeDock.sln -nologo -v:quiet >"$log" 2>&1 || {
      cat "$log" >&2
      fail "dotnet restore WakeDock.sln failed"
    }
    step "NuGet packages restored for WakeDock.sln"
  else
    step "no WakeDock.sln yet: package restore skipped"
  fi
  rm -f "$log"
}

start=$SECONDS
install_packages
note_system_services
ensure_docker
dotnet_restore
step "ready in $((SECONDS - start))s"
