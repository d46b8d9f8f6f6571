#!/bin/sh
# Recreate the seed corpus fuzz/corpus/elf/ (small files only; the results are
# committed, so this only needs re-running when seeds are added or changed).
#
#   sh fuzz/make-corpus.sh            real ELFs from the local toolchains
#                                     + hand-crafted edge cases (craft_elf.py)
# Needs gcc (+ -m32 multilib), optionally aarch64-linux-gnu-gcc, python3.
# Files named crash-* are fuzzer reproducers and are never touched.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/corpus/elf"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Link options that keep the files small: no separate code pages, 4 KiB pages.
small="-Wl,-z,noseparate-code -Wl,-z,max-page-size=0x1000 -Wl,--build-id=sha1"

cat >"$tmp/start.c" <<'C'
/* A freestanding program: exit(42) via the syscall. */
void _start(void)
{
#if defined(__x86_64__)
	__asm__ volatile("mov $60, %eax\n mov $42, %edi\n syscall");
#elif defined(__i386__)
	__asm__ volatile("mov $1, %eax\n mov $42, %ebx\n int $0x80");
#elif defined(__aarch64__)
	__asm__ volatile("mov x8, #93\n mov x0, #42\n svc #0");
#endif
	for (;;) ;
}
C
cat >"$tmp/hello.c" <<'C'
#include <stdio.h>
#include <string.h>
#ifdef USE_TINY
extern int tiny_add(int, int);
#else
#define tiny_add(a, b) ((a) + (b))
#endif
int main(int argc, char **argv)
{
	char buf[32];
	strcpy(buf, argc > 1 ? argv[1] : "x");
	printf("%s %d\n", buf, tiny_add(argc, 1));
	return 0;
}
C
cat >"$tmp/lib.c" <<'C'
#include <stdio.h>
int tiny_add_v1(int a, int b) { return a + b; }
int tiny_add_v2(int a, int b) { puts("v2"); return a + b + 1; }
__asm__(".symver tiny_add_v1, tiny_add@TINY_1.0");
__asm__(".symver tiny_add_v2, tiny_add@@TINY_2.0");
C
cat >"$tmp/lib.map" <<'C'
TINY_1.0 { global: tiny_add; local: *; };
TINY_2.0 { global: tiny_add; } TINY_1.0;
C
cat >"$tmp/needs.c" <<'C'
/* Calls that make run-time needs (lib/check/needs.c): NSS, DNS, user
 * database, zoneinfo, gconv, locale, dlopen. */
#include <dlfcn.h>
#include <iconv.h>
#include <locale.h>
#include <netdb.h>
#include <pwd.h>
#include <stddef.h>
#include <time.h>
int main(int argc, char **argv)
{
	struct addrinfo *r;
	time_t t = time(0);
	(void)argc;
	return getaddrinfo(argv[1], "80", NULL, &r) + (getpwnam(argv[1]) != 0) + (localtime(&t) == 0) +
	       (iconv_open("UTF-8", argv[1]) == (iconv_t)-1) + (setlocale(LC_ALL, "") == 0) +
	       (dlopen(argv[1], RTLD_NOW) == 0);
}
C
cat >"$tmp/obj.c" <<'C'
static int counter;
int bump(void) { return ++counter; }
C

cc_ok() { command -v "$1" >/dev/null 2>&1; }

# x86-64
gcc -Os -nostdlib -static $small -s -o "$out/x86_64-static-nostdlib" "$tmp/start.c"
gcc -Os -nostdlib -static-pie -fPIE $small -s -o "$out/x86_64-static-pie-nostdlib" "$tmp/start.c"
gcc -Os -fPIC -shared $small -s -Wl,--version-script="$tmp/lib.map" \
    -Wl,-soname,libtiny.so.1 -Wl,-rpath,'$ORIGIN/../lib' -Wl,--enable-new-dtags \
    -Wl,-z,now -Wl,-z,relro -o "$out/x86_64-shared-versioned.so" "$tmp/lib.c"
