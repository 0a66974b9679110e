#!/usr/bin/env bash
# Test infrastructure: the local container lab, with every config and all data under .lab/:
#   - a registry on 127.0.0.1:5000 (Debian's docker-registry),
#   - a real Docker Engine (Debian's docker.io: dockerd on its own socket, data and exec roots),
#   - podman with its own Docker API socket,
#   - qemu emulation registered in binfmt_misc for every lab platform,
#   - `localhost:5000/busybox:latest`, one multi-arch list built from Debian's static busybox of
#     each architecture (nothing can be pulled on these machines), also local on both engines.
# Usage: bash scripts/lab.sh [up|down|status|env]   (up is the default; `npm run lab`)
set -euo pipefail

readonly ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly LAB="$ROOT/.lab"
readonly REGISTRY_ADDR='127.0.0.1:5000'
readonly REGISTRY_NAME='localhost:5000'
readonly PODMAN_SOCKET="$LAB/podman.sock"
readonly DOCKER_SOCKET="$LAB/docker.sock"
readonly DOCKER_DATA="$LAB/docker"
readonly DOCKER_EXEC="$LAB/docker-exec"
# Debian's docker CLI, which comes with its engine and builds with BuildKit without a buildx plugin.
readonly DOCKER_CLI=/usr/bin/docker
# The lab's dockerd gets its own bridge, address pool, containerd namespace and no iptables rules,
# so it never fights with a Docker Engine the machine already runs.
readonly DOCKER_BRIDGE=taskrunlab0
readonly DOCKER_BRIDGE_ADDRESS=10.214.0.1/24
readonly DOCKER_ADDRESS_POOL=10.213.0.0/16
readonly STATE_DIR="${XDG_STATE_HOME:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.local/state}/taskrun"
readonly POINTER="$STATE_DIR/lab.env"
# Every platform the lab can build and run; the base image list has one entry for each.
readonly PLATFORMS=(linux/amd64 linux/arm64 linux/arm/v7 linux/ppc64le linux/s390x)
readonly BUSYBOX_LIST="$REGISTRY_NAME/busybox:latest"
readonly BUSYBOX_LOCAL_LIST='localhost/taskrun-lab/busybox-list'
readonly READY_TIMEOUT_SECONDS=30
readonly DOCKER_STOP_TIMEOUT_SECONDS=30
# The commands the lab and the tests run (and a monospace font for `graph --format png`, the tz
# database for template date functions), each
# with the Debian package that provides it.
readonly REQUIRED_COMMANDS=(
  podman:podman runc:runc conmon:conmon /usr/lib/podman/netavark:netavark
  /usr/lib/podman/aardvark-dns:aardvark-dns iptables:iptables ip:iproute2
  docker-registry:docker-registry dockerd:docker.io containerd:containerd "$DOCKER_CLI":docker.io
  busybox:busybox-static update-binfmts:binfmt-support curl:curl tmux:tmux setsid:util-linux
  mount:mount dpkg-deb:dpkg apt-get:apt git:git
  /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf:fonts-dejavu-core /etc/fonts/fonts.conf:fontconfig-config
  /usr/share/zoneinfo/Europe/Berlin:tzdata
)
IS_CONFIG_CHANGED=no
IS_IMAGE_CHANGED=no

export CONTAINERS_CONF="$LAB/containers.conf"
export CONTAINERS_REGISTRIES_CONF="$LAB/registries.conf"
export CONTAINERS_STORAGE_CONF="$LAB/storage.conf"

say() { printf 'lab: %s\n' "$*" >&2; }
fail() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

# --- platforms -------------------------------------------------------------------------------

deb_arch_of() {
  case "$1" in
    linux/amd64) echo amd64 ;;
    linux/arm64) echo arm64 ;;
    linux/arm/v7) echo armhf ;;
    linux/ppc64le) echo ppc64el ;;
    linux/s390x) echo s390x ;;
    *) fail "no Debian architecture for $1" ;;
  esac
}

qemu_name_of() {
  case "$1" in
    amd64) echo x86_64 ;;
    arm64) echo aarch64 ;;
    armhf) echo arm ;;
    ppc64el) echo ppc64le ;;
    s390x) echo s390x ;;
    *) fail "no qemu emulator for $1" ;;
  esac
}

host_deb_arch() { dpkg --print-architecture; }

