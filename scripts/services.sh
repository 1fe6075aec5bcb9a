# Start throw-away servers on 127.0.0.1 for the tests (sourced by .ci/run; usable by hand).
# Each function installs its Debian package if missing, starts the server in a temporary
# directory, exports the URL the tests read, and stops it when the shell exits.

_services_tmp=$(mktemp -d /tmp/intake-services.XXXXXX)
chmod 755 "$_services_tmp"
_services_stop=()
trap 'for cmd in "${_services_stop[@]}"; do eval "$cmd" || true; done; rm -rf "$_services_tmp"' EXIT

start_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bin" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  local data="$_services_tmp/pg" port=${INTAKE_PG_PORT:-55432}
  mkdir -p "$data" && chown postgres "$data"
  su postgres -s /bin/sh -c "$bin/initdb -D '$data' -A trust -U postgres -E UTF8 >/dev/null"
  su postgres -s /bin/sh -c "$bin/pg_ctl -D '$data' -l '$data/log' -w -o \"-c listen_addresses=127.0.0.1 -p $port -k $data\" start >/dev/null"
  _services_stop+=("su postgres -s /bin/sh -c \"$bin/pg_ctl -D '$data' -m fast stop >/dev/null\"")
  export INTAKE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "services: PostgreSQL on 127.0.0.1:$port"
}
