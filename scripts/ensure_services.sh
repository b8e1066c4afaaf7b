#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1; start them when they do not.
set -euo pipefail

PGHOST=127.0.0.1
DB_NAME="${NEXUSONE_TEST_DB:-nexusone}"

if ! pg_isready -q -h "$PGHOST" -p 5432; then
  echo "PostgreSQL is down; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p 5432 && break; sleep 1; done
fi
pg_isready -h "$PGHOST" -p 5432

# Trust auth on 127.0.0.1 is the norm here; where a password is asked, the local
# socket still admits the postgres OS user, which can set the role up.
if ! psql -h "$PGHOST" -U postgres -d postgres -tAc "SELECT 1" >/dev/null 2>&1; then
  su postgres -c "psql -tAc \"ALTER ROLE postgres PASSWORD 'postgres'\"" >/dev/null
  export PGPASSWORD=postgres
fi
if ! psql -h "$PGHOST" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1; then
  psql -h "$PGHOST" -U postgres -d postgres -c "CREATE DATABASE $DB_NAME" >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Redis is down; starting it"
  if ! command -v redis-server >/dev/null; then
    apt-get update -qq && apt-get install -y -qq redis-server
  fi
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping
