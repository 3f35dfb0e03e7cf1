# shellcheck shell=bash
# Sourced by the other scripts: find or install uv, then sync the locked environment.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null 2>&1; then
    echo "==> installing uv" >&2
    python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
fi
"$ROOT/scripts/system-packages" ${APT_LISTS:-}
export UV_PYTHON_DOWNLOADS=never
# Byte-code compiled once here: with PYTHONDONTWRITEBYTECODE set (as on some machines) every
# Python process would otherwise compile Django, NumPy and the platform from source at start
# (≈ 1.4 s each); a stale file is only ever recompiled in memory.
uv sync --frozen --quiet --compile-bytecode
uv run --frozen python -m compileall -q -j 0 src benchmarks >/dev/null
"$ROOT/scripts/build-native"
"$ROOT/scripts/assets"
# Compiled translations are build output (git-ignored), made from the committed .po files.
for po in "$ROOT"/src/tanji/locale/*/LC_MESSAGES/django.po; do
    [[ -f "$po" ]] || continue
    mo="${po%.po}.mo"
    if [[ ! -f "$mo" || "$po" -nt "$mo" ]]; then
        msgfmt --check -o "$mo" "$po"
    fi
done
