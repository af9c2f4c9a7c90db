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
mv "$ETC/octavia.conf.new" "$ETC/octavia.conf"
chmod 600 "$ETC/octavia.conf"
CONF=(--config-file "$ETC/octavia.conf")

cat > "$ETC/octavia-api-uwsgi.ini" <<EOF
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

# ------------------------------------------------------------- migrations ---
log "octavia-db-manage upgrade head"
octavia-db-manage "${CONF[@]}" upgrade head >>"$LOGS/octavia-db-manage.log" 2>&1 \
  || die "octavia-db-manage failed, see $LOGS/octavia-db-manage.log"

# --------------------------------------------------------------- keystone ---
log "keystone: octavia user, roles, load-balancer service and endpoints"
"$PY" - <<EOF
import openstack
c = openstack.connect(auth_url="$KS_URL", username="admin", password="$PW",
    project_name="admin", user_domain_name="Default", project_domain_name="Default",
    region_name="RegionOne", identity_api_version="3")
idn = c.identity
first = lambda it: next(iter(it), None)   # list-by-name: no 404 noise in keystone.log
def role(name):
    return first(idn.roles(name=name)) or idn.create_role(name=name)
service = first(idn.projects(name="service", domain_id="default"))
demo = first(idn.projects(name="demo", domain_id="default"))
assert service and demo, "harness projects service/demo missing: run the harness's up.sh"
u = first(idn.users(name="octavia", domain_id="default")) or idn.create_user(
    name="octavia", password="$PW", domain_id="default", default_project_id=service.id)
idn.assign_project_role_to_user(service, u, role("admin"))
idn.assign_project_role_to_user(service, u, role("service"))
# Octavia Zed's default policy: writing needs role load-balancer_member (with the
# old defaults, in the object's project; with the new ones, also role member).
lb_member = role("load-balancer_member")
for name in ("load-balancer_observer", "load-balancer_global_observer",
             "load-balancer_quota_admin", "load-balancer_admin"):
    role(name)
d = first(idn.users(name="demo", domain_id="default"))
idn.assign_project_role_to_user(demo, d, lb_member)
url = "http://$HOSTIP:$API_PORT"
svc = next((s for s in idn.services() if s.type == "load-balancer"), None) \
    or idn.create_service(name="octavia", type="load-balancer", is_enabled=True,
                          description="Octavia load-balancer v2 (no-op drivers)")
have = {e.interface: e for e in idn.endpoints(service_id=svc.id)}
for itf in ("public", "internal", "admin"):
    e = have.get(itf)
    if e is None:
        idn.create_endpoint(service_id=svc.id, interface=itf, url=url, region_id="RegionOne")
    elif e.url != url:
        idn.update_endpoint(e, url=url)
print("octavia identity ok")
EOF

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
for ((i = 0; i < 60; i++)); do
  rabbitmqctl -q list_queues name consumers 2>/dev/null \
    | awk '$1=="octavia_provisioning_v2" && $2>0 {f=1} END {exit !f}' && break
  sleep 1
done
[ $i -lt 60 ] || die "octavia-worker is not consuming octavia_provisioning_v2 (see $LOGS/octavia-worker.log)"
for s in octavia-api octavia-worker octavia-health-manager octavia-housekeeping; do
  alive "$s" || die "$s exited (see $LOGS/$s.log)"
done

# ----------------------------------------------------------------- fixture ---
if [ "${OCTAVIA_NO_FIXTURE:-}" != 1 ]; then
  log "demo: load balancer peak-lb, HTTP listener :80, pool peak-pool with an HTTP health monitor"
  "$PY" - <<EOF
import time, openstack
c = openstack.connect(auth_url="$KS_URL", username="demo", password="$PW",
    project_name="demo", user_domain_name="Default", project_domain_name="Default",
    region_name="RegionOne", identity_api_version="3")
lbp = c.load_balancer
def wait_active(lb_id, what):
    t = time.time()
    while True:
        lb = lbp.get_load_balancer(lb_id)
        if lb.provisioning_status == "ACTIVE":
            return lb
        if lb.provisioning_status == "ERROR" or time.time() - t > 120:
            raise SystemExit("peak-lb is %s after %s" % (lb.provisioning_status, what))
        time.sleep(0.5)
subnet = c.network.find_subnet("private-subnet", ignore_missing=False)
lb = lbp.find_load_balancer("peak-lb")
if lb is not None and lb.provisioning_status == "ERROR":
    print("peak-lb is in ERROR: deleting it (cascade) to make it again")
    lbp.delete_load_balancer(lb.id, cascade=True)
    t = time.time()
    while lbp.find_load_balancer(lb.id) is not None and time.time() - t < 120:
        time.sleep(0.5)
    lb = None
if lb is None:
    lb = lbp.create_load_balancer(name="peak-lb", vip_subnet_id=subnet.id)
lb = wait_active(lb.id, "create")
listener = next((l for l in lbp.listeners(load_balancer_id=lb.id) if l.name == "peak-listener"), None)
if listener is None:
    listener = lbp.create_listener(name="peak-listener", load_balancer_id=lb.id,
                                   protocol="HTTP", protocol_port=80)
    wait_active(lb.id, "listener create")
pool = next((p for p in lbp.pools(loadbalancer_id=lb.id) if p.name == "peak-pool"), None)
if pool is None:
    pool = lbp.create_pool(name="peak-pool", listener_id=listener.id, protocol="HTTP",
                           lb_algorithm="ROUND_ROBIN")
    wait_active(lb.id, "pool create")
pool = lbp.get_pool(pool.id)
if not pool.health_monitor_id:
    lbp.create_health_monitor(name="peak-hm", pool_id=pool.id, type="HTTP", delay=5,
                              timeout=3, max_retries=3, url_path="/", expected_codes="200")
    wait_active(lb.id, "health monitor create")
print("peak-lb %s ACTIVE (vip %s), listener %s, pool %s" % (lb.id, lb.vip_address, listener.id, pool.id))
EOF
fi

log "up: octavia-api http://$HOSTIP:$API_PORT (pids in $RUN)"
for f in "$RUN"/*.pid; do printf '  %-24s %s\n' "$(basename "$f" .pid)" "$(cat "$f")"; done
