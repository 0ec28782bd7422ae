# Sourced by scripts/test: install the Debian packages that device tests drive for real
# (socat for pseudo-terminal serial ports, libzbar0 for the pyzbar decoder, CUPS with a
# PDF queue for printing, PostgreSQL for the hub's second backend). Skipped quietly where apt-get or root is not available; the
# tests that need a package then skip with the reason.
SYSTEM_PACKAGES="socat libzbar0 cups printer-driver-cups-pdf postgresql"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    missing=""
    for pkg in $SYSTEM_PACKAGES; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
    done
    if [ -n "$missing" ]; then
        echo "installing system packages:$missing" >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing) \
            >/tmp/station-apt.log 2>&1 || echo "apt-get failed (see /tmp/station-apt.log)" >&2
    fi
fi
