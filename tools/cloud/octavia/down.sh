#!/usr/bin/env bash
# Stop what tools/cloud/octavia/up.sh started (only those processes: by the pid
# files it wrote). Run it BEFORE the harness's down.sh (which stops RabbitMQ).
#   down.sh           stop the Octavia services, keep the database and config
#   down.sh --purge   also drop the octavia database and its MariaDB user, the
#                     generated config and CA, the state and the Octavia logs
#                     (packages, and the Keystone entries in the harness's
#                     database, stay; the harness's down.sh --purge drops those)
set -uo pipefail
ETC=/etc/real-openstack-octavia
STATE=/var/lib/real-openstack-octavia
RUN=$STATE/run
LOGS=/tmp/real-openstack/logs
PURGE=0; [ "${1:-}" = --purge ] && PURGE=1

log() { echo "[octavia down] $*"; }

# A pid file names the leader of a process group made with setsid by up.sh;
# signal that group only if the leader still is that leader. TERM all first
# (uwsgi: INT = stop now), wait, then KILL what is left.
SERVICES=(octavia-api octavia-worker octavia-health-manager octavia-housekeeping)
groups=(); hm_group=
for s in "${SERVICES[@]}"; do
  f="$RUN/$s.pid"; [ -f "$f" ] || continue
  pid=$(cat "$f"); rm -f "$f"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]; then
    sig=TERM; [ "$s" = octavia-api ] && sig=INT
    kill -$sig -- "-$pid" 2>/dev/null && log "$sig $s (group $pid)" && groups+=("$pid")
    [ "$s" = octavia-health-manager ] && hm_group=$pid
  fi
done
for i in $(seq 1 40); do
  left=0; for g in "${groups[@]}"; do kill -0 -- "-$g" 2>/dev/null && left=1; done
  [ $left = 0 ] && break; sleep 0.5
  # octavia-health-manager 11.0.0 never exits on SIGTERM: its handler joins its
  # (already dead) children from inside the signal handler and blocks for good.
  # Its children are gone after TERM; give it 2 s, then KILL its group.
  if [ "$i" = 4 ] && [ -n "$hm_group" ] && kill -0 -- "-$hm_group" 2>/dev/null; then
    kill -KILL -- "-$hm_group" 2>/dev/null && log "KILL octavia-health-manager (group $hm_group; it hangs on SIGTERM)"
  fi
done
for g in "${groups[@]}"; do
  kill -0 -- "-$g" 2>/dev/null && kill -KILL -- "-$g" 2>/dev/null && log "KILL group $g"
done

# MariaDB: only if up.sh had to start it (it normally runs as a machine service).
if [ -f "$RUN/mariadb.pid" ]; then
  if [ $PURGE = 1 ]; then
    mysql -uroot -h127.0.0.1 -P3306 --protocol=TCP -e \
      "DROP DATABASE IF EXISTS octavia; DROP USER IF EXISTS 'octavia'@'127.0.0.1'; DROP USER IF EXISTS 'octavia'@'localhost';" \
      && log "dropped database octavia"
  fi
  start-stop-daemon --stop --oknodo --retry TERM/30/KILL/5 --pidfile "$RUN/mariadb.pid" \
    --exec /usr/sbin/mariadbd >/dev/null && log "stopped MariaDB (started by up.sh)"
  rm -f "$RUN/mariadb.pid"
elif [ $PURGE = 1 ]; then
  mysql -uroot -h127.0.0.1 -P3306 --protocol=TCP -e \
    "DROP DATABASE IF EXISTS octavia; DROP USER IF EXISTS 'octavia'@'127.0.0.1'; DROP USER IF EXISTS 'octavia'@'localhost';" \
    && log "dropped database octavia"
fi

if [ $PURGE = 1 ]; then
  rm -rf "$STATE" "$ETC" "$LOGS"/octavia-*.log && log "removed $STATE $ETC $LOGS/octavia-*.log"
fi
log done
