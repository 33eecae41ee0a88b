#!/usr/bin/env bash
# Set a Debian or Ubuntu machine up for Backprop Lab on a JupyterHub. Run as root, from a
# clone of the course (git clone <this repository> /opt/backprop-lab), as often as you like:
# each step checks what is there and does only what is missing, and says what it did.
#
#   /opt/backprop-lab/autograder/jupyterhub/setup.sh [options]
#
# Options (each also read from the environment variable named in brackets):
#   --clone DIR        the course's clone, read-only for everyone else
#                      [BACKPROP_LAB_CLONE; default: the clone this script is in]
#   --env DIR          the Python environment the hub and every server run from, created
#                      if missing [BACKPROP_LAB_ENV; default /opt/backprop-lab-env]
#   --python PYTHON    the Python that creates it, which every account must be able to run
#                      [BACKPROP_LAB_PYTHON; default /usr/bin/python3, the system's]
#   --exchange DIR     nbgrader's exchange folder [BACKPROP_LAB_EXCHANGE;
#                      default /srv/nbgrader/exchange, or what an earlier run set]
#   --jupyter-config DIR  where every server's nbgrader reads the students' configuration
#                      [BACKPROP_LAB_JUPYTER_CONFIG; default /etc/jupyter]
#   --gradebook URL    the gradebook's SQLAlchemy URL, e.g.
#                      postgresql+psycopg://grader@dbhost/backprop_lab
#                      [BACKPROP_LAB_GRADEBOOK; default what an earlier run set, else
#                      SQLite in the grading account's course root, for one grader at a time]
#   --hub-dir DIR      the hub's own folder: its database, cookie secret and proxy's pid
#                      [BACKPROP_LAB_HUB_DIR; default /srv/jupyterhub]
#
# What it does, in order: installs the system packages that are missing (bubblewrap,
# python3-venv, and Node.js with configurable-http-proxy when that is not on PATH);
# installs the course into the environment (requirements-grading.txt, which includes
# requirements.txt, and the hub's requirements.txt beside this script, with uv, or pip
# where uv cannot; then `pip install --no-deps -e CLONE`, which puts the `backprop-lab`
# command there); writes the students' nbgrader configuration; creates the exchange folder;
# creates the groups backprop-lab (students) and formgrade-backprop-lab (graders) and the
# grading account grader-backprop-lab with its own nbgrader configuration; switches the
# formgrader and Create Assignment off in the environment and on for the grading account
# only, and JupyterLab's news off; makes home folders private (0700), for existing accounts
# and those created later.
set -euo pipefail
umask 022
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"  # the administrator's tools, under sudo too

COURSE=backprop-lab
GRADER="grader-$COURSE"
STUDENTS_GROUP="$COURSE"
GRADERS_GROUP="formgrade-$COURSE"
PROXY_VERSION=4.6.3  # configurable-http-proxy, from npm (runs on Debian 12's Node.js 18 too)
UV_VERSION=0.13.10  # the installer of the environment's packages (pip where it cannot)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

CLONE="${BACKPROP_LAB_CLONE:-$(cd "$HERE/../.." && pwd)}"
ENV_DIR="${BACKPROP_LAB_ENV:-/opt/backprop-lab-env}"
PYTHON="${BACKPROP_LAB_PYTHON:-/usr/bin/python3}"
EXCHANGE="${BACKPROP_LAB_EXCHANGE:-}"  # default: as an earlier run wrote it, else below
JUPYTER_CONFIG="${BACKPROP_LAB_JUPYTER_CONFIG:-/etc/jupyter}"
GRADEBOOK="${BACKPROP_LAB_GRADEBOOK:-}"
HUB_DIR="${BACKPROP_LAB_HUB_DIR:-/srv/jupyterhub}"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
        --clone) CLONE="$2"; shift 2 ;;
        --env) ENV_DIR="$2"; shift 2 ;;
        --python) PYTHON="$2"; shift 2 ;;
        --exchange) EXCHANGE="$2"; shift 2 ;;
        --jupyter-config) JUPYTER_CONFIG="$2"; shift 2 ;;
        --gradebook) GRADEBOOK="$2"; shift 2 ;;
        --hub-dir) HUB_DIR="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "setup.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

