#!/usr/bin/env python3
"""Write the seed corpus fuzz/corpus/pclntab/ (committed; rerun only to change it).

    python3 fuzz/craft_pclntab.py [GO_ELF...]

Constructed tables for the four layouts (magics 0xfffffffb, 0xfffffffa,
0xfffffff0, 0xfffffff1) x little/big endian x 4/8-byte pointers, a few
damaged variants, and, for each GO_ELF given, the first 16 KiB of its
.gopclntab (a real header and names; the function table is cut off)."""
import os
import struct
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "pclntab")
MAGIC = {"12": 0xfffffffb, "116": 0xfffffffa, "118": 0xfffffff0, "120": 0xfffffff1}
NAMES = [b"runtime.main", b"net/http.(*Client).Do", b"gopkg.in/yaml%2ev3.Marshal", b"go:buildid",
         b"example.com/g.F[go.shape.*a/b.T]", b"type:.eq.[2]string", b"_cgo_0_Cfunc_x"]


def table(lay, be, ptr, names=NAMES):
    e = ">" if be else "<"
    w = {4: "I", 8: "Q"}[ptr]
    field = 4 if lay in ("118", "120") else ptr
    fw = {4: "I", 8: "Q"}[field]
    nwords = {"12": 1, "116": 7, "118": 8, "120": 8}[lay]
    hdr = 8 + nwords * ptr
    n = len(names)
    blob = b"".join(x + b"\0" for x in names)
    if lay == "12":
        functab = hdr
        funcdata = nametab = 0
        records = (functab + (2 * n + 1) * field + 4 + 7) // 8 * 8
        names_at = records + 16 * n
    else:
        nametab = names_at = hdr
        functab = (hdr + len(blob) + 7) // 8 * 8
        funcdata = functab
        records = (functab + (2 * n + 1) * field + 7) // 8 * 8
    size = max(records + 16 * n, names_at + len(blob))
    b = bytearray(size)
    struct.pack_into(e + "I", b, 0, MAGIC[lay])
    b[6], b[7] = 1, ptr
    struct.pack_into(e + w, b, 8, n)
    if lay != "12":
        words = [n, 1] + ([0] if lay in ("118", "120") else []) + [nametab] * 4 + [functab]
        for k, v in enumerate(words):
            struct.pack_into(e + w, b, 8 + k * ptr, v)
    pos = names_at
    for i, name in enumerate(names):
        rec = records + 16 * i
        struct.pack_into(e + fw, b, functab + 2 * i * field, 0x1000 + 16 * i)
        struct.pack_into(e + fw, b, functab + (2 * i + 1) * field, rec - funcdata)
        struct.pack_into(e + ("I" if field == 4 else w), b, rec, 0x1000 + 16 * i)
        struct.pack_into(e + "I", b, rec + (4 if field == 4 else ptr), pos - nametab)
        b[pos:pos + len(name) + 1] = name + b"\0"
        pos += len(name) + 1
    struct.pack_into(e + fw, b, functab + 2 * n * field, 0x1000 + 16 * n)
    return bytes(b)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    for lay in MAGIC:
        for be in (False, True):
            for ptr in (4, 8):
                t = table(lay, be, ptr)
                tag = "%s-%s%d" % (lay, "be" if be else "le", ptr * 8)
                write("layout-" + tag, t)
                if ptr == 8 and not be:
                    write("trunc-" + tag, t[:len(t) // 2])
                    write("junk-then-" + tag, b"\xfb\xff\xff\xff" * 3 + b"\0" * 4 + t)
    e = table("120", False, 8)
    bad = bytearray(e)
    struct.pack_into("<Q", bad, 8, 0xffffffffffffffff)
    write("edge-nfunc-huge", bytes(bad))
    bad = bytearray(e)
    struct.pack_into("<Q", bad, 8 + 3 * 8, 0x7fffffff)
    write("edge-names-outside", bytes(bad))
    write("edge-header-only", e[:8])
    write("edge-long-name", table("118", True, 8, [b"a/b." + b"x" * 5000, b"c.d"]))
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            data = f.read()
        # the .gopclntab section by name (ELF64 or ELF32, either order)
        be = data[5] == 2
        e = ">" if be else "<"
        if data[4] == 2:
            shoff, = struct.unpack_from(e + "Q", data, 0x28)
            shentsize, shnum, shstrndx = struct.unpack_from(e + "HHH", data, 0x3a)
            def sect(i):
                nm, _, _, _, off, size = struct.unpack_from(e + "IIQQQQ", data, shoff + i * shentsize)
                return nm, off, size
        else:
            shoff, = struct.unpack_from(e + "I", data, 0x20)
            shentsize, shnum, shstrndx = struct.unpack_from(e + "HHH", data, 0x2e)
            def sect(i):
                nm, _, _, _, off, size = struct.unpack_from(e + "IIIIII", data, shoff + i * shentsize)
                return nm, off, size
        _, stroff, _ = sect(shstrndx)
        for i in range(shnum):
            nm, off, size = sect(i)
            name = data[stroff + nm:data.index(b"\0", stroff + nm)]
            if name == b".gopclntab":
                write("real-%s-head16k" % os.path.basename(path), data[off:off + min(size, 16384)])


if __name__ == "__main__":
    main()
