#!/usr/bin/env python3
"""Write data/musl-symbols.json: the symbols musl's libc.so defines, per release.

    /usr/bin/python3 tools/gen_musl_symbols.py OLD_LIBC_SO OLD_VERSION NEW_LIBC_SO NEW_VERSION > data/musl-symbols.json

Each LIBC_SO is musl's libc.so (the C library and its loader in one file)
of a Debian package: musl 1.2.3-1 (bookworm, /usr/lib/x86_64-linux-musl/libc.so)
and musl 1.2.5-3.1~deb13u1 (trixie).  The defined dynamic symbols come from
binutils' readelf (a tool for making the data, not part of shipready).  The
list of LFS64 names musl's loader still resolves (ldso/dynlink.c get_lfs64,
since 1.2.4) is kept as the file gives it.
"""
import json
import subprocess
import sys

# musl ldso/dynlink.c get_lfs64 (v1.2.4 and later): NAME64 resolves to NAME
LFS64 = ["aio_cancel", "aio_error", "aio_fsync", "aio_read", "aio_return", "aio_suspend", "aio_write",
         "alphasort", "creat", "fallocate", "fgetpos", "fopen", "freopen", "fseeko", "fsetpos", "fstat",
         "fstatat", "fstatfs", "fstatvfs", "ftello", "ftruncate", "ftw", "getdents", "getrlimit", "glob",
         "globfree", "lio_listio", "lockf", "lseek", "lstat", "mkostemp", "mkostemps", "mkstemp", "mkstemps",
         "mmap", "nftw", "open", "openat", "posix_fadvise", "posix_fallocate", "pread", "preadv", "prlimit",
         "pwrite", "pwritev", "readdir", "scandir", "sendfile", "setrlimit", "stat", "statfs", "statvfs",
         "tmpfile", "truncate", "versionsort", "__fxstat", "__fxstatat", "__lxstat", "__xstat"]


def defined(path):
    out = subprocess.run(["readelf", "--dyn-syms", "-W", path], capture_output=True, text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        f = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(f) >= 8 and f[0].endswith(":") and f[0][:-1].isdigit() and f[6] != "UND" and f[4] != "LOCAL":
            names.add(f[7].split("@")[0])
    return names


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    old_path, old_v, new_path, new_v = sys.argv[1:]
    old, new = defined(old_path), defined(new_path)
    doc = {
        "format": 1,
        "about": "The symbols musl's libc.so defines (its loader binds a program's imports to these), for two "
                 "releases; a release between them has the older list's symbols that the newer still has, and "
                 "is not known to have the others.  musl's loader also resolves NAME64 to NAME for the names "
                 "in lfs64 (from 1.2.4: ldso/dynlink.c get_lfs64), the LFS64 symbols 1.2.4 stopped defining. "
                 "Made by tools/gen_musl_symbols.py.",
        "sources": {
            old_v: "Debian bookworm musl 1.2.3-1 amd64: /usr/lib/x86_64-linux-musl/libc.so, defined dynamic symbols",
            new_v: "Debian trixie musl 1.2.5-3.1~deb13u1 amd64 (pool/main/m/musl/musl_1.2.5-3.1~deb13u1_amd64.deb, "
                   "sha256 fd4231e1c189c0ebe01182747f83817593fefa7f6b690c484410646288b60058): "
                   "/usr/lib/x86_64-linux-musl/libc.so, defined dynamic symbols",
            "lfs64": "musl ldso/dynlink.c get_lfs64 (bminor/musl 86373b49; added in v1.2.4)",
        },
        "versions": [old_v, new_v],
        "symbols": sorted(new),
        "added_after": {old_v: sorted(new - old)},
        "dropped_after": {old_v: sorted(old - new)},
        "lfs64": {"since": "1.2.4", "names": LFS64},
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
