#!/usr/bin/env bash
# Test infrastructure: the local container lab (a registry on 127.0.0.1:5000 and a podman
# service with a Docker-compatible socket), with every config and all data under .lab/.
# Usage: bash scripts/lab.sh [up|down|status|env]   (up is the default; `npm run lab`)
set -euo pipefail

readonly ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly LAB="$ROOT/.lab"
readonly REGISTRY_ADDR='127.0.0.1:5000'
readonly REGISTRY_NAME='localhost:5000'
readonly SOCKET="$LAB/podman.sock"
readonly STATE_DIR="${XDG_STATE_HOME:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.local/state}/taskrun"
readonly POINTER="$STATE_DIR/lab.env"
# netavark + aardvark-dns give containers on one network DNS by container name (ACR steps rely on it).
readonly PACKAGES=(podman runc docker-registry busybox-static netavark aardvark-dns curl ca-certificates)
readonly READY_TIMEOUT_SECONDS=30
IS_CONFIG_CHANGED=no
IS_IMAGE_CHANGED=no

export CONTAINERS_CONF="$LAB/containers.conf"
export CONTAINERS_REGISTRIES_CONF="$LAB/registries.conf"
export CONTAINERS_STORAGE_CONF="$LAB/storage.conf"

say() { printf 'lab: %s\n' "$*" >&2; }
fail() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

