#!/usr/bin/env bash
# Add a real Octavia (load-balancer v2 API, Debian 12 "Zed" packages, 11.0.0) to
# the real OpenStack harness (../shared/real-openstack), with Octavia's no-op
# amphora/compute/network/image drivers: real API, database, RPC and controller
# worker flows, no amphora VM and no data plane.
#
# Runs AFTER the harness's up.sh (it needs its Keystone on 127.0.0.1:5050 and its
# RabbitMQ on 5672); stop it with down.sh (here) BEFORE the harness's down.sh.
# Idempotent: re-running it only does what is missing. See README.md.
#
#   OCTAVIA_NO_FIXTURE=1   do not create the demo load balancer peak-lb/listener/pool
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=/usr/bin/python3                       # Debian's python (not a pyenv shim)
ETC=/etc/real-openstack-octavia           # generated config, CA
STATE=/var/lib/real-openstack-octavia     # certificates, locks
RUN=$STATE/run                            # pid files
LOGS=/tmp/real-openstack/logs             # beside the harness's logs
PW=secret
HOSTIP=127.0.0.1
API_PORT=9876
HM_PORT=5555                              # health manager heartbeat listener (UDP)
KS_URL=http://$HOSTIP:5050/v3
RABBIT="rabbit://guest:guest@$HOSTIP:5672/"
# Octavia's alembic migrations are MySQL-only (backquoted identifiers,
# ALTER TABLE ... MODIFY, UPDATE ... JOIN), so not the harness's PostgreSQL:
# the machine's MariaDB on 127.0.0.1:3306 (root, empty password).
MYSQL=(mysql -uroot -h"$HOSTIP" -P3306 --protocol=TCP)
DB_URL="mysql+pymysql://octavia:$PW@$HOSTIP:3306/octavia"
START_TS=$(date +%s)

log() { printf '[octavia up %3ss] %s\n' "$(( $(date +%s) - START_TS ))" "$*"; }
die() { log "ERROR: $*"; exit 1; }
port_open() { (exec 3<>"/dev/tcp/$HOSTIP/$1") 2>/dev/null; }
wait_port() { # port timeout name
  local i; for ((i = 0; i < $2; i++)); do port_open "$1" && return 0; sleep 1; done
  die "$3 did not open port $1 within $2s (see $LOGS)"
}
alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }
start_bg() { # name cmd...   (own session, so down.sh can stop the whole group)
  local name=$1; shift
  if alive "$name"; then log "$name already running (pid $(cat "$RUN/$name.pid"))"; return 0; fi
  setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
  log "started $name (pid $!)"
}

[ "$(id -u)" = 0 ] || die "run as root"
mkdir -p "$ETC/certs" "$RUN" "$LOGS" "$STATE/certificates" "$STATE/locks"
chmod 700 "$ETC/certs" "$STATE/certificates"

# --------------------------------------------------------------- packages ---
PKGS=(octavia-api octavia-worker octavia-health-manager octavia-housekeeping
      python3-octaviaclient python3-pymysql uwsgi-plugin-python3 mariadb-client openssl curl)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  # No db / rabbit / keystone / endpoint setup by the maintainer scripts.
  for q in octavia/configure_db octavia/configure_rabbit octavia/configure_ksat \
           octavia/configure_api-endpoint; do
    echo "octavia-common $q boolean false"
  done | debconf-set-selections
  own_policy=0   # keep the packages' init scripts from starting anything
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; own_policy=1
  fi
  apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    >>"$LOGS/octavia-apt-install.log" 2>&1 || {
      [ $own_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
      die "apt-get install failed, see $LOGS/octavia-apt-install.log"; }
  [ $own_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
ver=$(dpkg-query -W -f='${Version}' python3-octavia)
case $ver in 11.*) ;; *) die "python3-octavia $ver is not Octavia 11 (Zed)";; esac

# ------------------------------------------------------ what we depend on ---
port_open 5050 || die "Keystone is not on $HOSTIP:5050: run the harness's up.sh first"
port_open 5672 || die "RabbitMQ is not on $HOSTIP:5672: run the harness's up.sh first"
if ! port_open 3306; then
  # A machine service (started before the session on this machine kind); start
  # it the same way if it is down, and remember that we did (down.sh stops it).
  log "MariaDB is not running: starting it"
  start-stop-daemon --start --oknodo --background --make-pidfile --pidfile "$RUN/mariadb.pid" \
    --exec /usr/sbin/mariadbd
  wait_port 3306 60 mariadb
fi

# --------------------------------------------------------------- database ---
"${MYSQL[@]}" <<EOF
CREATE DATABASE IF NOT EXISTS octavia CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS 'octavia'@'127.0.0.1' IDENTIFIED BY '$PW';
CREATE USER IF NOT EXISTS 'octavia'@'localhost' IDENTIFIED BY '$PW';
GRANT ALL PRIVILEGES ON octavia.* TO 'octavia'@'127.0.0.1';
GRANT ALL PRIVILEGES ON octavia.* TO 'octavia'@'localhost';
EOF

