# Sourced (bash) by the scripts that run node or npm. infra/bootstrap.sh installs the project's own
# Node into .tools/node only when the machine's is missing or older than frontend/package.json's
# "engines" range admits; when it did, that Node comes first on PATH. A folder that is not there
# changes nothing, so sourcing this is always safe.
_deeplens_node_bin="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools/node/bin"
case ":$PATH:" in
  *":$_deeplens_node_bin:"*) ;;
  *) export PATH="$_deeplens_node_bin:$PATH" ;;
esac
unset _deeplens_node_bin
