#!/bin/sh
# Print the Debian archive this machine's apt uses (no trailing slash): the
# first URIs: line of its deb822 sources naming a /debian archive (not
# debian-security), else the first plain `deb` line of /etc/apt/sources.list.
# SHIPREADY_DEBIAN_MIRROR overrides it.  Exit 1 (nothing printed) when none.
mirror=${SHIPREADY_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
    for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        mirror=$(sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr ' ' '\n' | grep -v -- '-security' |
                 grep '/debian/\?$' | head -n 1)
        [ -n "$mirror" ] && break
    done
fi
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list ]; then
    mirror=$(awk '$1 == "deb" && $2 !~ /^\[/ && $2 !~ /-security/ { print $2; exit }' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || exit 1
echo "${mirror%/}"