# -------------------------------------------------------------------- CA ---
# The controller worker makes a server certificate for every (no-op) amphora
# with the local generator, which needs a CA. Throw-away, made once.
if [ ! -s "$ETC/certs/ca.key" ] || [ ! -s "$ETC/certs/ca.pem" ]; then
  log "making the throw-away CA"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=real-openstack-octavia CA" \
    -keyout "$ETC/certs/ca.key" -out "$ETC/certs/ca.pem" >>"$LOGS/octavia-setup.log" 2>&1
  chmod 600 "$ETC/certs/ca.key"
fi

# ---------------------------------------------------------------- configs ---
sed -e "s|@RABBIT@|$RABBIT|g" -e "s|@HOSTIP@|$HOSTIP|g" -e "s|@API_PORT@|$API_PORT|g" \
    -e "s|@HM_PORT@|$HM_PORT|g" -e "s|@DB_URL@|$DB_URL|g" -e "s|@KS_URL@|$KS_URL|g" \
    -e "s|@PW@|$PW|g" -e "s|@ETC@|$ETC|g" -e "s|@STATE@|$STATE|g" \
    "$HERE/octavia.conf.in" > "$ETC/octavia.conf.new"
cat > "$ETC/octavia-api-uwsgi.ini.new" <<EOF
[uwsgi]
plugins = python3
http-socket = $HOSTIP:$API_PORT
wsgi-file = /usr/bin/octavia-wsgi
pyargv = --config-file $ETC/octavia.conf
master = true
processes = 1
threads = 4
enable-threads = true
lazy-apps = true
die-on-term = true
no-orphans = true
need-app = true
buffer-size = 65535
add-header = Connection: close
EOF
changed=0
for f in octavia.conf octavia-api-uwsgi.ini; do
  cmp -s "$ETC/$f.new" "$ETC/$f" || changed=1
  mv "$ETC/$f.new" "$ETC/$f"
done
chmod 600 "$ETC/octavia.conf"
CONF=(--config-file "$ETC/octavia.conf")
if [ $changed = 1 ] && ls "$RUN"/octavia-*.pid >/dev/null 2>&1; then
  log "configuration changed: restarting the Octavia services"
  "$HERE/down.sh"
fi

# ------------------------------------------------------------- migrations ---
log "octavia-db-manage upgrade head"
octavia-db-manage "${CONF[@]}" upgrade head >>"$LOGS/octavia-db-manage.log" 2>&1 \
  || die "octavia-db-manage failed, see $LOGS/octavia-db-manage.log"

# --------------------------------------------------------------- keystone ---
log "keystone: octavia user, roles, load-balancer service and endpoints"
KS_URL=$KS_URL OS_PASSWORD_ALL=$PW OCTAVIA_URL=http://$HOSTIP:$API_PORT "$PY" "$HERE/keystone.py"

# --------------------------------------------------------------- services ---
start_bg octavia-api uwsgi --ini "$ETC/octavia-api-uwsgi.ini"
start_bg octavia-worker octavia-worker "${CONF[@]}"
start_bg octavia-health-manager octavia-health-manager "${CONF[@]}"
start_bg octavia-housekeeping octavia-housekeeping "${CONF[@]}"

for ((i = 0; i < 90; i++)); do
  curl -s -o /dev/null -m 3 "http://$HOSTIP:$API_PORT/" && break; sleep 1
done
[ $i -lt 90 ] || die "octavia-api did not answer on $HOSTIP:$API_PORT (see $LOGS/octavia-api.log)"
# The worker must consume its RPC topic before the API casts to it (a cast to a
# queue nobody declared yet is lost).
# rabbitmqctl finds the machine's RabbitMQ with its default environment, the
# harness's own (started when the machine had none) with the harness's env file.
consuming() {
  local env
  for env in "" /etc/real-openstack/rabbitmq-env.conf; do
    { [ -z "$env" ] || [ -f "$env" ]; } || continue
    env ${env:+RABBITMQ_CONF_ENV_FILE=$env} ERL_EPMD_ADDRESS=$HOSTIP \
      rabbitmqctl -q list_queues name consumers 2>/dev/null \
      | awk '$1=="octavia_provisioning_v2" && $2>0 {f=1} END {exit !f}' && return 0
  done
  return 1
}
for ((i = 0; i < 60; i++)); do consuming && break; sleep 1; done
[ $i -lt 60 ] || die "octavia-worker is not consuming octavia_provisioning_v2 (see $LOGS/octavia-worker.log)"
for s in octavia-api octavia-worker octavia-health-manager octavia-housekeeping; do
  alive "$s" || die "$s exited (see $LOGS/$s.log)"
done

# ----------------------------------------------------------------- fixture ---
if [ "${OCTAVIA_NO_FIXTURE:-}" != 1 ]; then
  log "demo: load balancer peak-lb, HTTP listener :80, pool peak-pool with an HTTP health monitor"
  KS_URL=$KS_URL OS_PASSWORD_ALL=$PW "$PY" "$HERE/fixture.py"
fi

log "up: octavia-api http://$HOSTIP:$API_PORT (pids in $RUN)"
for f in "$RUN"/*.pid; do printf '  %-24s %s\n' "$(basename "$f" .pid)" "$(cat "$f")"; done
