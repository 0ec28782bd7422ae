# Sourced by the other scripts: find uv, or install it from PyPI with the Python at hand.
# Sets UV to the command to run it.
if command -v uv >/dev/null 2>&1; then
    UV="uv"
elif python3 -m uv --version >/dev/null 2>&1; then
    UV="python3 -m uv"
else
    echo "installing uv from PyPI..." >&2
    python3 -m pip install --quiet uv 2>/dev/null \
        || python3 -m pip install --quiet --user --break-system-packages uv
    UV="python3 -m uv"
fi
export UV_PYTHON_DOWNLOADS=never