list_missing_packages() {
  local pkg
  for pkg in "${PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

install_packages() {
  command -v dpkg-query >/dev/null || fail 'this script needs a Debian-based system (dpkg-query not found)'
  local missing
  mapfile -t missing < <(list_missing_packages)
  ((${#missing[@]} == 0)) && return 0
  if [[ "$(id -u)" != 0 ]]; then
    fail "missing packages: ${missing[*]}; run this script as root, or first: sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$LAB/apt-install.log" 2>&1 ||
    { tail -n 20 "$LAB/apt-install.log" >&2; fail "apt-get install failed (full log: $LAB/apt-install.log)"; }
}

# Runtime state (runroot, podman's tmp_dir) must not survive a reboot: podman would trust stale state.
reset_runtime_state_after_reboot() {
  local boot_id
  boot_id="$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)"
  if [[ -f "$LAB/boot-id" && "$(cat "$LAB/boot-id")" != "$boot_id" ]]; then
    say 'machine rebooted since the lab last ran: clearing runtime state'
    rm -rf "$LAB/run" "$LAB/tmp"
    rm -f "$LAB/registry.pid" "$LAB/podman.pid" "$SOCKET"
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

read_pid() { [[ -f "$1" ]] && cat "$1" || true; }

# The pid file's process is alive and still runs the expected program (pids get reused).
is_running() {
  local pid_file="$1" program="$2" pid
  pid="$(read_pid "$pid_file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
    [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == "$program "* ]]
}

is_registry_healthy() { curl -fsS -m 2 -o /dev/null "http://$REGISTRY_ADDR/v2/" 2>/dev/null; }
is_podman_healthy() { [[ -S "$SOCKET" ]] && [[ "$(curl -fsS -m 2 --unix-socket "$SOCKET" http://d/_ping 2>/dev/null)" == OK ]]; }

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
  local name="$1" pid_file="$2" program="$3" pid
  pid="$(read_pid "$pid_file")"
  if is_running "$pid_file" "$program"; then
    kill -TERM "$pid"
    local i
    for ((i = 0; i < 50; i++)); do
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
  rm -f "$SOCKET"
  start_daemon "$pid_file" "$log" podman system service --time=0 "unix://$SOCKET"
  wait_until 'the podman service' is_podman_healthy "$log"
  say "podman service up on unix://$SOCKET (pid $(read_pid "$pid_file"))"
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

is_image_in_registry() {
  curl -fsS -m 5 -o /dev/null -I \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$REGISTRY_ADDR/v2/busybox/manifests/latest" 2>/dev/null
}

verify_engines() {
  local out
  out="$(podman run --rm busybox echo hi 2>&1)" || fail "podman run busybox failed: $out"
  [[ "$out" == hi ]] || fail "podman run busybox printed '$out' instead of 'hi'"
  out="$(DOCKER_HOST="unix://$SOCKET" docker run --rm busybox echo hi 2>&1)" ||
    fail "docker run busybox over the podman socket failed: $out"
  [[ "$out" == hi ]] || fail "docker run busybox printed '$out' instead of 'hi'"
  # Steps run on a network with DNS: aardvark-dns starts, and must not write into their output.
  local network=taskrun-lab-verify
  podman network rm -f "$network" >/dev/null 2>&1 || true
  podman network create "$network" >/dev/null
  # aardvark-dns complains as it starts, after the container may be done: give it that time.
  out="$(podman run --rm --network "$network" busybox sh -c 'sleep 0.5; echo hi' 2>&1)" || true
  podman network rm -f "$network" >/dev/null 2>&1 || true
  [[ "$out" == hi ]] || fail "podman run on a network printed '$out' instead of 'hi'"
  say 'podman and docker both run busybox; container DNS is quiet'
}

# A shell image built from busybox-static, because nothing can be pulled on these machines.
# Sets IS_IMAGE_CHANGED=yes when it built or pushed.
ensure_busybox_image() {
  if ! podman image exists docker.io/library/busybox:latest || ! podman image exists "$REGISTRY_NAME/busybox:latest"; then
    local context="$LAB/busybox-image"
    mkdir -p "$context"
    cp /bin/busybox "$context/busybox"
    printf '%s\n' 'FROM scratch' 'COPY busybox /bin/busybox' 'RUN ["/bin/busybox","--install","-s","/bin"]' \
      'CMD ["/bin/sh"]' >"$context/Containerfile"
    podman build -q -f "$context/Containerfile" -t docker.io/library/busybox:latest \
      -t "$REGISTRY_NAME/busybox:latest" "$context" >"$LAB/busybox-build.log" 2>&1 ||
      { tail -n 20 "$LAB/busybox-build.log" >&2; fail 'building the busybox image failed'; }
    say 'built busybox image'
    IS_IMAGE_CHANGED=yes
  fi
  if [[ "$IS_IMAGE_CHANGED" == yes ]] || ! is_image_in_registry; then
    podman push -q "$REGISTRY_NAME/busybox:latest" >"$LAB/busybox-push.log" 2>&1 ||
      { tail -n 20 "$LAB/busybox-push.log" >&2; fail "pushing $REGISTRY_NAME/busybox:latest failed"; }
    say "pushed $REGISTRY_NAME/busybox:latest"
    IS_IMAGE_CHANGED=yes
  fi
}

print_env() {
  cat <<EOF
DOCKER_HOST=unix://$SOCKET
CONTAINERS_CONF=$CONTAINERS_CONF
CONTAINERS_REGISTRIES_CONF=$CONTAINERS_REGISTRIES_CONF
CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF
TASKRUN_LAB_DIR=$LAB
TASKRUN_LAB_REGISTRY=$REGISTRY_NAME
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

lab_up() {
  # sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
  ((${#SOCKET} <= 100)) || fail "the socket path $SOCKET is too long for a unix socket; clone the repo to a shorter path"
  mkdir -p "$LAB"
  install_packages
  reset_runtime_state_after_reboot
  write_configs
  ensure_registry
  ensure_syslog_sink
  ensure_podman_service
  ensure_busybox_image
  if [[ "$IS_CONFIG_CHANGED" == yes || "$IS_IMAGE_CHANGED" == yes || ! -f "$LAB/verified" ]]; then
    verify_engines
    touch "$LAB/verified"
  fi
  write_env_files
  say "ready; the environment is in $LAB/env and $POINTER. For your shell:"
  print_exports
}

lab_down() {
  stop_daemon 'podman service' "$LAB/podman.pid" podman
  if is_running "$LAB/syslog-sink.pid" busybox; then
    stop_daemon 'syslog sink' "$LAB/syslog-sink.pid" busybox
    rm -f /dev/log
  fi
  stop_daemon registry "$LAB/registry.pid" docker-registry
  rm -f "$SOCKET" "$POINTER"
  say "down (data kept in $LAB)"
}

print_piece() { printf '%-16s %s\n' "$1" "$2"; }

lab_status() {
  local missing pid
  missing="$(list_missing_packages | tr '\n' ' ')"
  print_piece packages "$([[ -z "$missing" ]] && echo "installed (${PACKAGES[*]})" || echo "missing: $missing")"
  pid="$(read_pid "$LAB/registry.pid")"
  if is_running "$LAB/registry.pid" docker-registry && is_registry_healthy; then
    print_piece registry "up on http://$REGISTRY_ADDR (pid $pid)"
  else
    print_piece registry 'down'
  fi
  pid="$(read_pid "$LAB/podman.pid")"
  if is_running "$LAB/podman.pid" podman && is_podman_healthy; then
    print_piece podman-service "up on unix://$SOCKET (pid $pid)"
  else
    print_piece podman-service 'down'
  fi
  if [[ -f "$CONTAINERS_STORAGE_CONF" ]] && command -v podman >/dev/null &&
    podman image exists docker.io/library/busybox:latest 2>/dev/null; then
    print_piece busybox-image "built ($(sed -n 's/^driver = "\(.*\)"$/\1/p' "$CONTAINERS_STORAGE_CONF") storage)"
  else
    print_piece busybox-image 'missing'
  fi
  if ! is_registry_healthy; then
    print_piece registry-image 'unknown (the registry is down)'
  elif is_image_in_registry; then
    print_piece registry-image "$REGISTRY_NAME/busybox:latest present"
  else
    print_piece registry-image "$REGISTRY_NAME/busybox:latest missing"
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
