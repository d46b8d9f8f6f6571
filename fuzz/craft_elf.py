#!/usr/bin/env python3
"""Hand-crafted ELF seeds for fuzz/corpus/elf/ (called by make-corpus.sh).

build() lays out a complete, self-consistent image — ELF header, program
headers (PT_PHDR, PT_INTERP, PT_LOAD, PT_DYNAMIC, PT_NOTE, PT_GNU_STACK,
PT_GNU_RELRO), .dynstr/.dynamic/.gnu.version_r/.gnu.version_d, GNU notes,
.comment and a section table — for any class and byte order.  The edge cases
are that image with one field broken, or headers cut short.
Usage: craft_elf.py OUTDIR            the seeds
       craft_elf.py --slow OUTDIR     large slow-to-parse inputs (not seeds)
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "cli"))
from common import elf_hash  # noqa: E402  (the SysV hash of version names)

PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR = 1, 2, 3, 4, 6
PT_GNU_STACK, PT_GNU_RELRO = 0x6474E551, 0x6474E552
SHT_PROGBITS, SHT_STRTAB, SHT_DYNAMIC, SHT_NOTE = 1, 3, 6, 7
SHT_GNU_VERDEF, SHT_GNU_VERNEED = 0x6FFFFFFD, 0x6FFFFFFE
DT = dict(NULL=0, NEEDED=1, STRTAB=5, STRSZ=10, SONAME=14, RPATH=15, FLAGS=30,
          RUNPATH=29, FLAGS_1=0x6FFFFFFB, VERDEF=0x6FFFFFFC, VERDEFNUM=0x6FFFFFFD,
          VERNEED=0x6FFFFFFE, VERNEEDNUM=0x6FFFFFFF, BIND_NOW=24)
BASE = 0x10000


class Strtab:
    def __init__(self):
        self.data = bytearray(b"\0")
        self.index = {}

    def add(self, s):
        if s not in self.index:
            self.index[s] = len(self.data)
            self.data += s.encode() + b"\0"
        return self.index[s]


def build(cls=64, be=False, machine=62, etype=3, flags=0, osabi=0,
          interp="/lib64/ld-linux-x86-64.so.2", needed=("libc.so.6",),
          soname=None, runpath="$ORIGIN/../lib", rpath=None,
          verneed=(("libc.so.6", ("GLIBC_2.2.5", "GLIBC_2.34", "GLIBC_2.4")),),
          verdef=(), dyn_flags=8, dyn_flags_1=0x08000001, extra_dyn=(),
          notes=True, comment=("GCC: (Debian 12.2.0-14) 12.2.0",),
          extra_sections=(), sections=True, phdrs=True, gnu_stack_flags=6,
          dynamic=True, mutate=None):
    e = ">" if be else "<"
    W = "Q" if cls == 64 else "I"
    wsz = 8 if cls == 64 else 4
    ehsize = 64 if cls == 64 else 52
    phentsize = 56 if cls == 64 else 32
    shentsize = 64 if cls == 64 else 40

    dynstr = Strtab()
    shstr = Strtab()
    blobs = []      # (name, sh_type, sh_flags, data, align, link_name, info, entsize)

    if interp is not None:
        blobs.append([".interp", SHT_PROGBITS, 2, interp.encode() + b"\0", 1, None, 0, 0])

    dyn = []
    if dynamic:
        for n in needed:
            dyn.append((DT["NEEDED"], dynstr.add(n)))
        if soname:
            dyn.append((DT["SONAME"], dynstr.add(soname)))
        if rpath:
            dyn.append((DT["RPATH"], dynstr.add(rpath)))
        if runpath:
            dyn.append((DT["RUNPATH"], dynstr.add(runpath)))

    # .gnu.version_r
    vr = bytearray()
    for i, (lib, vers) in enumerate(verneed):
        nxt = 16 + 16 * len(vers) if i + 1 < len(verneed) else 0
        vr += struct.pack(e + "HHIII", 1, len(vers), dynstr.add(lib), 16, nxt)
        for j, v in enumerate(vers):
            vr += struct.pack(e + "IHHII", elf_hash(v), 0, 2 + j + 4 * i, dynstr.add(v),
                              16 if j + 1 < len(vers) else 0)
    # .gnu.version_d: verdef = ((name, flags, (parents...)), ...)
    vd = bytearray()
    for i, (name, vflags, parents) in enumerate(verdef):
        names = (name,) + tuple(parents)
        nxt = 20 + 8 * len(names) if i + 1 < len(verdef) else 0
        vd += struct.pack(e + "HHHHIII", 1, vflags, i + 1, len(names), elf_hash(name), 20, nxt)
        for j, n in enumerate(names):
            vd += struct.pack(e + "II", dynstr.add(n), 8 if j + 1 < len(names) else 0)

    nt = bytearray()
    if notes:
        def note(name, ntype, desc):
            nb = name.encode() + b"\0"
            r = struct.pack(e + "III", len(nb), len(desc), ntype) + nb
            r += b"\0" * (-len(r) % 4) + desc
            return r + b"\0" * (-len(r) % 4)
        nt += note("GNU", 1, struct.pack(e + "IIII", 0, 3, 2, 0))
        nt += note("GNU", 3, bytes(range(0xA0, 0xB4)))

    if dynamic:
        blobs.append([".dynstr", SHT_STRTAB, 2, None, 1, None, 0, 0])   # filled below
    if vr:
        blobs.append([".gnu.version_r", SHT_GNU_VERNEED, 2, bytes(vr), 4, ".dynstr", len(verneed), 0])
    if vd:
        blobs.append([".gnu.version_d", SHT_GNU_VERDEF, 2, bytes(vd), 4, ".dynstr", len(verdef), 0])
    if nt:
        blobs.append([".note.gnu", SHT_NOTE, 2, bytes(nt), 4, None, 0, 0])
    if dynamic:
        blobs.append([".dynamic", SHT_DYNAMIC, 3, None, wsz, ".dynstr", 0, 2 * wsz])
    if comment:
        blobs.append([".comment", SHT_PROGBITS, 0x30, b"".join(c.encode() + b"\0" for c in comment),
                      1, None, 0, 1])
    for x in extra_sections:
        blobs.append(list(x))
    for b in blobs:
        if b[0] == ".dynstr":
            b[3] = bytes(dynstr.data)
    if dynamic:
        ndyn = len(dyn) + 2 + (2 if vr else 0) + (2 if vd else 0) + len(extra_dyn) + \
            (1 if dyn_flags is not None else 0) + (1 if dyn_flags_1 is not None else 0) + 1  # DT_NULL
        for b in blobs:
            if b[0] == ".dynamic":
                b[3] = b"\0" * (ndyn * 2 * wsz)

    # program headers planned
    ph_types = []
    if phdrs:
        ph_types = [PT_PHDR] + ([PT_INTERP] if interp is not None else []) + [PT_LOAD] + \
            ([PT_DYNAMIC] if dynamic else []) + ([PT_NOTE] if nt else []) + \
            [PT_GNU_STACK] + ([PT_GNU_RELRO] if dynamic else [])
    phoff = ehsize if ph_types else 0
    off = ehsize + len(ph_types) * phentsize
    layout = {}
    for b in blobs:
        off += -off % b[4]
        layout[b[0]] = off
        off += len(b[3])
    # now fill .dynamic with addresses
    if dynamic:
        def addr(n):
            return BASE + layout[n]
        d = list(dyn)
        d.append((DT["STRTAB"], addr(".dynstr")))
        d.append((DT["STRSZ"], len(dynstr.data)))
        if vr:
            d += [(DT["VERNEED"], addr(".gnu.version_r")), (DT["VERNEEDNUM"], len(verneed))]
        if vd:
            d += [(DT["VERDEF"], addr(".gnu.version_d")), (DT["VERDEFNUM"], len(verdef))]
        if dyn_flags is not None:
            d.append((DT["FLAGS"], dyn_flags))
        if dyn_flags_1 is not None:
            d.append((DT["FLAGS_1"], dyn_flags_1))
        d += list(extra_dyn)
        d.append((DT["NULL"], 0))
        raw = b"".join(struct.pack(e + W + W, t, v) for t, v in d)
        for b in blobs:
            if b[0] == ".dynamic":
                b[3] = raw

    shnames = [""] + [b[0] for b in blobs] + [".shstrtab"]
    for n in shnames:
        shstr.add(n)
    off += -off % 1
    shstr_off = off
    off += len(shstr.data)
    off += -off % 8
    shoff = off if sections else 0
    shnum = len(shnames) if sections else 0
    total = off + (shnum * shentsize)

    img = bytearray(total)
    for b in blobs:
        img[layout[b[0]]:layout[b[0]] + len(b[3])] = b[3]
    img[shstr_off:shstr_off + len(shstr.data)] = shstr.data

    # ELF header
    ident = b"\x7fELF" + bytes([1 if cls == 32 else 2, 2 if be else 1, 1, osabi, 0]) + b"\0" * 7
    entry = BASE + ehsize if etype in (2, 3) else 0
    hdr = ident + struct.pack(e + "HHI" + W + W + W + "IHHHHHH", etype, machine, 1, entry,
                              phoff, shoff, flags, ehsize, phentsize, len(ph_types),
                              shentsize, shnum, shnum - 1 if sections else 0)
    img[0:ehsize] = hdr

    # program headers
    def seg(n):
        return layout[n], len(next(b[3] for b in blobs if b[0] == n))
    for i, t in enumerate(ph_types):
        pflags = 4
        if t == PT_PHDR:
            o, sz = phoff, len(ph_types) * phentsize
        elif t == PT_INTERP:
            o, sz = seg(".interp")
        elif t == PT_LOAD:
            o, sz, pflags = 0, total, 5
        elif t == PT_DYNAMIC:
            (o, sz), pflags = seg(".dynamic"), 6
        elif t == PT_NOTE:
            o, sz = seg(".note.gnu")
        elif t == PT_GNU_STACK:
            o, sz, pflags = 0, 0, gnu_stack_flags
        else:  # RELRO
            o, sz = seg(".dynamic")
        va = BASE + o if t != PT_GNU_STACK else 0
        align = 0x1000 if t == PT_LOAD else (wsz if t in (PT_DYNAMIC, PT_PHDR) else (4 if t == PT_NOTE else 1))
        if cls == 64:
            p = struct.pack(e + "IIQQQQQQ", t, pflags, o, va, va, sz, sz, align)
        else:
            p = struct.pack(e + "IIIIIIII", t, o, va, va, sz, sz, pflags, align)
        img[phoff + i * phentsize:phoff + (i + 1) * phentsize] = p

    # section headers
    if sections:
        idx = {n: i for i, n in enumerate(shnames)}
        for i, n in enumerate(shnames):
            if i == 0:
                sh = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            elif n == ".shstrtab":
                sh = (shstr.add(n), SHT_STRTAB, 0, 0, shstr_off, len(shstr.data), 0, 0, 1, 0)
            else:
                b = next(b for b in blobs if b[0] == n)
                a = BASE + layout[n] if b[2] & 2 else 0
                sh = (shstr.add(n), b[1], b[2], a, layout[n], len(b[3]),
                      idx[b[5]] if b[5] else 0, b[6], b[4], b[7])
            if cls == 64:
                p = struct.pack(e + "IIQQQQIIQQ", *sh)
            else:
                p = struct.pack(e + "IIIIIIIIII", *sh)
            img[shoff + i * shentsize:shoff + (i + 1) * shentsize] = p

    info = dict(e=e, W=W, cls=cls, ehsize=ehsize, phoff=phoff, shoff=shoff, layout=layout,
                phentsize=phentsize, shentsize=shentsize, shnum=shnum, phnum=len(ph_types))
    if mutate:
        r = mutate(img, info)
        if r is not None:
            img = r
    return bytes(img)


# --- header field patchers -------------------------------------------------
def hfield(info, name):
    """(offset, struct format) of an ELF header field."""
    w = info["W"]
    o64 = dict(e_type=(16, "H"), e_machine=(18, "H"), e_phoff=(32, w), e_shoff=(40, w),
               e_phentsize=(54, "H"), e_phnum=(56, "H"), e_shentsize=(58, "H"),
               e_shnum=(60, "H"), e_shstrndx=(62, "H"))
    o32 = dict(e_type=(16, "H"), e_machine=(18, "H"), e_phoff=(28, w), e_shoff=(32, w),
               e_phentsize=(42, "H"), e_phnum=(44, "H"), e_shentsize=(46, "H"),
               e_shnum=(48, "H"), e_shstrndx=(50, "H"))
    return (o64 if info["cls"] == 64 else o32)[name]


def setf(img, info, name, value):
    o, f = hfield(info, name)
    struct.pack_into(info["e"] + f, img, o, value)


def getf(img, info, name):
    o, f = hfield(info, name)
    return struct.unpack_from(info["e"] + f, img, o)[0]


def patch(**fields):
    def m(img, info):
        for k, v in fields.items():
            setf(img, info, k, v)
    return m


def truncate(n):
    return lambda img, info: img[:n]


def sect0(img, info, field, value):
    """Set sh_size / sh_link / sh_info of section 0 (extended numbering)."""
    o = info["shoff"]
    if info["cls"] == 64:
        offs = dict(size=(32, "Q"), link=(40, "I"), info=(44, "I"))
    else:
        offs = dict(size=(20, "I"), link=(24, "I"), info=(28, "I"))
    fo, f = offs[field]
    struct.pack_into(info["e"] + f, img, o + fo, value)


def xnum(img, info):
    # PN_XNUM / SHN_XINDEX / e_shnum = 0: real values in section 0.
    sect0(img, info, "info", getf(img, info, "e_phnum"))
    sect0(img, info, "size", info["shnum"])
    sect0(img, info, "link", getf(img, info, "e_shstrndx"))
    setf(img, info, "e_phnum", 0xFFFF)
    setf(img, info, "e_shnum", 0)
    setf(img, info, "e_shstrndx", 0xFFFF)


def at_section(name, fn):
    def m(img, info):
        fn(img, info, info["layout"][name])
    return m


def verneed_loop(img, info, o):
    # vn_cnt = 0xffff, vna_next = 0 (stops early), and vn_next that wraps a
    # 32-bit offset back to the entry itself.
    e = info["e"]
    struct.pack_into(e + "H", img, o + 2, 0xFFFF)
    struct.pack_into(e + "I", img, o + 12, 0xFFFFFFF0)   # o + 0xfffffff0 wraps to o - 16 in 32 bits


def verneed_selfaux(img, info, o):
    # vn_aux = 0 → the Vernaux overlaps the Verneed; vna_next = 0 but cnt huge.
    e = info["e"]
    struct.pack_into(e + "H", img, o + 2, 0xFFFF)
    struct.pack_into(e + "I", img, o + 8, 0)


def verdef_bad(img, info, o):
    e = info["e"]
    struct.pack_into(e + "H", img, o + 6, 0xFFFF)        # vd_cnt
    struct.pack_into(e + "I", img, o + 12, 0x7FFFFFFF)   # vd_aux far away
    struct.pack_into(e + "I", img, o + 16, 0xFFFFFFEC)   # vd_next = -20


def note_huge(img, info, o):
    e = info["e"]
    struct.pack_into(e + "II", img, o, 0xFFFFFFFF, 0xFFFFFFF0)


def note_wrap(img, info, o):
    e = info["e"]
    struct.pack_into(e + "II", img, o, 4, 0xFFFFFFFD)    # desc end wraps in 32 bits


def dynstr_unterminated(img, info, o):
    # Turn every NUL of .dynstr into 'A' (strings run into the next section).
    for i in range(o + 1, min(o + 200, len(img))):
        if img[i] == 0:
            img[i] = 0x41


def slow_inputs(out):
    """Large inputs (not seeds: over libFuzzer's max_len) whose parse time
    grows with (number of tables) x (table size).  Time them by hand:
        python3 fuzz/craft_elf.py --slow /tmp/slow
        time ./build/src/shipready inspect /tmp/slow/*"""
    os.makedirs(out, exist_ok=True)
    # 20000 SHT_SYMTAB section headers, all naming the same 40000-entry table.
    n_sym, n_sec = 40000, 20000
    strtab = b"\0__printf_chk\0"
    symoff = 128
    symtab = b"\0" * 24 + struct.pack("<IBBHQQ", 1, 0x12, 0, 0, 0, 0) * (n_sym - 1)
    shoff = symoff + len(symtab)
    shoff += -shoff % 8
    img = bytearray(shoff + 64 * n_sec)
    img[0:64] = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + struct.pack(
        "<HHIQQQIHHHHHH", 1, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64, n_sec, 0)
    img[64:64 + len(strtab)] = strtab
    img[symoff:symoff + len(symtab)] = symtab
    sh = struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    sh += struct.pack("<IIQQQQIIQQ", 0, SHT_STRTAB, 0, 0, 64, len(strtab), 0, 0, 1, 0)
    sh += struct.pack("<IIQQQQIIQQ", 0, 2, 0, 0, symoff, len(symtab), 1, 1, 8, 24) * (n_sec - 2)
    img[shoff:] = sh
    with open(os.path.join(out, "slow-repeated-symtab"), "wb") as f:
        f.write(img)
    # 20000 PT_NOTE program headers, all naming the same 4096 empty notes.
    n_ph = 20000
    notes = struct.pack("<III", 0, 0, 99) * 4096
    hdr = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + struct.pack(
        "<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, n_ph, 64, 0, 0)
    ph = struct.pack("<IIQQQQQQ", PT_NOTE, 4, 64 + 56 * n_ph, 0, 0, len(notes), len(notes), 4) * n_ph
    with open(os.path.join(out, "slow-repeated-notes"), "wb") as f:
        f.write(hdr + ph + notes)
    print("craft_elf: wrote 2 slow inputs to %s" % out)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--slow":
        return slow_inputs(sys.argv[2])
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {}
    # Well-formed images in both classes and byte orders.
    seeds["synth-le64-x86_64-pie"] = build()
    seeds["synth-le64-x86_64-shared-verdef"] = build(
        etype=3, interp=None, soname="libsynth.so.1", runpath=None, rpath="/opt/synth/lib:$ORIGIN",
        verdef=(("libsynth.so.1", 1, ()), ("SYNTH_1.0", 0, ()), ("SYNTH_2.0", 0, ("SYNTH_1.0",))),
        dyn_flags_1=0)
    seeds["synth-be64-ppc64-exec"] = build(be=True, machine=21, etype=2, flags=1,
                                           interp="/lib64/ld64.so.1",
                                           verneed=(("libc.so.6", ("GLIBC_2.3", "GLIBC_2.17")),))
    seeds["synth-be64-s390x-rel"] = build(be=True, machine=22, etype=1, interp=None, dynamic=False,
                                          phdrs=False, verneed=(), notes=False)
    seeds["synth-le32-i386-pie"] = build(cls=32, machine=3, interp="/lib/ld-linux.so.2",
                                         verneed=(("libc.so.6", ("GLIBC_2.0", "GLIBC_2.1.3", "GLIBC_2.34")),
                                                  ("libm.so.6", ("GLIBC_2.29",))),
                                         needed=("libm.so.6", "libc.so.6"))
    seeds["synth-be32-mips-exec"] = build(cls=32, be=True, machine=8, etype=2, flags=0x70001007,
                                          interp="/lib/ld.so.1",
                                          verneed=(("libc.so.6", ("GLIBC_2.0",)),), dyn_flags_1=None)
    seeds["synth-be32-ppc-shared"] = build(cls=32, be=True, machine=20, etype=3, interp=None,
                                           soname="libbe.so.2", verneed=(),
                                           verdef=(("libbe.so.2", 1, ()), ("BE_1", 0, ())))
    seeds["synth-le32-arm-hf"] = build(cls=32, machine=40, flags=0x05000400,
                                       interp="/lib/ld-linux-armhf.so.3",
                                       verneed=(("libc.so.6", ("GLIBC_2.4",)),))
    seeds["synth-le32-arm-sf"] = build(cls=32, machine=40, flags=0x05000200,
                                       interp="/lib/ld-linux.so.3",
                                       verneed=(("libc.so.6", ("GLIBC_2.4",)),))
    seeds["synth-le64-musl"] = build(interp="/lib/ld-musl-x86_64.so.1", needed=("libc.musl-x86_64.so.1",),
                                     verneed=(), comment=("GCC: (Alpine 13.2.1) 13.2.1",))
    seeds["synth-le64-aarch64-bionic"] = build(machine=183, interp="/system/bin/linker64",
                                               needed=("libc.so", "libdl.so"), verneed=(),
                                               dyn_flags=None, osabi=0)
    seeds["synth-le64-core"] = build(etype=4, interp=None, dynamic=False, sections=False,
                                     verneed=(), comment=())
    seeds["synth-le64-execstack"] = build(gnu_stack_flags=7, dyn_flags=None, dyn_flags_1=None,
                                          extra_dyn=((DT["BIND_NOW"], 0),))
    seeds["synth-le64-go"] = build(interp=None, dynamic=False, verneed=(), etype=2,
                                   extra_sections=(
                                       (".go.buildinfo", SHT_PROGBITS, 3,
                                        b"\xff Go buildinf:\x08\x02" + b"\0" * 16 +
                                        b"\x08go1.22.1" + b"\x10path\texample.com/x\n", 16, None, 0, 0),
                                       (".gopclntab", SHT_PROGBITS, 2,
                                        b"\xf1\xff\xff\xff\x00\x00\x01\x08" + b"\0" * 24, 32, None, 0, 0)))
    # Static, no .symtab: the C library's file names in .rodata (lib/elf
    # rtsym.c), glibc (GNU ABI tag) and otherwise; without sections the
    # read-only PT_LOAD is searched; a slash flood and near misses.
    glibc_ro = (b"\0/etc/nsswitch.conf\0.0/etc/group\0/etc/gai.conf\0/usr/share/zoneinfo\0"
                b"/etc/hosts.allow\0SSL_CTX_new_ex\0/etc/ssl/certs/ca-certificates.crt\0")
    musl_ro = b"\0/etc/hosts\0/etc/resolv.conf\0/etc/passwd\0/usr/share/zoneinfo/\0/etc/group\0"
    seeds["synth-le64-static-rodata-glibc"] = build(
        etype=2, interp=None, dynamic=False, verneed=(), comment=(),
        extra_sections=((".rodata", SHT_PROGBITS, 2, glibc_ro, 8, None, 0, 0),))
    seeds["synth-be32-static-rodata-musl"] = build(
        cls=32, be=True, machine=8, etype=2, interp=None, dynamic=False, verneed=(), notes=False,
        comment=(), extra_sections=((".rodata", SHT_PROGBITS, 2, musl_ro, 8, None, 0, 0),))
    seeds["synth-le64-static-nosections-strings"] = build(
        etype=2, interp=None, dynamic=False, verneed=(), notes=False, comment=(), sections=False,
        extra_sections=((".rodata", SHT_PROGBITS, 2, musl_ro, 8, None, 0, 0),))
    seeds["edge-rodata-slashes"] = build(
        etype=2, interp=None, dynamic=False, verneed=(), notes=False, comment=(),
        extra_sections=((".rodata", SHT_PROGBITS, 2,
                         b"/" * 3000 + b"/etc/hosts" + b"/etc/passwdX\0SSL_CTX_new_ex", 8, None, 0, 0),))
    seeds["synth-le32-many-needed"] = build(cls=32, machine=3, interp="/lib/ld-linux.so.2",
                                            needed=tuple("l%d" % (i % 50) for i in range(4200)),
                                            verneed=(), comment=())

    # Truncated / broken headers.
    base64 = build()
    seeds["edge-magic-only"] = base64[:4]
    seeds["edge-ident-only"] = base64[:16]
    seeds["edge-trunc-40-le64"] = base64[:40]
    seeds["edge-trunc-63-le64"] = base64[:63]
    seeds["edge-trunc-51-be32"] = build(cls=32, be=True, machine=8, etype=2)[:51]
    seeds["edge-trunc-be32-header-only"] = build(cls=32, be=True, machine=8, etype=2)[:52]
    seeds["edge-trunc-half"] = base64[:len(base64) // 2]
    seeds["edge-bad-class"] = base64[:4] + b"\x03" + base64[5:]
    seeds["edge-bad-data"] = base64[:5] + b"\x00" + base64[6:]
    seeds["edge-bad-data-3"] = base64[:5] + b"\x03" + base64[6:]
    seeds["edge-not-elf"] = b"#!/bin/sh\necho hello\n"

    # Header fields pointing outside the file or overflowing.
    seeds["edge-shnum-ffff"] = build(mutate=patch(e_shnum=0xFFFF))
    seeds["edge-shnum-ffff-be32"] = build(cls=32, be=True, machine=8, mutate=patch(e_shnum=0xFFFF))
    seeds["edge-phnum-ffff"] = build(mutate=patch(e_phnum=0xFFFF))
    seeds["edge-phoff-past-eof"] = build(mutate=lambda i, f: setf(i, f, "e_phoff", len(i) + 8))
    seeds["edge-phoff-u64max"] = build(mutate=patch(e_phoff=0xFFFFFFFFFFFFFFF0))
    seeds["edge-shoff-u64max"] = build(mutate=patch(e_shoff=0xFFFFFFFFFFFFFFC0))
    seeds["edge-shoff-u32max-be32"] = build(cls=32, be=True, machine=8, mutate=patch(e_shoff=0xFFFFFFF0))
    seeds["edge-phentsize-0"] = build(mutate=patch(e_phentsize=0))
    seeds["edge-phentsize-1"] = build(mutate=patch(e_phentsize=1))
    seeds["edge-shentsize-0"] = build(mutate=patch(e_shentsize=0))
    seeds["edge-shstrndx-oob"] = build(mutate=patch(e_shstrndx=0xFFFE))
    seeds["edge-xnum"] = build(mutate=xnum)
    seeds["edge-xnum-be32"] = build(cls=32, be=True, machine=8, mutate=xnum)
    seeds["edge-phoff-0-overlap"] = build(mutate=patch(e_phoff=0))
    seeds["edge-no-sections-dyn"] = build(mutate=patch(e_shnum=0, e_shoff=0, e_shstrndx=0))

    # Hostile tables.
    seeds["edge-verneed-loop"] = build(mutate=at_section(".gnu.version_r", verneed_loop))
    seeds["edge-verneed-selfaux"] = build(mutate=at_section(".gnu.version_r", verneed_selfaux))
    seeds["edge-verdef-bad"] = build(verdef=(("libx.so", 1, ()), ("X_1", 0, ())),
                                     mutate=at_section(".gnu.version_d", verdef_bad))
    seeds["edge-note-huge"] = build(mutate=at_section(".note.gnu", note_huge))
    seeds["edge-note-wrap-be32"] = build(cls=32, be=True, machine=8,
                                         mutate=at_section(".note.gnu", note_wrap))
    seeds["edge-dynstr-unterminated"] = build(mutate=at_section(".dynstr", dynstr_unterminated))
    seeds["edge-interp-unterminated"] = build(mutate=at_section(
        ".interp", lambda img, info, o: img.__setitem__(slice(o, o + 28), b"X" * 28)))
    seeds["edge-strtab-unmapped"] = build(
        extra_dyn=(), mutate=patch(e_shnum=0, e_shoff=0, e_shstrndx=0),
        needed=("libc.so.6",), runpath=None)
    # DT_STRTAB/DT_STRSZ pointing outside any PT_LOAD, DT_VERNEEDNUM huge
    def dyn_fix(img, info, o):
        e, W = info["e"], info["W"]
        wsz = 8 if W == "Q" else 4
        i = o
        while True:
            t, v = struct.unpack_from(e + W + W, img, i)
            if t == 0:
                break
            if t == DT["STRTAB"]:
                struct.pack_into(e + W + W, img, i, t, 0xDEAD0000)
            elif t == DT["STRSZ"]:
                struct.pack_into(e + W + W, img, i, t, (1 << (8 * wsz)) - 1)
            elif t == DT["VERNEEDNUM"]:
                struct.pack_into(e + W + W, img, i, t, 0xFFFFFFFF)
            i += 2 * wsz
    seeds["edge-dyn-strtab-unmapped"] = build(mutate=at_section(".dynamic", dyn_fix))
    seeds["edge-dyn-strtab-unmapped-be32"] = build(cls=32, be=True, machine=8,
                                                   mutate=at_section(".dynamic", dyn_fix))
    def dyn_no_null(img, info):
        return img[:info["layout"][".dynamic"] + 3 * (16 if info["cls"] == 64 else 8)]
    seeds["edge-dynamic-no-null"] = build(comment=(), mutate=dyn_no_null, sections=False)

    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("craft_elf: wrote %d seeds" % len(seeds))


if __name__ == "__main__":
    main()
