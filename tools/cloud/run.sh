#!/usr/bin/env bash
# `npm run test:cloud`: the real-cloud suite (apps/cloud-tests). Brings the real OpenStack harness up
# (../shared/real-openstack/up.sh, idempotent; it installs its Debian packages the first time), then Octavia on it
# (tools/cloud/octavia/up.sh: no-op drivers, MariaDB on 127.0.0.1:3306, the demo load balancer peak-lb), runs the
# suite against it, and stops Octavia and the harness again (their down.sh, data kept so the next run starts in about
# a minute).
#
# Needs root (the harness runs system services) and Debian's package mirror the first time.
#   REAL_OPENSTACK_DIR   where the harness is (default: <repository>/../shared/real-openstack, else /work/shared/real-openstack)
#   KEEP_CLOUD_UP=1      leave the harness running afterwards (for repeated runs while developing)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [ "$(id -u)" -ne 0 ]; then
  # sudo resets PATH to its secure_path: keep ours, so the same node/npx run the suite.
  exec sudo --preserve-env env "PATH=$PATH" bash "${BASH_SOURCE[0]}" "$@"
fi

# Beside the repository (the workspace layout), else this machine kind's fixed place for it.
HARNESS="${REAL_OPENSTACK_DIR:-}"
if [ -z "$HARNESS" ]; then
  for candidate in "$REPO/../shared/real-openstack" /work/shared/real-openstack; do
    if [ -x "$candidate/up.sh" ]; then HARNESS="$candidate"; break; fi
  done
  HARNESS="${HARNESS:-$REPO/../shared/real-openstack}"
fi
if [ ! -x "$HARNESS/up.sh" ] || [ ! -x "$HARNESS/down.sh" ]; then
  echo "test:cloud: the real OpenStack harness is not at $HARNESS (no executable up.sh/down.sh)." >&2
  echo "            It lives beside the repository in shared/real-openstack; set REAL_OPENSTACK_DIR to its path." >&2
  exit 2
fi
HARNESS="$(cd "$HARNESS" && pwd)"
OCTAVIA="$REPO/tools/cloud/octavia"

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
cd "$REPO"

started=$(date +%s)
elapsed() { echo $(( $(date +%s) - $1 )); }

stop_harness() {
  local status=$?
  if [ "${KEEP_CLOUD_UP:-}" = 1 ]; then
    echo "test:cloud: KEEP_CLOUD_UP=1, leaving the harness and Octavia running (stop them with $OCTAVIA/down.sh, then $HARNESS/down.sh)"
  else
    local t; t=$(date +%s)
    # Octavia first: it needs the harness's RabbitMQ and Keystone until it has stopped.
    "$OCTAVIA/down.sh" || echo "test:cloud: octavia/down.sh failed (exit $?)" >&2
    echo "test:cloud: Octavia stopped in $(elapsed "$t") s"
    t=$(date +%s)
    "$HARNESS/down.sh" || echo "test:cloud: down.sh failed (exit $?)" >&2
    echo "test:cloud: harness stopped in $(elapsed "$t") s"
  fi
  echo "test:cloud: $([ "$status" -eq 0 ] && echo passed || echo "FAILED (exit $status)") in $(elapsed "$started") s"
  exit "$status"
}
trap stop_harness EXIT

echo "test:cloud: bringing the real OpenStack up ($HARNESS/up.sh)"
t=$(date +%s)
"$HARNESS/up.sh"
echo "test:cloud: harness up in $(elapsed "$t") s"

echo "test:cloud: bringing Octavia up on it ($OCTAVIA/up.sh)"
t=$(date +%s)
"$OCTAVIA/up.sh"
echo "test:cloud: Octavia up in $(elapsed "$t") s"

t=$(date +%s)
npx nx run cloud-tests:test-cloud --outputStyle=stream
echo "test:cloud: suite finished in $(elapsed "$t") s"
