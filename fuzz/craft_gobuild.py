#!/usr/bin/env python3
"""Write the seed corpus fuzz/corpus/gobuild/ (committed; rerun only to change it).

    python3 fuzz/craft_gobuild.py

Raw images (first byte: bit 0 big endian, bit 1 4-byte pointers; the rest is
one read-write segment at 0x10000, see gobuild_fuzz.c) with build info in the
inline and the pointer layout, a misaligned decoy, a pclntab to be found by
scanning, a runtime.buildVersion string header for the version scan; and two
small ELF files holding the same in one PT_LOAD segment."""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import craft_pclntab  # noqa: E402

OUT = os.path.join(HERE, "corpus", "gobuild")
MAGIC = b"\xff Go buildinf:"
BASE = 0x10000
MOD = (b"path\texample.com/app\nmod\texample.com/app\t(devel)\t\n"
       b"dep\texample.com/lib\tv1.2.3\th1:abc=\n=>\t./lib\t(devel)\t\n"
       b"build\t-ldflags=\"-s -w\"\nbuild\tCGO_ENABLED=1\nbuild\t-buildmode=pie\n")


def uvarint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7f) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def framed(text):
    return b"\x30" * 16 + text + b"\xf9" * 16


def inline(version=b"go1.21.5", mod=MOD, ptr=8):
    return (MAGIC + bytes([ptr, 2]) + b"\0" * 16 + uvarint(len(version)) + version +
            uvarint(len(framed(mod))) + framed(mod))


def pointer(be, ptr, version=b"go1.15.15", mod=MOD):
    e = ">" if be else "<"
    w = "I" if ptr == 4 else "Q"
    b = bytearray(0x400)
    b[0:16] = MAGIC + bytes([ptr, 1 if be else 0])
    struct.pack_into(e + w, b, 16, BASE + 0x100)
    struct.pack_into(e + w, b, 16 + ptr, BASE + 0x100 + 2 * ptr)
    struct.pack_into(e + w + w, b, 0x100, BASE + 0x200, len(version))
    fm = framed(mod)
    struct.pack_into(e + w + w, b, 0x100 + 2 * ptr, BASE + 0x200 + 32, len(fm))
    b[0x200:0x200 + len(version)] = version
    return bytes(b[:0x220]) + fm


def raw(flags, body):
    return bytes([flags]) + body


def elf64(segment):
    """ELF64 LE executable, x86-64, one PT_LOAD RW segment = the file from 0x1000."""
    hdr = bytearray(0x1000)
    hdr[0:16] = b"\x7fELF\x02\x01\x01" + b"\0" * 9
    struct.pack_into("<HHIQQQIHHHHHH", hdr, 16, 2, 62, 1, BASE, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    struct.pack_into("<IIQQQQQQ", hdr, 64, 1, 6, 0x1000, BASE, BASE, len(segment), len(segment), 0x1000)
    return bytes(hdr) + segment


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    write("inline-le64", raw(0, inline()))
    write("inline-be32", raw(3, inline(ptr=4)))
    for be in (False, True):
        for ptr in (4, 8):
            write("pointer-%s%d" % ("be" if be else "le", ptr * 8),
                  raw((1 if be else 0) | (2 if ptr == 4 else 0), pointer(be, ptr)))
    write("misaligned-decoy", raw(0, b"\0" * 8 + MAGIC + b"\0" * 10 + inline()))
    write("bad-modinfo", raw(0, inline(mod=b"path\tx\nmod\ta\tb\tc\td\n")))
    # no build info: a pclntab to scan for and a {ptr, len} header at 0x10 → "go1.19.8"
    tab = craft_pclntab.table("118", False, 8)
    body = bytearray(0x40)
    struct.pack_into("<QQ", body, 0x10, BASE + 0x30, 8)
    body[0x30:0x38] = b"go1.19.8"
    write("nobi-scan-le64", raw(0, bytes(body) + tab))
    tab = craft_pclntab.table("12", True, 4)
    body = bytearray(0x40)
    struct.pack_into(">II", body, 0x10, BASE + 0x30, 9)
    body[0x30:0x39] = b"go1.15.15"
    write("nobi-scan-be32", raw(3, bytes(body) + tab))
    seg = inline() + b"\0" * 16
    seg += b"\0" * (-len(seg) % 16) + craft_pclntab.table("120", False, 8)
    write("elf-inline-pclntab", elf64(seg))
    write("elf-pointer", elf64(pointer(False, 8)))


if __name__ == "__main__":
    main()
