#!/usr/bin/env python3
"""Hand-crafted Mach-O seeds for fuzz/corpus/macho/.

thin() lays out a complete, self-consistent Mach-O image for either word size
and byte order: __PAGEZERO, __TEXT (__text), __DATA (__go_buildinfo holding a
Go 1.18+ build info blob), __LINKEDIT, every dylib command, LC_ID_DYLIB,
LC_LOAD_DYLINKER, LC_RPATH, LC_MAIN, LC_BUILD_VERSION with tools,
LC_VERSION_MIN_*, LC_UUID, LC_CODE_SIGNATURE (a SuperBlob with a
CodeDirectory) and LC_ENCRYPTION_INFO.  fat() joins slices into a universal
file (fat or fat64).  The edge cases are those files with one field broken,
or cut short.  Every seed is a few KiB.
Usage: craft_macho.py OUTDIR
"""
import os
import struct
import sys

LC = dict(SEGMENT=0x1, SEGMENT_64=0x19, LOAD_DYLIB=0xC, ID_DYLIB=0xD, LOAD_DYLINKER=0xE,
          LOAD_WEAK_DYLIB=0x80000018, UUID=0x1B, RPATH=0x8000001C, CODE_SIGNATURE=0x1D,
          REEXPORT_DYLIB=0x8000001F, LAZY_LOAD_DYLIB=0x20, ENCRYPTION_INFO=0x21,
          ENCRYPTION_INFO_64=0x2C, LOAD_UPWARD_DYLIB=0x80000023, VERSION_MIN_MACOSX=0x24,
          VERSION_MIN_IPHONEOS=0x25, MAIN=0x80000028, BUILD_VERSION=0x32)
CPU = dict(x86_64=(0x01000007, 3), i386=(7, 3), arm64=(0x0100000C, 0), arm64e=(0x0100000C, 0x80000002),
           armv7=(12, 9), ppc=(18, 0), ppc64=(0x01000012, 0), arm64_32=(0x0200000C, 1))
DATA, SIG = 0x800, 0xA00


def V(x, y=0, z=0):
    return x << 16 | y << 8 | z


