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

start_dovecot() {
  # A throw-away IMAP server (dovecot, plain IMAP on 127.0.0.1, one passwd-file user intake / intake-test,
  # maildir under the temp dir). Exports INTAKE_TEST_IMAP_URL and INTAKE_TEST_IMAP_MAILDIR.
  local dovecot_bin
  dovecot_bin=$(command -v dovecot || { [ -x /usr/sbin/dovecot ] && echo /usr/sbin/dovecot; } || true)
  if [ -z "$dovecot_bin" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "services: dovecot is missing; install it with: sudo apt-get install dovecot-imapd" >&2
      return 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
    dovecot_bin=/usr/sbin/dovecot
  fi
  local dir="$_services_tmp/dovecot" port=${INTAKE_IMAP_PORT:-11143}
  local mail_user internal_user login_user
  if [ "$(id -u)" = 0 ]; then  # the Debian package's system users
    mail_user=dovecot internal_user=dovecot login_user=dovenull
  else                         # an unprivileged developer: everything runs as that user
    mail_user=$(id -un) internal_user=$(id -un) login_user=$(id -un)
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "services: port 127.0.0.1:$port is already taken; set INTAKE_IMAP_PORT to a free port" >&2
    return 1
  fi
  mkdir -p "$dir/run" "$dir/state" "$dir/mail"
  chown "$mail_user:" "$dir/mail"
  printf 'intake:{PLAIN}intake-test::::::\n' >"$dir/users"
  cat >"$dir/dovecot.conf" <<EOF
protocols = imap
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/state
instance_name = intake-test-$port
log_path = $dir/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $internal_user
default_internal_group = $(id -gn "$internal_user")
default_login_user = $login_user
first_valid_uid = $(id -u "$mail_user")
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=$mail_user gid=$(id -gn "$mail_user") home=$dir/mail/%u
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
  "$dovecot_bin" -F -c "$dir/dovecot.conf" >>"$dir/dovecot.out" 2>&1 </dev/null &
  local pid=$! i
  for i in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    if ! kill -0 "$pid" 2>/dev/null || [ "$i" = 100 ]; then
      echo "services: dovecot did not start on 127.0.0.1:$port:" >&2
      tail -n 20 "$dir/dovecot.out" "$dir/dovecot.log" >&2 2>/dev/null || true
      kill "$pid" 2>/dev/null || true
      return 1
    fi
    sleep 0.1
  done
  _services_stop+=("kill $pid 2>/dev/null; wait $pid 2>/dev/null")
  export INTAKE_TEST_IMAP_URL="imap://intake:intake-test@127.0.0.1:$port/INBOX"
  export INTAKE_TEST_IMAP_MAILDIR="$dir/mail/intake/Maildir"
  echo "services: dovecot IMAP on 127.0.0.1:$port (user intake)"
}

ensure_chromium() {
  # Debian's Chromium for the browser tests (tests/test_web_browser.py drives /usr/bin/chromium with Playwright;
  # `playwright install` cannot download browsers here). Installs it when missing (as root).
  if [ -x /usr/bin/chromium ]; then
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "services: chromium is missing; install it with: sudo apt-get install chromium" >&2
    return 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x /usr/bin/chromium ] || { echo "services: chromium did not install" >&2; return 1; }
  echo "services: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"
}
