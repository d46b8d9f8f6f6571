#!/bin/sh
# make fresh-test: the README's `make test` on a new Debian 12 machine.
#
#   sh tools/fresh-test.sh [--keep]
#
# Builds a throw-away Debian 12 (bookworm) minbase root with debootstrap,
# adds only what a new machine has before the README's commands (make),
# copies this checkout in (the files git tracks, and the untracked ones it
# does not ignore, as they are in the work tree), and runs `make test` in it
# as root.  Every other package must come from `make test` itself: one left
# to "recommends", or installed by hand on this machine, fails here.
#
# The root is entered with pivot_root in a private mount and PID namespace,
# not plain chroot, so that the tests can make user namespaces (`verify`),
# which the kernel refuses to a chrooted process.  /proc, /sys and /dev are
# mounted there as the tests need; they vanish with the namespace, so
# nothing stays mounted however the run ends.  The root is removed at the
# end unless --keep.  Prints the last lines of the log, and exits with
# make's status.  Needs root, debootstrap and the Debian mirror
# (tools/debian-mirror.sh); about 45 minutes on 2 cores.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
keep=no
[ "${1:-}" = "--keep" ] && keep=yes

die() { echo "fresh-test: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, namespaces, mounts)"
sh "$HERE/ensure-deps.sh" debootstrap debian-archive-keyring util-linux git >&2 || die "cannot install debootstrap"
mirror=$(sh "$HERE/debian-mirror.sh") || die "no Debian mirror found; set SHIPREADY_DEBIAN_MIRROR"

work=$(mktemp -d "${SHIPREADY_FRESH_DIR:-/var/tmp}/shipready-fresh.XXXXXX")
root="$work/root"
log="$work/make-test.log"
cleanup() {
    if [ "$keep" = yes ]; then
        echo "fresh-test: kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "fresh-test: $(date -u +%FT%TZ) debootstrap bookworm minbase from $mirror into $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }

mkdir -p "$root/src"
(cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
    tar --null --no-recursion -T - -cf -) | tar -xf - -C "$root/src"
echo "fresh-test: copied $(cd "$SRC" && git rev-parse --short HEAD)$(cd "$SRC" && git diff --quiet HEAD || echo ' + uncommitted changes') into $root/src"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"

# Inside: a private mount namespace and PID namespace; the root becomes the
# namespace's root by pivot_root, then the host's tree is detached.
cat > "$root/fresh-test-inside.sh" <<'INSIDE'
set -eu
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 HOME=/root
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
apt-get update -qq
apt-get install -y -qq --no-install-recommends make > /dev/null
echo "fresh-test: installed before make test: $(dpkg-query -W -f='${binary:Package}\n' | wc -l) packages (minbase + make)"
cd /src
make test
INSIDE
status=0
unshare --mount --pid --fork --propagation private sh -eu -c '
    root=$1
    mount --bind "$root" "$root"
    mount -t proc proc "$root/proc"
    mount -t sysfs sysfs "$root/sys"
    mount --rbind /dev "$root/dev"
    mkdir -p "$root/.host"
    cd "$root"
    pivot_root . .host
    cd /
    umount -l /.host
    rmdir /.host
    exec /bin/sh /fresh-test-inside.sh
' fresh-test "$root" > "$log" 2>&1 || status=$?
cp "$log" "$work/../shipready-fresh-test.log" 2>/dev/null || true
tail -n 15 "$log"
echo "fresh-test: make test exited $status ($(date -u +%FT%TZ)); whole log: ${SHIPREADY_FRESH_DIR:-/var/tmp}/shipready-fresh-test.log"
exit "$status"