# The platforms this machine cannot run natively: each needs its qemu emulator.
list_foreign_deb_arches() {
  local platform arch host
  host="$(host_deb_arch)"
  for platform in "${PLATFORMS[@]}"; do
    arch="$(deb_arch_of "$platform")"
    [[ "$arch" != "$host" ]] && printf '%s\n' "$arch"
  done
}

# --- packages and commands ---------------------------------------------------------------------

list_required_packages() {
  local entry arch
  for entry in "${REQUIRED_COMMANDS[@]}"; do printf '%s\n' "${entry##*:}"; done
  printf '%s\n' ca-certificates
  while IFS= read -r arch; do
    [[ -n "$arch" ]] && printf 'qemu-user-static\n'
  done < <(list_foreign_deb_arches)
}

list_missing_packages() {
  local pkg
  while IFS= read -r pkg; do
    if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]]; then
      printf '%s\n' "$pkg"
    fi
  done < <(list_required_packages | sort -u)
}

install_packages() {
  command -v dpkg-query >/dev/null || fail 'this script needs Debian or Ubuntu (dpkg-query not found)'
  local missing
  mapfile -t missing < <(list_missing_packages)
  ((${#missing[@]} == 0)) && return 0
  if [[ "$(id -u)" != 0 ]]; then
    fail "missing packages: ${missing[*]}; run this script as root, or first: sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >"$LAB/apt-update.log" 2>&1 ||
    { tail -n 20 "$LAB/apt-update.log" >&2; fail "apt-get update failed (full log: $LAB/apt-update.log)"; }
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >"$LAB/apt-install.log" 2>&1 ||
    { tail -n 20 "$LAB/apt-install.log" >&2; fail "apt-get install failed (full log: $LAB/apt-install.log)"; }
}

is_command_present() {
  case "$1" in
    /usr/share/* | /etc/*) [[ -f "$1" ]] ;;
    /*) [[ -x "$1" ]] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

# Before anything starts: every command the lab runs, and every emulator it needs, is there.
check_commands() {
  local entry missing=() packages=() arch emulator
  for entry in "${REQUIRED_COMMANDS[@]}"; do
    if ! is_command_present "${entry%:*}"; then
      missing+=("${entry%:*} (package ${entry##*:})")
      packages+=("${entry##*:}")
    fi
  done
  while IFS= read -r arch; do
    [[ -z "$arch" ]] && continue
    emulator="/usr/libexec/qemu-binfmt/$(qemu_name_of "$arch")-binfmt-P"
    if [[ ! -x "$emulator" ]]; then
      missing+=("$emulator (package qemu-user-static)")
      packages+=(qemu-user-static)
    fi
  done < <(list_foreign_deb_arches)
  ((${#missing[@]} == 0)) && return 0
  fail "missing: ${missing[*]}; install with: apt-get install -y --no-install-recommends $(printf '%s\n' "${packages[@]}" | sort -u | tr '\n' ' ')"
}

# --- files and state ---------------------------------------------------------------------------

# Runtime state (runroot, podman's tmp_dir, dockerd's exec root) must not survive a reboot.
reset_runtime_state_after_reboot() {
  local boot_id
  boot_id="$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)"
  if [[ -f "$LAB/boot-id" && "$(cat "$LAB/boot-id")" != "$boot_id" ]]; then
    say 'machine rebooted since the lab last ran: clearing runtime state'
    rm -rf "$LAB/run" "$LAB/tmp" "$DOCKER_EXEC"
    rm -f "$LAB/registry.pid" "$LAB/podman.pid" "$LAB/docker.pid" "$PODMAN_SOCKET" "$DOCKER_SOCKET"
  fi
  printf '%s\n' "$boot_id" >"$LAB/boot-id"
}

write_if_changed() {
  local path="$1" content="$2"
  if [[ ! -f "$path" || "$(cat "$path")" != "$content" ]]; then
    printf '%s\n' "$content" >"$path"
    return 0
  fi
  return 1
}

can_mount_overlay() {
  local probe="$LAB/overlay-probe"
  rm -rf "$probe"
  mkdir -p "$probe"/{lower,upper,work,merged}
  local ok=1
  if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" "$probe/merged" 2>/dev/null; then
    touch "$probe/merged/file" 2>/dev/null && ok=0
    umount "$probe/merged"
  fi
  rm -rf "$probe"
  return "$ok"
}

write_storage_conf() {
  local driver="$1"
  cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "$driver"
graphroot = "$LAB/storage"
runroot = "$LAB/run/storage"
EOF
}

# Chosen once, when the storage is created: podman cannot switch drivers over existing storage.
choose_storage_driver() {
  local driver=vfs
  can_mount_overlay && driver=overlay
  write_storage_conf "$driver"
  if [[ "$driver" == overlay ]] && ! podman info --format '{{.Store.GraphDriverName}}' >"$LAB/storage-probe.log" 2>&1; then
    say "podman cannot use overlay storage here ($(tail -n 1 "$LAB/storage-probe.log")): using vfs"
    rm -rf "$LAB/storage" "$LAB/run/storage"
    write_storage_conf vfs
  fi
  say "storage driver: $(sed -n 's/^driver = "\(.*\)"$/\1/p' "$CONTAINERS_STORAGE_CONF")"
}

# Sets IS_CONFIG_CHANGED=yes when a config the podman service reads at start changed.
write_configs() {
  mkdir -p "$LAB"/{registry-data,networks,tmp,run}
  write_if_changed "$CONTAINERS_CONF" "[containers]
default_ulimits = []
log_driver = \"k8s-file\"

[engine]
runtime = \"runc\"
cgroup_manager = \"cgroupfs\"
events_logger = \"file\"
events_logfile_path = \"$LAB/podman-events.log\"
tmp_dir = \"$LAB/tmp\"

[network]
network_backend = \"netavark\"
network_config_dir = \"$LAB/networks\"" && IS_CONFIG_CHANGED=yes
  write_if_changed "$CONTAINERS_REGISTRIES_CONF" "unqualified-search-registries = []

[[registry]]
location = \"localhost:5000\"
insecure = true

[[registry]]
location = \"127.0.0.1:5000\"
insecure = true" && IS_CONFIG_CHANGED=yes
  write_if_changed "$LAB/registry.yml" "version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $LAB/registry-data
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR" || true
  if [[ ! -f "$CONTAINERS_STORAGE_CONF" ]]; then
    choose_storage_driver
    IS_CONFIG_CHANGED=yes
  fi
}

# --- daemons -----------------------------------------------------------------------------------

read_pid() { [[ -f "$1" ]] && cat "$1" || true; }

# The pid file's process is alive and still runs the expected program (pids get reused).
is_running() {
  local pid_file="$1" program="$2" pid
  pid="$(read_pid "$pid_file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
    [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == "$program "* ]]
}

is_registry_healthy() { curl -fsS -m 2 -o /dev/null "http://$REGISTRY_ADDR/v2/" 2>/dev/null; }
is_socket_healthy() { [[ -S "$1" ]] && [[ "$(curl -fsS -m 2 --unix-socket "$1" http://d/_ping 2>/dev/null)" == OK ]]; }
is_podman_healthy() { is_socket_healthy "$PODMAN_SOCKET"; }
is_docker_healthy() { is_socket_healthy "$DOCKER_SOCKET"; }

wait_until() {
  local what="$1" check="$2" log="$3" deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
  until "$check"; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$log" >&2 || true
      fail "$what did not answer within ${READY_TIMEOUT_SECONDS}s (log: $log)"
    fi
    sleep 0.1
  done
}

# Detached from this shell (own session, no stdio), so the daemon outlives the script and its caller.
start_daemon() {
  local pid_file="$1" log="$2"
  shift 2
  setsid "$@" </dev/null >>"$log" 2>&1 &
  printf '%s\n' "$!" >"$pid_file"
}

stop_daemon() {
  local name="$1" pid_file="$2" program="$3" timeout="${4:-5}" pid
  pid="$(read_pid "$pid_file")"
  if is_running "$pid_file" "$program"; then
    kill -TERM "$pid"
    local i
    for ((i = 0; i < timeout * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    say "$name stopped (pid $pid)"
  fi
  rm -f "$pid_file"
}

ensure_registry() {
  local pid_file="$LAB/registry.pid" log="$LAB/registry.log"
  if is_running "$pid_file" docker-registry; then
    wait_until 'the registry' is_registry_healthy "$log"
    return 0
  fi
  if is_registry_healthy; then
    fail "$REGISTRY_ADDR is answered by a registry the lab did not start; stop it first"
  fi
  start_daemon "$pid_file" "$log" docker-registry serve "$LAB/registry.yml"
  wait_until 'the registry' is_registry_healthy "$log"
  say "registry up on http://$REGISTRY_ADDR (pid $(read_pid "$pid_file"))"
}

ensure_podman_service() {
  local pid_file="$LAB/podman.pid" log="$LAB/podman.log"
  if is_running "$pid_file" podman; then
    if [[ "$IS_CONFIG_CHANGED" == yes ]]; then
      say 'podman configuration changed: restarting the podman service'
      stop_daemon 'podman service' "$pid_file" podman
    else
      wait_until 'the podman service' is_podman_healthy "$log"
      return 0
    fi
  fi
  rm -f "$PODMAN_SOCKET"
  start_daemon "$pid_file" "$log" podman system service --time=0 "unix://$PODMAN_SOCKET"
  wait_until 'the podman service' is_podman_healthy "$log"
  say "podman service up on unix://$PODMAN_SOCKET (pid $(read_pid "$pid_file"))"
}

ensure_docker_bridge() {
  ip link show "$DOCKER_BRIDGE" >/dev/null 2>&1 && return 0
  ip link add name "$DOCKER_BRIDGE" type bridge || fail "cannot create the bridge $DOCKER_BRIDGE for the lab's dockerd (needs root)"
  ip addr add "$DOCKER_BRIDGE_ADDRESS" dev "$DOCKER_BRIDGE"
  ip link set "$DOCKER_BRIDGE" up
}

# Debian's dockerd with everything of its own: socket, data root, exec root (its containerd
# too), pid file, log, bridge, address pool and containerd namespace; no iptables rules.
ensure_docker_engine() {
  local pid_file="$LAB/docker.pid" log="$LAB/docker.log"
  if is_running "$pid_file" dockerd; then
    if ip link show "$DOCKER_BRIDGE" >/dev/null 2>&1; then
      wait_until 'the Docker Engine' is_docker_healthy "$log"
      return 0
    fi
    say "the bridge $DOCKER_BRIDGE is gone: restarting the Docker Engine"
    stop_daemon 'Docker Engine' "$pid_file" dockerd "$DOCKER_STOP_TIMEOUT_SECONDS"
    IS_CONFIG_CHANGED=yes
  fi
  rm -f "$pid_file" "$DOCKER_SOCKET"
  ensure_docker_bridge
  mkdir -p "$DOCKER_DATA" "$DOCKER_EXEC"
  # Its own config file, so a /etc/docker/daemon.json of the machine's engine is not read. BuildKit
  # is the default builder, as on Docker Engine 23 and later (the classic builder ignores
  # --platform for a base image it has locally); DOCKER_BUILDKIT=0 still selects the classic one.
  write_if_changed "$LAB/docker-daemon.json" '{ "features": { "buildkit": true } }' || true
  start_daemon "$pid_file.launcher" "$log" dockerd \
    --config-file "$LAB/docker-daemon.json" \
    --host "unix://$DOCKER_SOCKET" \
    --data-root "$DOCKER_DATA" \
    --exec-root "$DOCKER_EXEC" \
    --pidfile "$pid_file" \
    --bridge "$DOCKER_BRIDGE" \
    --iptables=false \
    --default-address-pool "base=$DOCKER_ADDRESS_POOL,size=24" \
    --containerd-namespace taskrun-lab \
    --containerd-plugins-namespace taskrun-lab-plugins \
    --insecure-registry "$REGISTRY_NAME" \
    --insecure-registry "$REGISTRY_ADDR" \
    --log-level warn
  rm -f "$pid_file.launcher"
  wait_until 'the Docker Engine' is_docker_healthy "$log"
  say "Docker Engine $(docker_cli version --format '{{.Server.Version}}') up on unix://$DOCKER_SOCKET (pid $(read_pid "$pid_file"))"
}

# aardvark-dns (container DNS on podman networks) logs to syslog; with nothing listening on
# /dev/log it prints "failed to connect to syslog" into the stderr of every container started on
# a network. busybox's syslogd (discarding everything) keeps step output clean when the machine
# has no syslog of its own. A /dev/log left behind by a dead daemon counts as none.
is_syslog_listening() {
  node -e '
const socket = require("node:net").connect("/dev/log");
socket.on("connect", () => process.exit(0));
// EPROTOTYPE: a datagram socket with a live reader (connect on a stale one is refused).
socket.on("error", (error) => process.exit(error.code === "EPROTOTYPE" ? 0 : 1));' 2>/dev/null
}

ensure_syslog_sink() {
  local pid_file="$LAB/syslog-sink.pid" log="$LAB/syslog-sink.log"
  is_syslog_listening && return 0
  stop_daemon 'syslog sink' "$pid_file" busybox
  if [[ -e /dev/log || -L /dev/log ]]; then
    say '/dev/log is there but nothing reads it: replacing it'
    rm -f /dev/log 2>/dev/null || fail 'cannot replace the dead /dev/log; run this script as root'
  fi
  start_daemon "$pid_file" "$log" busybox syslogd -n -O /dev/null
  wait_until 'the syslog sink' is_syslog_listening "$log"
  say "syslog sink up on /dev/log (pid $(read_pid "$pid_file"))"
}

# --- emulation ---------------------------------------------------------------------------------

readonly BINFMT=/proc/sys/fs/binfmt_misc

is_emulator_enabled() {
  local entry="$BINFMT/qemu-$1"
  [[ -f "$entry" ]] && grep -qx enabled "$entry" && grep -q '^flags: .*F' "$entry"
}

# qemu-user-static's emulators registered with the F flag (the kernel opens the emulator once, so
# it works inside containers, which do not have it).
ensure_emulation() {
  local arch name missing=()
  while IFS= read -r arch; do
    [[ -n "$arch" ]] && ! is_emulator_enabled "$(qemu_name_of "$arch")" && missing+=("$(qemu_name_of "$arch")")
  done < <(list_foreign_deb_arches)
  ((${#missing[@]} == 0)) && return 0
  if [[ ! -f "$BINFMT/register" ]]; then
    mount -t binfmt_misc binfmt_misc "$BINFMT" || fail "cannot mount binfmt_misc at $BINFMT (needs root)"
  fi
  [[ "$(cat "$BINFMT/status")" == enabled ]] || echo 1 >"$BINFMT/status"
  for name in "${missing[@]}"; do
    update-binfmts --enable "qemu-$name" >>"$LAB/binfmt.log" 2>&1 || true
    is_emulator_enabled "$name" ||
      fail "qemu-$name is not registered in $BINFMT with the F flag (see $LAB/binfmt.log; another registration may hold it: update-binfmts --display qemu-$name)"
  done
  say "emulation registered for ${missing[*]}"
}

# --- busybox of every architecture -------------------------------------------------------------

readonly APT_STATE="$LAB/apt"

# apt with its own lists and cache under .lab/: foreign architectures are added for these
# downloads only, so the machine's dpkg and apt configuration stay as they were.
lab_apt() {
  local options=(
    -o "Dir::State::Lists=$APT_STATE/lists" -o "Dir::Cache=$APT_STATE/cache"
    -o APT::Sandbox::User=root -o Debug::NoLocking=1
  )
  local arch
  while IFS= read -r arch; do
    [[ -n "$arch" ]] && options+=(-o "APT::Architectures::=$arch")
  done < <(list_foreign_deb_arches)
  apt-get "${options[@]}" "$@"
}

busybox_path_of() { printf '%s/busybox/%s/busybox' "$LAB" "$1"; }

ensure_busybox_binaries() {
  local host arch missing=()
  host="$(host_deb_arch)"
  mkdir -p "$LAB/busybox/$host"
  cmp -s "$(command -v busybox)" "$(busybox_path_of "$host")" || cp "$(command -v busybox)" "$(busybox_path_of "$host")"
  while IFS= read -r arch; do
    [[ -n "$arch" && ! -x "$(busybox_path_of "$arch")" ]] && missing+=("$arch")
  done < <(list_foreign_deb_arches)
  ((${#missing[@]} == 0)) && return 0
  say "downloading Debian's busybox-static for ${missing[*]}"
  mkdir -p "$APT_STATE/lists/partial" "$APT_STATE/cache/archives/partial" "$APT_STATE/debs"
  lab_apt -qq update >"$LAB/apt-foreign.log" 2>&1 ||
    { tail -n 20 "$LAB/apt-foreign.log" >&2; fail "apt-get update for ${missing[*]} failed (log: $LAB/apt-foreign.log)"; }
  for arch in "${missing[@]}"; do
    rm -rf "$APT_STATE/debs"/*
    (cd "$APT_STATE/debs" && lab_apt -qq download "busybox-static:$arch") >>"$LAB/apt-foreign.log" 2>&1 ||
      { tail -n 20 "$LAB/apt-foreign.log" >&2; fail "apt-get download busybox-static:$arch failed (log: $LAB/apt-foreign.log)"; }
    rm -rf "$APT_STATE/extract"
    dpkg-deb -x "$APT_STATE/debs"/busybox-static_*_"$arch".deb "$APT_STATE/extract"
    mkdir -p "$LAB/busybox/$arch"
    cp "$APT_STATE/extract/bin/busybox" "$(busybox_path_of "$arch")"
  done
  rm -rf "$APT_STATE/extract" "$APT_STATE/debs" "$APT_STATE/lists" "$APT_STATE/cache"
}

# --- the busybox base image --------------------------------------------------------------------

docker_cli() { DOCKER_HOST="unix://$DOCKER_SOCKET" "$DOCKER_CLI" "$@"; }

readonly LIST_ACCEPT='application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json'

registry_list_digest() {
  curl -fsS -m 5 -o /dev/null -D - -I -H "Accept: $LIST_ACCEPT" "http://$REGISTRY_ADDR/v2/busybox/manifests/latest" 2>/dev/null |
    tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: *//p'
}

is_list_current() {
  [[ -f "$LAB/busybox-list.digest" ]] && [[ "$(registry_list_digest)" == "$(cat "$LAB/busybox-list.digest")" ]]
}

# One image per platform, each built with a RUN on its own architecture (emulated for foreign
# ones), combined into the list localhost:5000/busybox:latest.
build_busybox_list() {
  local platform arch context tag
  podman manifest rm "$BUSYBOX_LOCAL_LIST" >/dev/null 2>&1 || true
  podman manifest create "$BUSYBOX_LOCAL_LIST" >"$LAB/busybox-build.log" 2>&1 ||
    { tail -n 20 "$LAB/busybox-build.log" >&2; fail 'creating the local busybox list failed'; }
  for platform in "${PLATFORMS[@]}"; do
    arch="$(deb_arch_of "$platform")"
    context="$LAB/busybox-image/$arch"
    tag="localhost/taskrun-lab/busybox:$arch"
    mkdir -p "$context"
    cp "$(busybox_path_of "$arch")" "$context/busybox"
    printf '%s\n' 'FROM scratch' 'COPY busybox /bin/busybox' 'RUN ["/bin/busybox","--install","-s","/bin"]' \
      'CMD ["/bin/sh"]' >"$context/Containerfile"
    podman build -q --platform "$platform" -f "$context/Containerfile" -t "$tag" "$context" >>"$LAB/busybox-build.log" 2>&1 ||
      { tail -n 20 "$LAB/busybox-build.log" >&2; fail "building the busybox image for $platform failed"; }
    podman manifest add "$BUSYBOX_LOCAL_LIST" "containers-storage:$tag" >>"$LAB/busybox-build.log" 2>&1 ||
      { tail -n 20 "$LAB/busybox-build.log" >&2; fail "adding $platform to the busybox list failed"; }
  done
  podman manifest push --all --format v2s2 --digestfile "$LAB/busybox-list.digest" \
    "$BUSYBOX_LOCAL_LIST" "docker://$BUSYBOX_LIST" >"$LAB/busybox-push.log" 2>&1 ||
    { tail -n 20 "$LAB/busybox-push.log" >&2; fail "pushing $BUSYBOX_LIST failed"; }
  say "built and pushed $BUSYBOX_LIST (${PLATFORMS[*]})"
  IS_IMAGE_CHANGED=yes
}

has_podman_busybox() {
  local host_image
  host_image="$(podman image inspect --format '{{.Id}}' "localhost/taskrun-lab/busybox:$(host_deb_arch)" 2>/dev/null)" || return 1
  [[ "$(podman image inspect --format '{{.Id}}' docker.io/library/busybox:latest 2>/dev/null)" == "$host_image" ]] &&
    [[ "$(podman image inspect --format '{{.Id}}' "$BUSYBOX_LIST" 2>/dev/null)" == "$host_image" ]]
}

has_docker_busybox() {
  docker_cli image inspect busybox:latest >/dev/null 2>&1 &&
    cmp -s "$LAB/busybox-list.digest" "$LAB/busybox-docker.digest"
}

# `busybox` is local on both engines (the host's platform, also as localhost:5000/busybox on
# podman), so `cmd: busybox …` steps run without a pull; other platforms come from the list.
ensure_busybox_images() {
  is_list_current || build_busybox_list
  if [[ "$IS_IMAGE_CHANGED" == yes ]] || ! has_podman_busybox; then
    local host_tag="localhost/taskrun-lab/busybox:$(host_deb_arch)"
    podman tag "$host_tag" docker.io/library/busybox:latest "$BUSYBOX_LIST" ||
      fail 'tagging the busybox image for podman failed'
    IS_IMAGE_CHANGED=yes
  fi
  if [[ "$IS_IMAGE_CHANGED" == yes ]] || ! has_docker_busybox; then
    docker_cli pull -q "$BUSYBOX_LIST" >"$LAB/busybox-docker-pull.log" 2>&1 ||
      { tail -n 20 "$LAB/busybox-docker-pull.log" >&2; fail "the Docker Engine could not pull $BUSYBOX_LIST"; }
    docker_cli tag "$BUSYBOX_LIST" busybox:latest
    # Only `busybox` stays: a local localhost:5000/busybox would be taken for every platform by
    # a classic (DOCKER_BUILDKIT=0) build, whatever its --platform.
    docker_cli image rm "$BUSYBOX_LIST" >/dev/null
    cp "$LAB/busybox-list.digest" "$LAB/busybox-docker.digest"
    IS_IMAGE_CHANGED=yes
  fi
}

# --- checks --------------------------------------------------------------------------------------

expect_output() {
  local what="$1" expected="$2"
  shift 2
  local out
  out="$("$@" 2>&1)" || fail "$what failed: $out"
  [[ "$out" == "$expected" ]] || fail "$what printed '$out' instead of '$expected'"
}

verify_engines() {
  expect_output 'podman run busybox' hi podman run --rm busybox echo hi
  expect_output 'docker run busybox on the Docker Engine' hi docker_cli run --rm busybox echo hi
  expect_output 'docker run busybox over the podman socket' hi \
    env DOCKER_HOST="unix://$PODMAN_SOCKET" "$DOCKER_CLI" run --rm busybox echo hi
  # Steps run on a network with DNS: aardvark-dns starts, and must not write into their output.
  local network=taskrun-lab-verify
  podman network rm -f "$network" >/dev/null 2>&1 || true
  podman network create "$network" >/dev/null
  # aardvark-dns complains as it starts, after the container may be done: give it that time.
  local out
  out="$(podman run --rm --network "$network" busybox sh -c 'sleep 0.5; echo hi' 2>&1)" || true
  podman network rm -f "$network" >/dev/null 2>&1 || true
  [[ "$out" == hi ]] || fail "podman run on a network printed '$out' instead of 'hi'"
  say 'the Docker Engine, podman and docker over podman all run busybox; container DNS is quiet'
}

# --- environment ---------------------------------------------------------------------------------

print_env() {
  cat <<EOF
DOCKER_HOST=unix://$DOCKER_SOCKET
TASKRUN_DOCKER=$DOCKER_CLI
TASKRUN_LAB_PODMAN_HOST=unix://$PODMAN_SOCKET
CONTAINERS_CONF=$CONTAINERS_CONF
CONTAINERS_REGISTRIES_CONF=$CONTAINERS_REGISTRIES_CONF
CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF
TASKRUN_LAB_DIR=$LAB
TASKRUN_LAB_REGISTRY=$REGISTRY_NAME
TASKRUN_LAB_PLATFORMS=$(IFS=,; echo "${PLATFORMS[*]}")
EOF
}

write_env_files() {
  local content
  content="$(print_env)"
  write_if_changed "$LAB/env" "$content" || true
  mkdir -p "$STATE_DIR"
  write_if_changed "$POINTER" "$content" || true
}

print_exports() {
  local line
  while IFS= read -r line; do
    printf 'export %s=%q\n' "${line%%=*}" "${line#*=}"
  done < <(print_env)
}

# --- actions ---------------------------------------------------------------------------------------

check_paths() {
  # sockaddr_un.sun_path holds 108 bytes including the terminating NUL; containerd's socket is
  # the longest path the lab makes.
  local longest="$DOCKER_EXEC/containerd/containerd-debug.sock"
  ((${#longest} <= 100)) || fail "the lab's socket paths (e.g. $longest) are too long for a unix socket; clone the repo to a shorter path"
}

lab_up() {
  check_paths
  mkdir -p "$LAB"
  install_packages
  check_commands
  reset_runtime_state_after_reboot
  write_configs
  ensure_emulation
  ensure_busybox_binaries
  ensure_registry
  ensure_syslog_sink
  ensure_podman_service
  ensure_docker_engine
  ensure_busybox_images
  if [[ "$IS_CONFIG_CHANGED" == yes || "$IS_IMAGE_CHANGED" == yes || ! -f "$LAB/verified" ]]; then
    verify_engines
    touch "$LAB/verified"
  fi
  write_env_files
  say "ready; the environment is in $LAB/env and $POINTER. For your shell:"
  print_exports
}

lab_down() {
  # The bridge goes with this lab's dockerd only: another clone's running lab may be using it.
  if is_running "$LAB/docker.pid" dockerd; then
    stop_daemon 'Docker Engine' "$LAB/docker.pid" dockerd "$DOCKER_STOP_TIMEOUT_SECONDS"
    ip link del "$DOCKER_BRIDGE" 2>/dev/null || true
  fi
  stop_daemon 'podman service' "$LAB/podman.pid" podman
  if is_running "$LAB/syslog-sink.pid" busybox; then
    stop_daemon 'syslog sink' "$LAB/syslog-sink.pid" busybox
    rm -f /dev/log
  fi
  stop_daemon registry "$LAB/registry.pid" docker-registry
  rm -f "$PODMAN_SOCKET" "$DOCKER_SOCKET" "$POINTER"
  say "down (data kept in $LAB)"
}

print_piece() { printf '%-16s %s\n' "$1" "$2"; }

lab_status() {
  local missing pid arch emulators=()
  missing="$(list_missing_packages | tr '\n' ' ')"
  print_piece packages "$([[ -z "$missing" ]] && echo 'installed' || echo "missing: $missing")"
  pid="$(read_pid "$LAB/registry.pid")"
  if is_running "$LAB/registry.pid" docker-registry && is_registry_healthy; then
    print_piece registry "up on http://$REGISTRY_ADDR (pid $pid)"
  else
    print_piece registry 'down'
  fi
  pid="$(read_pid "$LAB/docker.pid")"
  if is_running "$LAB/docker.pid" dockerd && is_docker_healthy; then
    print_piece docker-engine "up on unix://$DOCKER_SOCKET (pid $pid)"
  else
    print_piece docker-engine 'down'
  fi
  pid="$(read_pid "$LAB/podman.pid")"
  if is_running "$LAB/podman.pid" podman && is_podman_healthy; then
    print_piece podman-service "up on unix://$PODMAN_SOCKET (pid $pid)"
  else
    print_piece podman-service 'down'
  fi
  while IFS= read -r arch; do
    [[ -z "$arch" ]] && continue
    is_emulator_enabled "$(qemu_name_of "$arch")" && emulators+=("$arch") || emulators+=("$arch:missing")
  done < <(list_foreign_deb_arches)
  print_piece emulation "${emulators[*]:-none needed}"
  if ! is_registry_healthy; then
    print_piece busybox-list 'unknown (the registry is down)'
  elif is_list_current; then
    print_piece busybox-list "$BUSYBOX_LIST ($(cat "$LAB/busybox-list.digest"); ${PLATFORMS[*]})"
  else
    print_piece busybox-list "$BUSYBOX_LIST missing or not the lab's"
  fi
  if is_syslog_listening; then
    print_piece syslog "/dev/log answers$(is_running "$LAB/syslog-sink.pid" busybox && echo " (the lab's sink, pid $(read_pid "$LAB/syslog-sink.pid"))")"
  else
    print_piece syslog 'nothing reads /dev/log'
  fi
  print_piece pointer "$([[ -f "$POINTER" ]] && echo "$POINTER" || echo "missing ($POINTER)")"
}

main() {
  local action="${1:-up}"
  case "$action" in
    up) lab_up ;;
    down) lab_down ;;
    status) lab_status ;;
    env) print_exports ;;
    *) fail "unknown action '$action'; use up, down, status or env" ;;
  esac
}

main "$@"
