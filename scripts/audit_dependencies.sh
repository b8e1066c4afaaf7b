#!/usr/bin/env bash
# pip-audit over the pinned requirements (`make lint`): fails on a known vulnerability.
# OSV is asked first (the most complete data), PyPI's own advisories when OSV is out of reach. When
# neither can be reached (a machine without internet) it says so loudly and does not fail, since
# nothing was audited; set AUDIT_REQUIRED=1 to fail then too.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PIN="django/$(grep -i '^django==' requirements.txt | cut -d= -f3)"

reachable() {
    case "$1" in
        osv) url="https://api.osv.dev/v1/query" data='{}' ;;
        pypi) url="https://pypi.org/pypi/${PIN}/json" data="" ;;
    esac
    $PY - "$url" "$data" <<'PYEOF'
import sys, urllib.error, urllib.request
url, data = sys.argv[1], sys.argv[2].encode() or None
try:
    urllib.request.urlopen(url, data=data, timeout=5)
except urllib.error.HTTPError as error:
    sys.exit(0 if error.code == 400 else 1)  # OSV answers 400 to an empty query: it is there
except OSError:
    sys.exit(1)
PYEOF
}

for service in osv pypi; do
    if reachable "$service"; then
        echo "pip-audit: vulnerability data from $service"
        exec .venv/bin/pip-audit --vulnerability-service "$service" --no-deps --disable-pip --progress-spinner off \
            -r requirements.txt -r requirements-dev.txt
    fi
done
echo "pip-audit: NOT AUDITED — neither OSV nor PyPI's per-release data can be reached from this machine." >&2
exit "${AUDIT_REQUIRED:-0}"