cp "$out/x86_64-shared-versioned.so" "$tmp/libtiny.so"
gcc -Os -fPIE -pie -DUSE_TINY -D_FORTIFY_SOURCE=2 -fstack-protector-strong $small -s \
    -Wl,-z,now -Wl,-z,relro -Wl,-rpath,/opt/tiny/lib -Wl,--disable-new-dtags \
    -o "$out/x86_64-pie-fortify" "$tmp/hello.c" -L"$tmp" -ltiny
gcc -Os -no-pie -fno-stack-protector $small -Wl,-z,execstack -Wl,-z,norelro \
    -o "$out/x86_64-exec-norelro-symtab" "$tmp/hello.c"
strip --strip-debug "$out/x86_64-exec-norelro-symtab"
gcc -Os -g1 -c -o "$out/x86_64-rel-obj" "$tmp/obj.c"
gcc -Os -fPIE -pie $small -s -o "$out/x86_64-pie-needs" "$tmp/needs.c"

# The same with hostile .gnu.version entries (every index 0x7fff, hidden bit
# set; then the table's section moved past the end of the file).
python3 - "$out/x86_64-pie-needs" "$out" <<'PY'
import os, struct, sys
src, out = sys.argv[1], sys.argv[2]
b = bytearray(open(src, "rb").read())
shoff, = struct.unpack_from("<Q", b, 40); shnum, = struct.unpack_from("<H", b, 60)
for i in range(shnum):
    o = shoff + 64 * i
    t, = struct.unpack_from("<I", b, o + 4)
    if t == 0x6FFFFFFF:   # SHT_GNU_versym
        off, size = struct.unpack_from("<QQ", b, o + 24)
        v = bytearray(b)
        for k in range(off + 2, off + size, 2):
            struct.pack_into("<H", v, k, 0xFFFF)
        open(os.path.join(out, "edge-versym-all-ffff"), "wb").write(v)
PY

# i386
if gcc -m32 -Os -o "$tmp/m32" "$tmp/hello.c" 2>/dev/null; then
    gcc -m32 -Os -fPIE -pie $small -s -o "$out/i386-pie" "$tmp/hello.c"
    gcc -m32 -Os -nostdlib -static $small -s -o "$out/i386-static-nostdlib" "$tmp/start.c"
else
    echo "make-corpus: no -m32 toolchain, skipping i386" >&2
fi

# AArch64
if cc_ok aarch64-linux-gnu-gcc; then
    aarch64-linux-gnu-gcc -Os -fPIE -pie $small -s -Wl,-z,now \
        -o "$out/aarch64-pie" "$tmp/hello.c"
    aarch64-linux-gnu-gcc -Os -c -o "$out/aarch64-rel-obj" "$tmp/obj.c"
else
    echo "make-corpus: no aarch64-linux-gnu-gcc, skipping AArch64" >&2
fi

# Real binaries without section headers (as after `sstrip`): the parser must
# find everything through the program headers, DT_STRTAB and DT_HASH/DT_GNU_HASH.
gcc -m32 -Os -fPIE -pie $small -s -Wl,--hash-style=both -o "$tmp/i386-hash" "$tmp/hello.c" 2>/dev/null || true
python3 - "$out" "$tmp" <<'PY'
import os, struct, sys
out, tmp = sys.argv[1], sys.argv[2]
for src, dst in (("%s/x86_64-pie-fortify" % out, "x86_64-pie-nosections"),
                 ("%s/i386-hash" % tmp, "i386-pie-hash-nosections")):
    if not os.path.exists(src):
        continue
    b = bytearray(open(src, "rb").read())
    if b[4] == 2:   # ELF64 LE: e_shoff, e_shnum, e_shstrndx
        struct.pack_into("<Q", b, 40, 0); struct.pack_into("<HHH", b, 58, 0, 0, 0)
    else:           # ELF32 LE
        struct.pack_into("<I", b, 32, 0); struct.pack_into("<HHH", b, 46, 0, 0, 0)
    open(os.path.join(out, dst), "wb").write(b)
PY

# Hand-crafted images and edge cases (big-endian, broken headers, hostile tables).
python3 "$here/craft_elf.py" "$out"

ls -l "$out" | awk 'NR > 1 { n++; s += $5 } END { printf "make-corpus: %d files, %d bytes\n", n, s }'