def uvarint(v):
    out = bytearray()
    while v >= 0x80:
        out.append(v & 0x7F | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def thin(be=False, is64=True, cpu="x86_64", filetype=2, flags=0x00200085, extra_cmds=(), mutate=None,
         skip=()):
    e = ">" if be else "<"
    W = "Q" if is64 else "I"
    al = 8 if is64 else 4
    base = 0x100000000 if is64 else 0x1000
    cmds = []

    def cmd(kind, body):
        size = 8 + len(body)
        pad = (-size) % al
        cmds.append((kind, struct.pack(e + "II", LC[kind], size + pad) + body + b"\0" * pad))

    def seg(name, vmaddr, vmsize, fileoff, filesize, prot, sects=()):
        body = name.encode().ljust(16, b"\0")
        body += struct.pack(e + W * 4 + "IIII", vmaddr, vmsize, fileoff, filesize, prot, prot, len(sects), 0)
        for sname, addr, size, off, sflags in sects:
            body += sname.encode().ljust(16, b"\0") + name.encode().ljust(16, b"\0")
            body += struct.pack(e + W * 2 + "IIIIIII", addr, size, off, 4, 0, 0, sflags, 0, 0)
            if is64:
                body += struct.pack(e + "I", 0)
        cmd("SEGMENT_64" if is64 else "SEGMENT", body)

    def dylib(kind, name, cur, compat):
        cmd(kind, struct.pack(e + "IIII", 24, 2, cur, compat) + name.encode() + b"\0")

    def string(kind, s):
        cmd(kind, struct.pack(e + "I", 12) + s.encode() + b"\0")

    seg("__PAGEZERO", 0, base, 0, 0, 0)
    seg("__TEXT", base, DATA, 0, DATA, 5, [("__text", base + DATA - 0x100, 0x100, DATA - 0x100, 0x80000400)])
    seg("__DATA", base + DATA, 0x200, DATA, 0x200, 3, [("__go_buildinfo", base + DATA, 0x100, DATA, 0),
                                                      ("__bss", base + DATA + 0x100, 0x100, 0, 1)])
    seg("__LINKEDIT", base + SIG, 0x100, SIG, 0x40, 1)
    dylib("LOAD_DYLIB", "/usr/lib/libSystem.B.dylib", V(1311, 100, 3), V(1))
    dylib("LOAD_WEAK_DYLIB", "@rpath/libweak.dylib", V(2, 1), V(2))
    dylib("REEXPORT_DYLIB", "@loader_path/libre.dylib", V(3), V(1))
    dylib("LAZY_LOAD_DYLIB", "/usr/lib/liblazy.dylib", V(0, 0, 1), V(0, 0, 1))
    dylib("LOAD_UPWARD_DYLIB", "@executable_path/../up.dylib", V(1, 2, 3), 0)
    dylib("ID_DYLIB", "@rpath/libme.1.dylib", V(1, 2, 3), V(1))
    string("LOAD_DYLINKER", "/usr/lib/dyld")
    string("RPATH", "@executable_path/../Frameworks")
    string("RPATH", "/opt/lib")
    cmd("MAIN", struct.pack(e + "QQ", DATA - 0x100, 0))
    cmd("BUILD_VERSION", struct.pack(e + "IIIIIIII", 1, V(12), V(13, 1), 2, 3, V(820, 1), 1, V(15)))
    cmd("VERSION_MIN_IPHONEOS", struct.pack(e + "II", V(9, 3), 0))
    cmd("UUID", bytes(range(0xA0, 0xB0)))
    cmd("CODE_SIGNATURE", struct.pack(e + "II", SIG, 0x40))
    cmd("ENCRYPTION_INFO_64" if is64 else "ENCRYPTION_INFO",
        struct.pack(e + "III", DATA, 0x200, 0) + (b"\0\0\0\0" if is64 else b""))
    for kind, body in extra_cmds:
        cmd(kind, body)
    cmds = [c for c in cmds if c[0] not in skip]
    blob = b"".join(c[1] for c in cmds)
    ctype, csub = CPU[cpu]
    hdr = struct.pack(e + "IIIIIII", 0xFEEDFACF if is64 else 0xFEEDFACE, ctype, csub, filetype, len(cmds),
                      len(blob), flags)
    if is64:
        hdr += b"\0\0\0\0"
    img = bytearray(SIG + 0x40)
    assert len(hdr) + len(blob) <= DATA - 0x100, "load commands overlap __text"
    img[:len(hdr) + len(blob)] = hdr + blob
    # Go 1.18+ build info
    mod = b"path\texample.com/app\nmod\texample.com/app\t(devel)\t\nbuild\tGOOS=darwin\n"
    bi = b"\xff Go buildinf:" + bytes([al, 2]) + b"\0" * 16
    bi += uvarint(8) + b"go1.21.5" + uvarint(len(mod) + 32) + b"0" * 16 + mod + b"\xf9" * 16
    img[DATA:DATA + len(bi)] = bi
    # code signature: SuperBlob + CodeDirectory, big-endian
    sig = struct.pack(">IIIII", 0xFADE0CC0, 0x40, 1, 0, 20) + struct.pack(">IIII", 0xFADE0C02, 0x2C, 0x20400,
                                                                         0x20002)
    img[SIG:SIG + len(sig)] = sig
    if mutate:
        mutate(img, len(hdr), cmds)
    return bytes(img)


def fat(slices, fat64=False, align=10, offsets=None):
    entsize = 32 if fat64 else 20
    pos = 8 + entsize * len(slices)
    hdr = struct.pack(">II", 0xCAFEBABF if fat64 else 0xCAFEBABE, len(slices))
    places = []
    for i, s in enumerate(slices):
        pos = (pos + (1 << align) - 1) >> align << align
        off = offsets[i] if offsets else pos
        places.append(off)
        magic = s[:4]
        e = ">" if magic in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf") else "<"
        ctype, csub = struct.unpack(e + "II", s[4:12])
        if fat64:
            hdr += struct.pack(">IIQQII", ctype, csub, off, len(s), align, 0)
        else:
            hdr += struct.pack(">IIIII", ctype, csub, off, len(s), align)
        pos = off + len(s)
    out = bytearray(max(p + len(s) for p, s in zip(places, slices)))
    for p, s in sorted(zip(places, slices), key=lambda x: -x[0]):
        out[p:p + len(s)] = s
    out[:len(hdr)] = hdr
    return bytes(out)


def cmd_offset(hdr, cmds, kind, nth=0):
    off = hdr
    for k, body in cmds:
        if k == kind:
            if nth == 0:
                return off
            nth -= 1
        off += len(body)
    raise KeyError(kind)


def put32(img, off, v, be=False):
    img[off:off + 4] = struct.pack(">I" if be else "<I", v)


def seeds():
    s = {}
    for be in (False, True):
        for is64 in (False, True):
            cpu = {(False, True): "x86_64", (False, False): "i386", (True, True): "ppc64", (True, False): "ppc"}
            s["thin-%s%d" % ("be" if be else "le", 64 if is64 else 32)] = thin(be, is64, cpu[(be, is64)])
    s["thin-arm64e-dylib"] = thin(cpu="arm64e", filetype=6, flags=0x100085)
    s["thin-armv7-bundle"] = thin(is64=False, cpu="armv7", filetype=8)
    s["thin-arm64_32-object"] = thin(is64=False, cpu="arm64_32", filetype=1, flags=0x2000)
    s["thin-vermin-macos"] = thin(skip=("BUILD_VERSION", "VERSION_MIN_IPHONEOS"),
                                  extra_cmds=[("VERSION_MIN_MACOSX", struct.pack("<II", V(10, 9), V(10, 15)))])
    a, b = thin(cpu="x86_64"), thin(cpu="arm64")
    s["fat-2"] = fat([a, b])
    s["fat64-2"] = fat([a, b], fat64=True)
    s["fat-mixed-order"] = fat([thin(be=True, is64=False, cpu="ppc"), thin(cpu="arm64")])
    # universal edge cases
    s["edge-fat-overlap"] = fat([a, b], offsets=[0x400, 0x800])
    s["edge-fat-overlap-header"] = fat([a, b], offsets=[8, 0x1000])
    s["edge-fat-past-eof"] = fat([a, b])[:0x1000]
    s["edge-fat-nested"] = fat([fat([a]), b])
    s["edge-fat-count-0"] = struct.pack(">II", 0xCAFEBABE, 0)
    s["edge-fat-count-huge"] = struct.pack(">II", 0xCAFEBABF, 0xFFFFFFFF) + b"\0" * 64
    s["edge-fat-truncated-table"] = fat([a, b])[:30]
    s["edge-fat-align-63"] = bytes(fat([a, b], align=10)[:24] + struct.pack(">I", 63) + fat([a, b], align=10)[28:])

    # thin edge cases
    def mut(fn, **kw):
        return thin(mutate=fn, **kw)

    def ncmds_huge(img, hdr, cmds):
        put32(img, 16, 0xFFFFFFFF)
    s["edge-ncmds-huge"] = mut(ncmds_huge)

    def cmdsize0(img, hdr, cmds):
        put32(img, cmd_offset(hdr, cmds, "RPATH") + 4, 0)
    s["edge-cmdsize-0"] = mut(cmdsize0)

    def cmdsize_odd(img, hdr, cmds):
        put32(img, cmd_offset(hdr, cmds, "LOAD_DYLIB") + 4, 58)
    s["edge-cmdsize-odd"] = mut(cmdsize_odd)

    def cmdsize_huge(img, hdr, cmds):
        put32(img, cmd_offset(hdr, cmds, "MAIN") + 4, 0xFFFFFFF8)
    s["edge-cmdsize-huge"] = mut(cmdsize_huge)

    def sizeofcmds_huge(img, hdr, cmds):
        put32(img, 20, 0xFFFFFFF0)
    s["edge-sizeofcmds-huge"] = mut(sizeofcmds_huge)

    def str_oob(img, hdr, cmds):
        put32(img, cmd_offset(hdr, cmds, "LOAD_DYLIB") + 8, 0x10000)
        put32(img, cmd_offset(hdr, cmds, "RPATH") + 8, 4)
        o = cmd_offset(hdr, cmds, "LOAD_DYLINKER")
        img[o + 12:o + 32] = b"x" * 20
    s["edge-strings-oob"] = mut(str_oob)

    def nsects_huge(img, hdr, cmds):
        put32(img, cmd_offset(hdr, cmds, "SEGMENT_64", 1) + 64, 0xFFFFFFFF)
    s["edge-nsects-huge"] = mut(nsects_huge)

    def seg_past_eof(img, hdr, cmds):
        o = cmd_offset(hdr, cmds, "SEGMENT_64", 2)
        img[o + 40:o + 56] = struct.pack("<QQ", 0x7FFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF)
        img[o + 72 + 48:o + 72 + 52] = struct.pack("<I", 0xFFFFFFF0)
    s["edge-segment-past-eof"] = mut(seg_past_eof)

    def pagezero_file(img, hdr, cmds):
        o = cmd_offset(hdr, cmds, "SEGMENT_64", 0)
        img[o + 48:o + 56] = struct.pack("<Q", 0x100)
    s["edge-pagezero-filesize"] = mut(pagezero_file)

    def short_cmds(img, hdr, cmds):
        for kind in ("UUID", "MAIN", "BUILD_VERSION", "CODE_SIGNATURE"):
            put32(img, cmd_offset(hdr, cmds, kind) + 4, 8)
    s["edge-short-commands"] = mut(short_cmds)

    def tools_huge(img, hdr, cmds):
        put32(img, cmd_offset(hdr, cmds, "BUILD_VERSION") + 20, 0xFFFFFFFF)
    s["edge-ntools-huge"] = mut(tools_huge)

    def sig_bad(img, hdr, cmds):
        o = cmd_offset(hdr, cmds, "CODE_SIGNATURE")
        put32(img, o + 8, 0xFFFFFF00)
    s["edge-codesig-oob"] = mut(sig_bad)

    def sig_cd_oob(img, hdr, cmds):
        img[SIG + 8:SIG + 20] = struct.pack(">III", 0xFFFFFFFF, 0, 0xFFFFFFF0)
    s["edge-codesig-cd-oob"] = mut(sig_cd_oob)

    s["edge-duplicates"] = thin(extra_cmds=[("UUID", bytes(16)), ("MAIN", bytes(16)),
                                            ("ID_DYLIB", struct.pack("<IIII", 24, 0, 0, 0) + b"x\0\0\0\0\0\0\0"),
                                            ("CODE_SIGNATURE", struct.pack("<II", 0, 0))])
    full = thin()
    s["edge-trunc-header"] = full[:20]
    s["edge-trunc-commands"] = full[:200]
    s["edge-magic-only-le64"] = b"\xcf\xfa\xed\xfe"
    s["edge-magic-only-be32"] = b"\xfe\xed\xfa\xce"
    s["edge-java-class"] = b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + b"\0" * 32
    return s


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    for name, data in sorted(seeds().items()):
        assert len(data) <= 16384, name
        with open(os.path.join(argv[1], name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
