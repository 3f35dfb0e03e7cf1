#!/usr/bin/env bash
# One-command install of the tanji terminal on Debian 12 (run as root):
#   deploy/terminal/install.sh [PACKAGE]
# PACKAGE is a built wheel or a source checkout of tanji (default: the checkout holding this
# script). Creates the service user, a virtual environment under /opt/tanji-terminal, the
# configuration directory and the systemd unit. Safe to run again to upgrade.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="${1:-$(cd "$here/../.." && pwd)}"
prefix=/opt/tanji-terminal
config=/etc/tanji-terminal
user=tanji-terminal

if [[ $(id -u) -ne 0 ]]; then
    echo "install.sh: run as root" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3 python3-venv ca-certificates >/dev/null

if ! id "$user" >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/tanji-terminal --no-create-home \
        --shell /usr/sbin/nologin --groups dialout "$user"
fi

python3 -m venv "$prefix/venv"
"$prefix/venv/bin/pip" install --quiet --upgrade pip
"$prefix/venv/bin/pip" install --quiet --upgrade "$package"

install -d -m 0700 -o "$user" -g "$user" /var/lib/tanji-terminal
install -d -m 0750 -o root -g "$user" "$config"
if [[ ! -f "$config/terminal.toml" ]]; then
    install -m 0640 -o root -g "$user" "$here/terminal.toml.example" "$config/terminal.toml"
fi
install -m 0644 "$here/tanji-terminal.service" /etc/systemd/system/tanji-terminal.service
systemctl daemon-reload
systemctl enable tanji-terminal.service >/dev/null

cat <<NEXT
tanji terminal installed in $prefix.
Next:
  1. edit $config/terminal.toml (device, enterprise, platform_url) and copy the platform
     public key to $config/platform.pub
  2. enrol:  sudo -u $user $prefix/venv/bin/tanji terminal enrol \\
                 --station $config/terminal.toml --code <one-time code>
  3. start:  systemctl start tanji-terminal; journalctl -fu tanji-terminal
  4. check:  sudo -u $user $prefix/venv/bin/tanji terminal status --station $config/terminal.toml
NEXT
