#!/bin/bash
# deps.sh [build|check|bench|all]: make sure the Debian packages Glass needs
# are installed. As root, installs what is missing with apt-get; otherwise
# prints the exact apt-get line and exits 1. Never reads stdin.
set -euo pipefail

build=(gcc make cpio gzip busybox-static check pkg-config libsubunit-dev musl-tools gdb strace libreadline-dev libunwind-dev libdw-dev libbz2-dev)
check=(clang libclang-rt-14-dev uml-utilities python3 telnet gcovr lcov e2fsprogs)
bench=(user-mode-linux)

want=("${build[@]}")
case "${1:-build}" in
build) ;;
check) want+=("${check[@]}") ;;
bench) want+=("${bench[@]}") ;;
all) want+=("${check[@]}" "${bench[@]}") ;;
*) echo "usage: $0 [build|check|bench|all]" >&2; exit 2 ;;
esac

# One dpkg-query for all of them: fast when everything is there.
missing=()
status=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${want[@]}" 2>/dev/null || true)
for p in "${want[@]}"; do
	grep -qx "$p installed" <<<"$status" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "Glass needs these Debian packages: ${missing[*]}" >&2
	echo "Install them with:  sudo $line" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q "${missing[@]}" </dev/null; then
	apt-get update -q </dev/null
	apt-get install -y -q "${missing[@]}" </dev/null
fi