say() { echo "setup: $*"; }
die() { echo "setup: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: it installs packages, creates accounts and writes /etc"
[ -f "$CLONE/pyproject.toml" ] && [ -d "$CLONE/source" ] \
    || die "--clone $CLONE is no clone of the course (no pyproject.toml and source/ there)"
CLONE="$(cd "$CLONE" && pwd)"
for place in "$CLONE" "$ENV_DIR"; do  # the grading sandbox gives each process its own /tmp
    case "$place" in
        /tmp|/tmp/*) die "$place is below /tmp, which every process of the grading sandbox sees empty: put it elsewhere (/opt, /srv)" ;;
    esac
done

# -- system packages -------------------------------------------------------------------
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
if [ ! -x "$ENV_DIR/bin/python" ] && ! "$PYTHON" -c "import ensurepip, venv" 2>/dev/null; then
    missing+=(python3-venv)
fi
if ! command -v configurable-http-proxy >/dev/null 2>&1 && ! command -v npm >/dev/null 2>&1; then
    missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v configurable-http-proxy >/dev/null 2>&1; then
    say "installing configurable-http-proxy $PROXY_VERSION (npm, globally)"
    npm install --global --no-audit --no-fund --loglevel=error \
        "configurable-http-proxy@$PROXY_VERSION" >/dev/null
else
    say "configurable-http-proxy: $(command -v configurable-http-proxy)"
fi

# -- the servers' Python environment -----------------------------------------------------
if [ ! -x "$ENV_DIR/bin/python" ]; then
    say "creating the Python environment $ENV_DIR with $PYTHON"
    "$PYTHON" -m venv "$ENV_DIR"
fi
PY="$ENV_DIR/bin/python"
# What was installed, from which clone: pip runs again only when this changes.
STAMP="$ENV_DIR/.backprop-lab-installed"
wanted="$(cat "$CLONE"/requirements*.txt "$HERE/requirements.txt" "$CLONE/pyproject.toml" \
          | sha256sum | cut -d' ' -f1) $CLONE"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ] && [ -x "$ENV_DIR/bin/backprop-lab" ]; then
    say "the course from $CLONE is installed in $ENV_DIR, its requirements unchanged"
else
    say "installing the course's requirements, the hub and the course from $CLONE into $ENV_DIR"
    # uv installs the same pinned wheels as pip, several times faster; where it cannot
    # (an index only this machine's pip configuration names, say), pip installs them.
    # UV_SYSTEM_CERTS: uv trusts the system's certificate authorities, as pip and curl do
    # (otherwise only its own built-in list, which a proxy's authority is not on).
    "$PY" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" || true
    requirements=(-r "$CLONE/requirements-grading.txt" -r "$HERE/requirements.txt")
    if ! UV_SYSTEM_CERTS=1 "$PY" -m uv pip install --quiet --python "$PY" "${requirements[@]}"; then
        say "uv could not install the requirements; pip installs them"
        "$PY" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
    fi
    "$PY" -m pip install --quiet --disable-pip-version-check --no-deps -e "$CLONE"
    chmod -R go+rX "$ENV_DIR"
    echo "$wanted" > "$STAMP"
fi
"$ENV_DIR/bin/backprop-lab" --help >/dev/null || die "the backprop-lab command does not run"

# Writes JSON merged into what a file already holds (settings of others are kept).
merge_json() {  # FILE JSON
    "$PY" - "$1" "$2" <<'PYTHON'
import json, os, sys
path, update = sys.argv[1], json.loads(sys.argv[2])
def merged(into, extra):
    for key, value in extra.items():
        into[key] = merged(into.get(key, {}), value) if isinstance(value, dict) else value
    return into
data = json.load(open(path)) if os.path.exists(path) and os.path.getsize(path) else {}
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as handle:
    json.dump(merged(data, update), handle, indent=2)
    handle.write("\n")
PYTHON
}

# Copies a configuration template, setting the lines `c.<Name> = ...` given as Name=value.
write_config() {  # TEMPLATE TARGET [Name=value ...]
    "$PY" - "$@" <<'PYTHON'
import re, sys
template, target, *settings = sys.argv[1:]
text = open(template).read()
for setting in settings:
    name, value = setting.split("=", 1)
    line = re.compile(rf"^c\.{re.escape(name)} = .*$", re.MULTILINE)
    if not line.search(text):
        sys.exit(f"setup: {template} has no line c.{name} = ...")
    text = line.sub(lambda m: f"c.{name} = {value!r}", text, count=1)
open(target, "w").write(text)
PYTHON
}

# The value of `c.<Name> = '...'` in a configuration file an earlier run wrote, or nothing.
previous() {  # FILE NAME
    [ -f "$1" ] || return 0
    "$PY" - "$1" "$2" <<'PYTHON'
import ast, re, sys
found = re.search(rf"^c\.{re.escape(sys.argv[2])} = (.+)$", open(sys.argv[1]).read(), re.M)
print(ast.literal_eval(found[1]) if found else "")
PYTHON
}

# -- students' configuration and the exchange --------------------------------------------
[ -n "$EXCHANGE" ] || EXCHANGE="$(previous "$JUPYTER_CONFIG/nbgrader_config.py" Exchange.root)"
[ -n "$EXCHANGE" ] || EXCHANGE=/srv/nbgrader/exchange
mkdir -p "$JUPYTER_CONFIG"
write_config "$HERE/student_nbgrader_config.py" "$JUPYTER_CONFIG/nbgrader_config.py" \
    "Exchange.root=$EXCHANGE"
chmod 644 "$JUPYTER_CONFIG/nbgrader_config.py"
say "wrote $JUPYTER_CONFIG/nbgrader_config.py (course $COURSE, exchange $EXCHANGE)"
mkdir -p "$EXCHANGE"
chmod 1777 "$EXCHANGE"  # everyone may add, nobody may remove what others made
say "exchange folder $EXCHANGE (mode 1777)"

# The formgrader and Create Assignment: off for every server of the environment, and
# locked, so a student cannot switch them on in the Plugin Manager...
ENV_CONFIG="$ENV_DIR/etc/jupyter"
merge_json "$ENV_CONFIG/jupyter_server_config.json" \
    '{"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": false}}}'
merge_json "$ENV_CONFIG/labconfig/page_config.json" \
    '{"disabledExtensions": {"@jupyter/nbgrader:formgrader": true, "@jupyter/nbgrader:create-assignment": true},
      "lockedExtensions": {"@jupyter/nbgrader:formgrader": true, "@jupyter/nbgrader:create-assignment": true}}'
say "formgrader and Create Assignment off for everyone ($ENV_CONFIG)"
# JupyterLab asks nobody about news or updates: its users are students in a course.
merge_json "$ENV_DIR/share/jupyter/lab/settings/overrides.json" \
    '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}'

# -- accounts ---------------------------------------------------------------------------
for group in "$STUDENTS_GROUP" "$GRADERS_GROUP"; do
    if ! getent group "$group" >/dev/null; then
        groupadd "$group"
        say "created the group $group"
    fi
done

# Home folders are private: existing accounts' now, new accounts' from now on.
sed -i -E '/^#?[[:space:]]*HOME_MODE[[:space:]]/d' /etc/login.defs
echo "HOME_MODE 0700" >> /etc/login.defs
if [ -f /etc/adduser.conf ]; then
    sed -i -E 's/^#?[[:space:]]*DIR_MODE=.*/DIR_MODE=0700/' /etc/adduser.conf
    grep -q '^DIR_MODE=0700' /etc/adduser.conf || echo "DIR_MODE=0700" >> /etc/adduser.conf
fi
read -r UID_MIN UID_MAX < <(awk '$1=="UID_MIN"{a=$2} $1=="UID_MAX"{b=$2} END{print (a?a:1000), (b?b:60000)}' /etc/login.defs)
while IFS=: read -r name _ uid _ _ home _; do
    if [ "$uid" -ge "$UID_MIN" ] && [ "$uid" -le "$UID_MAX" ] && [ -d "$home" ] \
            && [ "$home" != / ] && [ "$(stat -c %a "$home")" != 700 ]; then
        chmod 0700 "$home"
        say "home folder of $name made private: $home"
    fi
done < <(getent passwd)
say "new accounts get private home folders (HOME_MODE 0700 in /etc/login.defs)"

if ! id "$GRADER" >/dev/null 2>&1; then
    useradd --create-home --shell /bin/bash --comment "Backprop Lab grading" "$GRADER"
    say "created the grading account $GRADER (no password: nobody logs in as it)"
fi
GRADER_HOME="$(getent passwd "$GRADER" | cut -d: -f6)"
chmod 0700 "$GRADER_HOME"
[ -n "$GRADEBOOK" ] || GRADEBOOK="$(previous "$GRADER_HOME/.jupyter/nbgrader_config.py" \
                                              CourseDirectory.db_url)"
[ -n "$GRADEBOOK" ] || GRADEBOOK="sqlite:///$GRADER_HOME/$COURSE/gradebook.db"

# ...and on for the grading account alone, in its user-level settings, which its server
# reads first (the hub starts it with JUPYTER_PREFER_ENV_PATH=0).
run_as_grader() { runuser -u "$GRADER" -- env HOME="$GRADER_HOME" "$@"; }
install -d -o "$GRADER" -g "$GRADER" -m 0700 "$GRADER_HOME/.jupyter"
tmp="$(mktemp)"
write_config "$HERE/instructor_nbgrader_config.py" "$tmp" \
    "Exchange.root=$EXCHANGE" "CourseDirectory.db_url=$GRADEBOOK"
install -o "$GRADER" -g "$GRADER" -m 0600 "$tmp" "$GRADER_HOME/.jupyter/nbgrader_config.py"
rm -f "$tmp"
merge_json "$GRADER_HOME/.jupyter/jupyter_server_config.json" \
    '{"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": true}}}'
merge_json "$GRADER_HOME/.jupyter/labconfig/page_config.json" \
    '{"disabledExtensions": {"@jupyter/nbgrader:formgrader": false, "@jupyter/nbgrader:create-assignment": false}}'
chown -R "$GRADER:$GRADER" "$GRADER_HOME/.jupyter"
say "grading account $GRADER: ~/.jupyter/nbgrader_config.py (course root ~/$COURSE, gradebook $GRADEBOOK), formgrader and Create Assignment on"

# -- the hub's folder, and last checks -----------------------------------------------------
mkdir -p "$HUB_DIR"
chmod 0700 "$HUB_DIR"
run_as_grader "$PY" -c "import autograder, bplab" 2>/dev/null || die "the grading account \
cannot run $PY or import the course from $CLONE: every account needs to read the clone, \
the environment and the Python it was made with (and every folder above them)"
if sandbox="$(run_as_grader "$ENV_DIR/bin/backprop-lab" sandbox 2>&1)"; then
    say "sandbox, as $GRADER: $sandbox"
else
    say "WARNING: the sandbox does not work as $GRADER: $sandbox"
fi
say "done. Start the hub as root:"
say "  cd $HUB_DIR && $ENV_DIR/bin/jupyterhub -f $HERE/jupyterhub_config.py"
say "Add students with: adduser NAME $STUDENTS_GROUP; graders with: adduser NAME $GRADERS_GROUP (then restart the hub)"
