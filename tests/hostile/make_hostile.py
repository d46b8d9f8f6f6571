#!/usr/bin/env python3
"""Write the hostile corpus (python3 stdlib only).

    python3 tests/hostile/make_hostile.py OUTDIR          # the corpus + OUTDIR/manifest.json
    python3 tests/hostile/make_hostile.py --sparse DIR OUTDIR
                                   # the 4 GiB sparse files into DIR (delete them after!)

Nothing generated is committed: the tests call ensure(OUTDIR), which builds the
corpus once under a lock (parallel tests share it) and rebuilds it when this
script, the compiler or the copied system binaries change.

The manifest is a list of cases; each case says what shipready must answer:

  name      unique id
  path      the PATH argument: relative to OUTDIR, or absolute (/proc, /dev);
            "{corpus}" in args is replaced by OUTDIR
  args      extra arguments before PATH (e.g. ["--root", "{corpus}/root"])
  expect    "error"  exit 2, one line `shipready: PATH: reason`
            "ok"     exit 0, an ELF result, no warnings
            "warn"   exit 0, an ELF result with warnings
            "okw"    exit 0, an ELF result, warnings allowed (not required)
            "any"    exit 0 (schema-valid) or exit 2 (one line); only the
                     resource limits decide (time, memory, no crash)
  reason    regex the error reason must match (optional)
  facts     [[dotted.key, op, value]]; op: eq, len, len_le, prefix_of, nonempty
  same_as   name of a case whose whole result (but "path") must be equal
  cut       [base relative path, length]: the file is the first `length`
            bytes of base, written by materialize() just before the run
            (the large bases would need ~1 GB if all cuts were kept on disk)
  stdin     a corpus-relative file to use as stdin, or "pipe"
  nobody    run as uid/gid 65534 (setpriv)
"""
import fcntl
import hashlib
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from common import elf_hash  # noqa: E402  (the SysV hash of version names)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "cli"))

LAZY_OVER = 256 * 1024       # cuts of bases larger than this are materialized at run time
GIB4 = 4 << 30
LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6"

PT_NULL, PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE = 0, 1, 2, 3, 4
SHT_NULL, SHT_SYMTAB, SHT_STRTAB, SHT_DYNAMIC, SHT_NOBITS, SHT_DYNSYM = 0, 2, 3, 6, 8, 11
DT_NULL, DT_NEEDED, DT_STRTAB, DT_SYMTAB, DT_STRSZ, DT_SONAME, DT_RPATH = 0, 1, 5, 6, 10, 14, 15
DT_RUNPATH, DT_GNU_HASH, DT_HASH = 29, 0x6ffffef5, 4
DT_VERNEED, DT_VERNEEDNUM, DT_VERDEF, DT_VERDEFNUM = 0x6ffffffe, 0x6fffffff, 0x6ffffffc, 0x6ffffffd


# ------------------------------------------------------------------ ELF reading

class Elf:
    """Headers of a little-endian ELF file (both classes)."""

    def __init__(self, data):
        self.data = data
        self.cls = data[4]
        if self.cls == 2:
            (_t, _m, _v, _e, self.phoff, self.shoff, _f, self.ehsize, self.phentsize, self.phnum,
             self.shentsize, self.shnum, self.shstrndx) = struct.unpack_from("<HHIQQQIHHHHHH", data, 16)
        else:
            (_t, _m, _v, _e, self.phoff, self.shoff, _f, self.ehsize, self.phentsize, self.phnum,
             self.shentsize, self.shnum, self.shstrndx) = struct.unpack_from("<HHIIIIIHHHHHH", data, 16)
        self.phdrs = [self.phdr(i) for i in range(self.phnum)]
        self.shdrs = [self.shdr(i) for i in range(self.shnum)] if self.shoff else []
        if self.shdrs and self.shstrndx < len(self.shdrs):
            st = self.shdrs[self.shstrndx]
            for s in self.shdrs:
                end = data.index(b"\0", st["offset"] + s["name"])
                s["sname"] = data[st["offset"] + s["name"]:end].decode()

    def phdr_off(self, i):
        return self.phoff + i * self.phentsize

    def shdr_off(self, i):
        return self.shoff + i * self.shentsize

    def phdr(self, i):
        o = self.phdr_off(i)
        if self.cls == 2:
            t, fl, off, va, pa, fs, ms, al = struct.unpack_from("<IIQQQQQQ", self.data, o)
        else:
            t, off, va, pa, fs, ms, fl, al = struct.unpack_from("<IIIIIIII", self.data, o)
        return dict(type=t, flags=fl, offset=off, vaddr=va, filesz=fs, memsz=ms, align=al, at=o)

    def shdr(self, i):
        o = self.shdr_off(i)
        if self.cls == 2:
            n, t, fl, ad, off, sz, ln, inf, al, es = struct.unpack_from("<IIQQQQIIQQ", self.data, o)
        else:
            n, t, fl, ad, off, sz, ln, inf, al, es = struct.unpack_from("<IIIIIIIIII", self.data, o)
        return dict(name=n, type=t, flags=fl, addr=ad, offset=off, size=sz, link=ln, info=inf,
                    index=i, at=o, sname="")

    def section(self, name):
        for s in self.shdrs:
            if s["sname"] == name:
                return s
        return None

    # field offsets inside a header entry, per class
    def sh_field(self, field):
        return {2: dict(offset=24, size=32, link=40, info=44),
                1: dict(offset=16, size=20, link=24, info=28)}[self.cls][field]

    def ph_field(self, field):
        return {2: dict(offset=8, vaddr=16, filesz=32, memsz=40),
                1: dict(offset=4, vaddr=8, filesz=16, memsz=20)}[self.cls][field]

    def word(self):
        return "<Q" if self.cls == 2 else "<I"

    def boundaries(self):
        """Every header boundary: end of the ELF header, each program and
        section header entry, the start and end of each segment and section,
        and 1 byte before and after each."""
        size = len(self.data)
        pts = {self.ehsize}
        for i in range(self.phnum + 1):
            pts.add(self.phdr_off(i))
        for i in range(len(self.shdrs) + 1):
            pts.add(self.shdr_off(i))
        for p in self.phdrs:
            pts.update((p["offset"], p["offset"] + p["filesz"]))
        for s in self.shdrs:
            if s["type"] != SHT_NOBITS:
                pts.update((s["offset"], s["offset"] + s["size"]))
        out = set()
        for x in pts:
            out.update((x - 1, x, x + 1))
        return sorted(x for x in out if 0 <= x < size)

    def need(self):
        """The shortest prefix shipready must still analyse: the ELF header, the
        header tables, and every segment's and section's bytes (docs/security.md:
        anything the ELF header points past the end of the file is "truncated")."""
        n = self.ehsize
        if self.phnum:
            n = max(n, self.phoff + self.phnum * self.phentsize)
        if self.shdrs:
            n = max(n, self.shoff + len(self.shdrs) * self.shentsize)
        for p in self.phdrs:
            if p["type"] != PT_NULL and p["filesz"] > 0:
                n = max(n, p["offset"] + p["filesz"])
        for s in self.shdrs[1:]:
            if s["type"] not in (SHT_NOBITS, SHT_NULL) and s["size"] > 0:
                n = max(n, s["offset"] + s["size"])
        return n

    def dyn_entries(self):
        """[(file offset of the entry, tag, value)] of PT_DYNAMIC."""
        for p in self.phdrs:
            if p["type"] == PT_DYNAMIC:
                esz = 16 if self.cls == 2 else 8
                fmt = "<qQ" if self.cls == 2 else "<iI"
                out = []
                for o in range(p["offset"], p["offset"] + p["filesz"], esz):
                    tag, val = struct.unpack_from(fmt, self.data, o)
                    out.append((o, tag, val))
                    if tag == DT_NULL:
                        break
                return out
        return []


def put(b, off, fmt, v):
    struct.pack_into(fmt, b, off, v)


def strip_sections(data):
    """Like sstrip: no section header table (e_shoff, e_shnum, e_shstrndx = 0)."""
    e = Elf(data)
    b = bytearray(data)
    if e.cls == 2:
        put(b, 40, "<Q", 0)
        put(b, 60, "<HH", 0, 0) if False else (put(b, 60, "<H", 0), put(b, 62, "<H", 0))
    else:
        put(b, 32, "<I", 0)
        put(b, 48, "<H", 0)
        put(b, 50, "<H", 0)
    return bytes(b)


# ------------------------------------------------------------------ hand-made files

class Strtab:
    def __init__(self):
        self.b = bytearray(b"\0")
        self.idx = {}

    def add(self, s):
        if isinstance(s, str):
            s = s.encode()
        if s not in self.idx:
            self.idx[s] = len(self.b)
            self.b += s + b"\0"
        return self.idx[s]


def mini(dyn, strtab, blobs=(), vaddr=0, load_vaddr=None, extra_ph=(), strtab_addr=None):
    """An ELF64 LE x86-64 ET_DYN without sections: PT_LOAD over the whole file
    (vaddr == offset unless load_vaddr), PT_DYNAMIC, then the dynamic entries,
    the string table and the blobs.  dyn: [(tag, value)]; a value may be
    ("blob", i, addend) = address of blobs[i] (+ addend).  blobs may be
    callables f(base_offset) -> bytes (for self-relative tables).  DT_STRTAB
    and DT_STRSZ are appended unless given."""
    tags = [t for t, _ in dyn]
    entries = list(dyn)
    if DT_STRTAB not in tags:
        entries.append((DT_STRTAB, "strtab"))
    if DT_STRSZ not in tags:
        entries.append((DT_STRSZ, len(strtab.b)))
    entries.append((DT_NULL, 0))
    nph = 2 + len(extra_ph)
    dyn_off = 64 + 56 * nph
    str_off = dyn_off + 16 * len(entries)
    pos = str_off + len(strtab.b)
    pos = (pos + 7) & ~7
    blob_offs, blob_bytes = [], []
    for bl in blobs:
        bb = bl(pos) if callable(bl) else bl
        blob_offs.append(pos)
        blob_bytes.append(bb)
        pos = (pos + len(bb) + 7) & ~7
    size = pos
    lv = 0 if load_vaddr is None else load_vaddr
    out = bytearray(size)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    out[0:64] = ident + struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0, 64, 0, 0, 64, 56, nph, 64, 0, 0)
    out[64:120] = struct.pack("<IIQQQQQQ", PT_LOAD, 6, 0, lv, lv, size, size, 0x1000)
    out[120:176] = struct.pack("<IIQQQQQQ", PT_DYNAMIC, 6, dyn_off, (lv + dyn_off) & (2**64 - 1),
                               (lv + dyn_off) & (2**64 - 1), 16 * len(entries), 16 * len(entries), 8)
    for k, ph in enumerate(extra_ph):
        out[176 + 56 * k:232 + 56 * k] = ph(size) if callable(ph) else ph
    o = dyn_off
    for tag, val in entries:
        if val == "strtab":
            val = (lv + str_off) & (2**64 - 1) if strtab_addr is None else strtab_addr
        elif isinstance(val, tuple) and val[0] == "blob":
            val = (lv + blob_offs[val[1]] + (val[2] if len(val) > 2 else 0)) & (2**64 - 1)
        out[o:o + 16] = struct.pack("<qQ", tag, val)
        o += 16
    out[str_off:str_off + len(strtab.b)] = strtab.b
    for bo, bb in zip(blob_offs, blob_bytes):
        out[bo:bo + len(bb)] = bb
    return bytes(out)


def verneed(entries):
    """entries: [(file_off, cnt, aux, next, [(hash, flags, other, name_off, anext)])] -> bytes,
    each vn followed by its auxes (aux given explicitly)."""
    b = bytearray()
    for file_off, cnt, aux, nxt, auxes in entries:
        b += struct.pack("<HHIII", 1, cnt, file_off, aux, nxt)
        for h, fl, other, name, anext in auxes:
            b += struct.pack("<IHHII", h, fl, other, name, anext)
    return bytes(b)


def verdef(entries):
    """entries: [(flags, ndx, cnt, hash, aux, next, [(name_off, anext)])]."""
    b = bytearray()
    for fl, ndx, cnt, h, aux, nxt, auxes in entries:
        b += struct.pack("<HHHHIII", 1, fl, ndx, cnt, h, aux, nxt)
        for name, anext in auxes:
            b += struct.pack("<II", name, anext)
    return bytes(b)


# ------------------------------------------------------------------ the corpus

class Corpus:
    def __init__(self, out):
        self.out = out
        self.cases = []
        self.names = set()

    def path(self, rel):
        p = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def write(self, rel, data, mode=0o644):
        p = self.path(rel)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)
        return rel

    def case(self, name, path, expect, **kw):
        assert name not in self.names, name
        assert expect in ("error", "ok", "warn", "okw", "any"), expect
        self.names.add(name)
        c = dict(name=name, path=path, expect=expect)
        c.update({k: v for k, v in kw.items() if v is not None})
        self.cases.append(c)

    def file_case(self, name, data, expect, **kw):
        self.case(name, self.write("crafted/" + name, data), expect, **kw)


TRUNC_REASON = r"(truncat|past end of file|empty file|unknown format|not an ELF)"


def add_truncations(C, base_name, rel, data):
    """Cuts at every boundary; the expected outcome follows from Elf.need()."""
    e = Elf(data)
    need = e.need()
    lazy = len(data) > LAZY_OVER
    n_err = n_ok = 0
    for cut in e.boundaries():
        name = "trunc-%s-%d" % (base_name, cut)
        kw = {}
        if lazy:
            path = "lazy/" + name
            kw["cut"] = [rel, cut]
        else:
            path = C.write("trunc/%s/%d" % (base_name, cut), data[:cut])
        if cut < need:
            C.case(name, path, "error", reason=TRUNC_REASON if cut >= 4 else None, **kw)
            n_err += 1
        else:
            # Everything shipready reads is still there: the same answer as the whole file.
            C.case(name, path, "okw", same_as=base_name, **kw)
            n_ok += 1
    return n_err, n_ok


def build_bases(C, work):
    """The real binaries: copies of true and libc, and two built here."""
    src = os.path.join(work, "one.c")
    with open(src, "w") as f:
        f.write("int main(void) { return 0; }\n")
    bases = {}
    shutil.copyfile(os.path.realpath("/usr/bin/true"), C.path("bases/true"))
    bases["true"] = "bases/true"
    for name, flags in (("static", ["-static"]), ("m32", ["-m32"])):
        p = subprocess.run(["gcc"] + flags + ["-O1", "-o", C.path("bases/" + name), src],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, errors="replace")
        if p.returncode != 0:
            sys.exit("make_hostile: gcc %s failed (install gcc, libc6-dev-i386, lib32gcc-12-dev):\n%s"
                     % (" ".join(flags), p.stdout))
        bases[name] = "bases/" + name
    shutil.copyfile(LIBC, C.path("bases/libc.so.6"))
    bases["libc"] = "bases/libc.so.6"
    for n, rel in bases.items():
        os.chmod(C.path(rel), 0o755)
        C.case(n, rel, "ok")
    return bases


def gen_truncations(C, bases):
    for n, rel in bases.items():
        data = open(C.path(rel), "rb").read()
        add_truncations(C, n, rel, data)
        if n != "libc":
            # The same binary without a section header table (sstrip): cuts past
            # the last segment are harmless and must give the same answer.
            sdata = strip_sections(data)
            srel = C.write("bases/%s-nosh" % n, sdata, 0o755)
            C.case(n + "-nosh", srel, "okw")
            e = Elf(sdata)
            # keep the old section boundaries as cut points too
            pts = set(Elf(data).boundaries()) | set(e.boundaries())
            need = e.need()
            for cut in sorted(pts):
                if cut >= len(sdata):
                    continue
                name = "trunc-%s-nosh-%d" % (n, cut)
                if len(sdata) > LAZY_OVER:
                    path, kw = "lazy/" + name, {"cut": [srel, cut]}
                else:
                    path, kw = C.write("trunc/%s-nosh/%d" % (n, cut), sdata[:cut]), {}
                if cut < need:
                    C.case(name, path, "error", reason=TRUNC_REASON if cut >= 4 else None, **kw)
                else:
                    C.case(name, path, "okw", same_as=n + "-nosh", **kw)


def gen_counts(C):
    st = Strtab()
    libc, libm = st.add("libc.so.6"), st.add("libm.so.6")
    g25, g234 = st.add("GLIBC_2.2.5"), st.add("GLIBC_2.34")
    one_vn = lambda nxt=0, aux=16, anext=0, cnt=1: verneed(
        [(libc, cnt, aux, nxt, [(elf_hash("GLIBC_2.34"), 0, 2, g234, anext)])])
    needed = [(DT_NEEDED, libc)]
    vn_facts = [["version_needs.0.file", "eq", "libc.so.6"],
                ["version_needs.0.versions.0.name", "eq", "GLIBC_2.34"]]

    # DT_VERNEEDNUM = 0xffffffff over a one-entry chain (vn_next = 0): the chain ends it.
    C.file_case("verneednum-ffffffff", mini(needed + [(DT_VERNEED, ("blob", 0)), (DT_VERNEEDNUM, 0xFFFFFFFF)],
                                            st, [one_vn()]),
                "ok", facts=vn_facts + [["version_needs", "len", 1]])
    # ... over entries that each step 16 bytes on, into the end of the file.
    C.file_case("verneednum-ffffffff-walk",
                mini(needed + [(DT_VERNEED, ("blob", 0)), (DT_VERNEEDNUM, 0xFFFFFFFF)], st,
                     [verneed([(libc, 0, 0, 16, [])] * 64)]),
                "warn", facts=[["version_needs", "len_le", 4096]])
    # vn_cnt = 0xffff with a real chain of 0xffff aux entries: capped (4096 in all).
    auxes = [(elf_hash("GLIBC_2.2.5"), 0, 2, g25, 16)] * 0xFFFE + [(0, 0, 2, g25, 0)]
    C.file_case("vn-cnt-ffff", mini(needed + [(DT_VERNEED, ("blob", 0)), (DT_VERNEEDNUM, 1)], st,
                                    [verneed([(libc, 0xFFFF, 16, 0, auxes)])]),
                "okw", facts=[["version_needs", "len", 1], ["version_needs.0.versions", "len", 4096]])
    # vn_cnt = 0xffff but one aux entry with vna_next = 0: one version.
    C.file_case("vn-cnt-ffff-one", mini(needed + [(DT_VERNEED, ("blob", 0)), (DT_VERNEEDNUM, 1)], st,
                                        [one_vn(cnt=0xFFFF)]),
                "ok", facts=vn_facts + [["version_needs.0.versions", "len", 1]])
    # DT_VERDEFNUM = 0xffffffff, one definition with vd_next = 0.
    base = st.add("libhostile.so.1")
    vd = verdef([(1, 1, 1, elf_hash("libhostile.so.1"), 20, 0, [(base, 0)])])
    C.file_case("verdefnum-ffffffff", mini([(DT_SONAME, base), (DT_VERDEF, ("blob", 0)),
                                            (DT_VERDEFNUM, 0xFFFFFFFF)], st, [vd]),
                "ok", facts=[["version_defs", "len", 1], ["version_defs.0.name", "eq", "libhostile.so.1"]])
    # ... and a chain of definitions each 28 bytes on that runs into the end of the file.
    C.file_case("verdefnum-ffffffff-walk",
                mini([(DT_VERDEF, ("blob", 0)), (DT_VERDEFNUM, 0xFFFFFFFF)], st,
                     [verdef([(0, 2, 1, 0, 20, 28, [(base, 0)])] * 100)]),
                "warn", facts=[["version_defs", "len", 100]])
    # DT_STRSZ = 0xffffffff: clamped to the file, the names are still read.
    C.file_case("strsz-ffffffff", mini(needed + [(DT_NEEDED, libm), (DT_STRSZ, 0xFFFFFFFF)], st),
                "warn", facts=[["dynamic.needed", "eq", ["libc.so.6", "libm.so.6"]]])


def gen_header_counts(C, bases):
    data = open(C.path(bases["true"]), "rb").read()
    e = Elf(data)
    s0 = e.shdr_off(0)
    # Extended section count (e_shnum = 0, section 0 sh_size): the table would be
    # hundreds of GiB long, far past the end of the file.
    for n in (0xFFFFFFFF, 0xFFFFFFFE):
        b = bytearray(data)
        put(b, 60, "<H", 0)
        put(b, s0 + 32, "<Q", n)
        C.file_case("shnum-ext-%x" % n, bytes(b), "error", reason=r"past end of file|section count|too many section headers")
    # e_shnum = 0 with the real count in section 0 sh_size (legal ELF): the same answer.
    b = bytearray(data)
    put(b, 60, "<H", 0)
    put(b, s0 + 32, "<Q", e.shnum)
    C.file_case("shnum-ext-real", bytes(b), "ok", same_as="true")
    # ELF64 sh_size > 2^32: refused as an invalid count.
    b = bytearray(data)
    put(b, 60, "<H", 0)
    put(b, s0 + 32, "<Q", 0x100000000)
    C.file_case("shnum-ext-2p32", bytes(b), "error")
    # e_phnum = PN_XNUM, the real count in section 0 sh_info = 0xffffffff.
    b = bytearray(data)
    put(b, 56, "<H", 0xFFFF)
    put(b, s0 + 44, "<I", 0xFFFFFFFF)
    C.file_case("phnum-xnum-ffffffff", bytes(b), "error", reason=r"past end of file|too many program headers")
    # PN_XNUM with the right count in sh_info: the file is still fine.
    b = bytearray(data)
    put(b, 56, "<H", 0xFFFF)
    put(b, s0 + 44, "<I", e.phnum)
    C.file_case("phnum-xnum-real", bytes(b), "okw",
                facts=[["elf.program_headers", "eq", e.phnum]])
    # e_shstrndx = SHN_XINDEX with sh_link = 0xffffffff.
    b = bytearray(data)
    put(b, 62, "<H", 0xFFFF)
    put(b, s0 + 40, "<I", 0xFFFFFFFF)
    C.file_case("shstrndx-xindex-huge", bytes(b), "okw")

    # Offsets that wrap 2^64 in segments and sections.
    for i, p in enumerate(e.phdrs):
        if p["type"] in (PT_LOAD, PT_DYNAMIC, PT_NOTE, PT_INTERP) and p["filesz"] > 0:
            b = bytearray(data)
            put(b, p["at"] + 8, "<Q", 2**64 - 0x10)
            C.file_case("ph%d-type%d-offset-wraps" % (i, p["type"]), bytes(b), "error",
                        reason=r"past end of file")
    for s in e.shdrs[1:]:
        if s["type"] in (SHT_NOBITS,) or s["size"] == 0:
            continue
        b = bytearray(data)
        put(b, s["at"] + 24, "<Q", 2**64 - 8)
        C.file_case("sh%d%s-offset-wraps" % (s["index"], s["sname"].replace(".", "-")), bytes(b), "error",
                    reason=r"past end of file")
        b = bytearray(data)
        put(b, s["at"] + 32, "<Q", 2**64 - s["offset"] + 1)    # offset + size wraps to 1
        C.file_case("sh%d%s-size-wraps" % (s["index"], s["sname"].replace(".", "-")), bytes(b), "error",
                    reason=r"past end of file")


def gen_wraps(C):
    st = Strtab()
    libc, g234 = st.add("libc.so.6"), st.add("GLIBC_2.34")
    h = elf_hash("GLIBC_2.34")
    needed = [(DT_NEEDED, libc)]
    vn = [(DT_VERNEED, ("blob", 0)), (DT_VERNEEDNUM, 4)]
    first = [["version_needs.0.file", "eq", "libc.so.6"]]
    # vn_aux huge: the aux entries are past the end of the file.
    C.file_case("vn-aux-huge", mini(needed + vn, st, [verneed([(libc, 1, 0xFFFFFFF0, 0, [])])]),
                "warn", facts=first)
    # vna_next huge after a good entry.
    C.file_case("vna-next-huge", mini(needed + vn, st, [verneed([(libc, 3, 16, 0, [(h, 0, 2, g234, 0xFFFFFFF0)])])]),
                "warn", facts=first + [["version_needs.0.versions.0.name", "eq", "GLIBC_2.34"]])
    # vn_next huge after a good entry.
    C.file_case("vn-next-huge", mini(needed + vn, st, [verneed([(libc, 1, 16, 0xFFFFFFF0, [(h, 0, 2, g234, 0)])])]),
                "warn", facts=first + [["version_needs.0.versions.0.name", "eq", "GLIBC_2.34"]])
    # vn_next = 0xfffffff0: -16 in 32-bit arithmetic, i.e. back onto itself.
    C.file_case("vn-next-minus16", mini(needed + [(DT_VERNEED, ("blob", 0, 16)), (DT_VERNEEDNUM, 0xFFFFFFFF)], st,
                                        [verneed([(libc, 1, 16, 0, [(h, 0, 2, g234, 0)]),
                                                  (libc, 1, 0xFFFFFFF0, 0xFFFFFFE0, [])])]),
                "warn", facts=[["version_needs", "len_le", 4096]])
    # vna_next = 0xfffffff0 (-16): back onto the same aux entry.
    C.file_case("vna-next-minus16", mini(needed + vn, st, [verneed([(libc, 0xFFFF, 16, 0, [(h, 0, 2, g234, 0xFFFFFFF0)])])]),
                "warn", facts=first)
    # vna_next = 0 with vn_cnt > 1, and vn_next/vna_next pointing at the vn entry itself (0 = end).
    C.file_case("vn-aux-zero", mini(needed + vn, st, [verneed([(libc, 5, 0, 0, [])])]),
                "okw", facts=first)
    # vd_next = 0xffffffe4 (-28) and vda_next pointing back.
    base = st.add("libhostile.so.1")
    C.file_case("vd-next-back", mini([(DT_VERDEF, ("blob", 0)), (DT_VERDEFNUM, 0xFFFFFFFF)], st,
                                     [verdef([(1, 1, 60000, 0, 20, 0xFFFFFFE4, [(base, 0xFFFFFFF8)])])]),
                "okw", facts=[["version_defs", "len_le", 4096]])
    # Notes with namesz / descsz = 0xffffffff.
    for nm, (namesz, descsz) in (("namesz", (0xFFFFFFFF, 4)), ("descsz", (4, 0xFFFFFFFF)),
                                 ("both", (0xFFFFFFFF, 0xFFFFFFFF)), ("descsz-fffffffc", (4, 0xFFFFFFFC))):
        note = struct.pack("<III", namesz, descsz, 3) + b"GNU\0" + bytes(20)
        # a good ABI-tag note first, then the bad one
        good = struct.pack("<III", 4, 16, 1) + b"GNU\0" + struct.pack("<IIII", 0, 3, 2, 0)
        blob = good + note

        def make(blob=blob):
            f = bytearray(mini(needed, st, [blob], extra_ph=[b"\0" * 56]))
            off = bytes(f).index(blob)
            struct.pack_into("<IIQQQQQQ", f, 176, PT_NOTE, 4, off, off, off, len(blob), len(blob), 4)
            return bytes(f)
        C.file_case("note-%s-huge" % nm, make(), "warn",
                    facts=[["abi_tag.kernel", "eq", "3.2.0"], ["dynamic.needed", "eq", ["libc.so.6"]]])
    # DT_STRTAB inside a PT_LOAD whose address range wraps 2^64: not a mapped address.
    wrap_va = 2**64 - 0x80      # the string table starts past 0x80: its address wraps
    C.file_case("strtab-vaddr-wraps", mini(needed, st, load_vaddr=wrap_va), "warn",
                facts=[["dynamic.needed", "eq", []]])
    # DT_STRTAB = 2^64 - 1 with a PT_LOAD at vaddr 0.
    C.file_case("strtab-addr-max", mini(needed, st, strtab_addr=2**64 - 1), "warn",
                facts=[["dynamic.needed", "eq", []]])


def gen_selfref(C, bases):
    # .symtab / .dynsym whose sh_link names itself.
    for bn in ("true", "static", "m32"):
        data = open(C.path(bases[bn]), "rb").read()
        e = Elf(data)
        for s in e.shdrs:
            if s["type"] in (SHT_SYMTAB, SHT_DYNSYM):
                b = bytearray(data)
                put(b, s["at"] + e.sh_field("link"), "<I", s["index"])
                C.file_case("%s-%s-links-itself" % (bn, s["sname"].strip(".")), bytes(b), "okw",
                            facts=[["kind", "same", None], ["dynamic.needed", "same", None]], ref=bn)
        # .dynamic as its own string table (sh_link and DT_STRTAB).
        dyn = e.section(".dynamic")
        if dyn:
            b = bytearray(data)
            put(b, dyn["at"] + e.sh_field("link"), "<I", dyn["index"])
            for o, tag, val in e.dyn_entries():
                if tag == DT_STRTAB:
                    put(b, o + (8 if e.cls == 2 else 4), e.word(), dyn["addr"])
            C.file_case("%s-dynamic-is-its-strtab" % bn, bytes(b), "okw")
    # GNU hash chains without a terminator (a file without sections, so that
    # the dynamic symbol count comes from DT_GNU_HASH).
    st = Strtab()
    libc = st.add("libc.so.6")
    syms = bytes(24 * 4)
    for nm, (nb, symoff, bloom, chain_len) in (("noterm", (1, 1, 1, 4096)),
                                               ("nbuckets-huge", (0xFFFFFFFF, 1, 1, 16)),
                                               ("bloom-huge", (1, 1, 0xFFFFFFFF, 16)),
                                               ("symoffset-huge", (1, 0xFFFFFFFF, 1, 16))):
        gh = struct.pack("<IIII", nb, symoff, bloom, 6) + bytes(8) + struct.pack("<I", 3) + \
            struct.pack("<I", 2) * chain_len
        C.file_case("gnuhash-%s" % nm, mini([(DT_NEEDED, libc), (DT_SYMTAB, ("blob", 0)),
                                             (DT_GNU_HASH, ("blob", 1))], st, [syms, gh]),
                    "okw", facts=[["dynamic.needed", "eq", ["libc.so.6"]]])
    # DT_HASH with nchain = 0xffffffff.
    hsh = struct.pack("<II", 1, 0xFFFFFFFF) + bytes(64)
    C.file_case("hash-nchain-ffffffff", mini([(DT_NEEDED, libc), (DT_SYMTAB, ("blob", 0)),
                                              (DT_HASH, ("blob", 1))], st, [syms, hsh]),
                "okw", facts=[["dynamic.needed", "eq", ["libc.so.6"]]])


def gen_paths(C):
    # One DT_RUNPATH of 100 000 `$ORIGIN/..` entries (~1 MB string).
    big = ":".join(["$ORIGIN/.."] * 100000)
    st = Strtab()
    C.file_case("runpath-100k-in-one", mini([(DT_RUNPATH, st.add(big))], st), "okw",
                facts=[["dynamic.runpath", "len_le", 1], ["dynamic.runpath.0", "prefix_of", big]])
    # 100 000 DT_RUNPATH entries (the list is capped).
    st = Strtab()
    o = st.add("$ORIGIN/..")
    C.file_case("runpath-100k-entries", mini([(DT_RUNPATH, o)] * 100000, st), "warn",
                facts=[["dynamic.runpath", "len", 4096]])
    # Thousands of DT_NEEDED: 3000 fit, 6000 are cut at 4096.
    for n, exp in ((3000, "ok"), (6000, "warn")):
        st = Strtab()
        names = ["libn%05d.so" % i for i in range(n)]
        dyn = [(DT_NEEDED, st.add(x)) for x in names]
        C.file_case("needed-%d" % n, mini(dyn, st), exp,
                    facts=[["dynamic.needed", "eq", names[:4096]]])
    # A DT_RPATH made of 100 000 `$ORIGIN/../$ORIGIN` nested pieces.
    st = Strtab()
    deep = "/".join(["$ORIGIN/.."] * 100000)
    C.file_case("rpath-deep", mini([(DT_RPATH, st.add(deep))], st), "okw",
                facts=[["dynamic.rpath", "len_le", 1]])
    # $ORIGIN loops: two libraries whose RUNPATHs point at each other, and one
    # that needs itself.
    for me, other in (("a", "b"), ("b", "a")):
        st = Strtab()
        dyn = [(DT_SONAME, st.add("lib%s.so" % me)), (DT_NEEDED, st.add("lib%s.so" % other)),
               (DT_RUNPATH, st.add("$ORIGIN/../%s:$ORIGIN" % other))]
        rel = C.write("origin/%s/lib%s.so" % (me, me), mini(dyn, st), 0o755)
        C.case("origin-loop-lib%s" % me, rel, "ok",
               facts=[["dynamic.needed", "eq", ["lib%s.so" % other]],
                      ["dynamic.runpath", "eq", ["$ORIGIN/../%s:$ORIGIN" % other]]])
    st = Strtab()
    so = st.add("libself.so")
    rel = C.write("origin/self/libself.so",
                  mini([(DT_SONAME, so), (DT_NEEDED, so), (DT_RUNPATH, st.add("$ORIGIN:$ORIGIN/."))], st), 0o755)
    C.case("origin-needs-itself", rel, "ok", facts=[["dynamic.needed", "eq", ["libself.so"]]])


def marker(tag):
    st = Strtab()
    return mini([(DT_SONAME, st.add("libroot-%s.so" % tag)), (DT_NEEDED, st.add("libmarker-%s.so.1" % tag))], st)


def gen_symlinks(C, bases):
    ln = lambda target, rel: (os.symlink(target, C.path(rel)), rel)[1]
    loops = "symlinks/"
    C.case("symlink-a-b-a", (ln("b", loops + "a"), ln("a", loops + "b"))[0], "error",
           reason=r"^too many levels of symbolic links$")
    C.case("symlink-self", ln("self", loops + "self"), "error", reason=r"^too many levels of symbolic links$")
    C.case("symlink-dangling", ln("no-such-target", loops + "dangling"), "error", reason=r"no such file")
    # A chain of 100: past the kernel's 40, as for any loop.
    prev = "../bases/true"
    for i in range(100):
        prev = ln(prev if i == 0 else "c%03d" % (i - 1), loops + "c%03d" % i)
    C.case("symlink-chain-100", loops + "c099", "error", reason=r"^too many levels of symbolic links$")
    C.case("symlink-chain-30", loops + "c029", "ok", same_as="true")
    C.case("symlink-dir-loop", (ln("dloop2", loops + "dloop1"), ln("dloop1", loops + "dloop2"))[0] + "/x",
           "error", reason=r"^too many levels of symbolic links$")

    # --root: ROOT has its own /usr/bin/true (a marker file); nothing may be read from the host.
    R = "root"
    ra = ["--root", "{corpus}/" + R]
    C.write(R + "/usr/bin/true", marker("true"), 0o755)
    C.write(R + "/usr/lib/x86_64-linux-gnu/libm.so.6", marker("libm"), 0o755)
    mk = lambda tag: [["dynamic.soname", "eq", "libroot-%s.so" % tag],
                      ["dynamic.needed", "eq", ["libmarker-%s.so.1" % tag]]]
    ub = R + "/usr/bin/"
    ln("/usr/bin/true", ub + "app")                                # absolute: ROOT/usr/bin/true
    ln("../../usr/bin/true", ub + "rel")
    ln("../../../../../../../../usr/bin/true", ub + "dotdot")      # .. clamped at ROOT
    ln("/usr/lib/x86_64-linux-gnu/libc.so.6", ub + "hostlibc")     # absent in ROOT
    ln("/usr/bin/env", ub + "hostenv")                              # absent in ROOT
    ln("/usr/bin/loop2", ub + "loop1")
    ln("/usr/bin/loop1", ub + "loop2")
    ln("/usr/bin/self", ub + "self")
    ln("/no/such/file", ub + "dangling")
    for i in range(100):
        ln("/usr/bin/true" if i == 0 else "/usr/bin/chain%03d" % (i - 1), ub + "chain%03d" % i)
    ln("usr/lib", R + "/lib")                                      # merged /usr, relative
    ln("/usr/lib", R + "/lib64")                                   # merged /usr, absolute
    ln("/", R + "/usr/lib/up")                                     # a directory symlink to ROOT itself
    ln("../../../../..", R + "/usr/lib/dotdots")                   # and one that tries to climb out
    ln("/d2", R + "/d1")
    ln("/d1", R + "/d2")
    os.mkfifo(C.path(R + "/usr/bin/fifo"))
    os.makedirs(C.path(R + "/usr/share"), exist_ok=True)
    rc = [
        ("/usr/bin/true", "ok", mk("true"), None),
        ("usr/bin/true", "ok", mk("true"), None),
        ("/usr/bin/app", "ok", mk("true"), None),
        ("/usr/bin/rel", "ok", mk("true"), None),
        ("/usr/bin/dotdot", "ok", mk("true"), None),
        ("../../usr/bin/true", "ok", mk("true"), None),
        ("/../../../../usr/bin/true", "ok", mk("true"), None),
        ("/usr/bin/../../../../usr/bin/true", "ok", mk("true"), None),
        ("/lib/x86_64-linux-gnu/libm.so.6", "ok", mk("libm"), None),
        ("/lib64/x86_64-linux-gnu/libm.so.6", "ok", mk("libm"), None),
        ("/usr/lib/up/usr/lib/up/usr/bin/true", "ok", mk("true"), None),
        ("/usr/lib/dotdots/usr/bin/true", "ok", mk("true"), None),
        ("/usr/bin/chain030", "ok", mk("true"), None),
        ("/usr/bin/hostlibc", "error", None, r"no such file"),
        ("/usr/bin/hostenv", "error", None, r"no such file"),
        ("/usr/bin/env", "error", None, r"no such file"),
        ("/usr/bin/dangling", "error", None, r"no such file"),
        ("/usr/bin/loop1", "error", None, r"^too many levels of symbolic links$"),
        ("/usr/bin/self", "error", None, r"^too many levels of symbolic links$"),
        ("/usr/bin/chain099", "error", None, r"^too many levels of symbolic links$"),
        ("/d1/x", "error", None, r"^too many levels of symbolic links$"),
        ("/usr/bin/fifo", "error", None, r"fifo"),
        ("/usr/share", "error", None, r"directory"),
        ("/usr/bin/true/x", "error", None, None),
    ]
    for i, (p, exp, facts, reason) in enumerate(rc):
        C.case("root-%02d%s" % (i, p.replace("/", "_").replace(".", "d")), p, exp, args=ra, facts=facts,
               reason=reason, root=True)


def gen_specials(C, bases):
    os.mkfifo(C.path("special/fifo"))
    C.case("fifo", "special/fifo", "error", reason=r"fifo")
    d = os.getcwd()
    os.chdir(os.path.join(C.out, "special"))   # AF_UNIX paths are limited to 108 bytes
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind("socket")
        s.close()
    finally:
        os.chdir(d)
    C.case("socket", "special/socket", "error", reason=r"socket")
    os.makedirs(C.path("special/dir/x"), exist_ok=True)
    C.case("directory", "special/dir", "error", reason=r"directory")
    C.case("empty", C.write("special/empty", b""), "error", reason=r"empty")
    # errno reasons that are not special-cased must still be lowercase
    C.case("not-a-directory", bases["true"] + "/x", "error")
    C.case("name-too-long", "special/" + "n" * 300, "error")
    C.case("path-too-long", "special/" + "/".join(["d"] * 3000), "error")
    C.case("nonexistent", "special/no-such-file", "error", reason=r"no such file")
    C.case("unreadable", C.write("special/unreadable", open(C.path(bases["true"]), "rb").read(), 0o000),
           "error", reason=r"permission denied", nobody=True)
    C.case("readable-as-nobody", C.write("special/readable", open(C.path(bases["true"]), "rb").read(), 0o644),
           "ok", nobody=True, same_as="true")
    C.case("proc-self-maps", "/proc/self/maps", "error")
    C.case("proc-self-exe", "/proc/self/exe", "ok", facts=[["elf.machine", "eq", "x86-64"]])
    C.case("proc-self-mem", "/proc/self/mem", "error")
    C.case("proc-self-environ", "/proc/self/environ", "error")
    if os.path.exists("/proc/kcore"):
        C.case("proc-kcore", "/proc/kcore", "any")
    for dev in ("/dev/null", "/dev/zero", "/dev/urandom"):
        C.case("dev-" + dev[5:], dev, "error", reason=r"device")
    C.case("dev-stdin-null", "/dev/stdin", "error", reason=r"device")          # stdin = /dev/null
    C.case("dev-stdin-pipe", "/dev/stdin", "error", stdin="pipe", reason=r"fifo|pipe")
    C.case("dev-stdin-file", "/dev/stdin", "ok", stdin=bases["true"], same_as="true")


def write_sparse(d, true_path, static_path):
    """The 4 GiB sparse files, into d; returns their cases (paths absolute)."""
    os.makedirs(d, exist_ok=True)
    cases = []
    data = open(true_path, "rb").read()
    e = Elf(data)
    shtab = data[e.shoff:e.shoff + e.shnum * e.shentsize]

    def sparse(name, head=b"", tail=None, at=()):
        p = os.path.join(d, name)
        with open(p, "wb") as f:
            f.write(head)
            f.truncate(GIB4)
            for off, bts in at:
                f.seek(off)
                f.write(bts)
            if tail is not None:
                f.seek(GIB4 - len(tail))
                f.write(tail)
        return p

    cases.append(dict(name="sparse-zeros", path=sparse("zeros"), expect="error"))
    b = bytearray(data)
    put(b, 40, "<Q", GIB4)
    cases.append(dict(name="sparse-shoff-4g", path=sparse("shoff-4g", bytes(b)), expect="error",
                      reason=r"past end of file"))
    b = bytearray(data)
    put(b, 40, "<Q", GIB4 - len(shtab))
    cases.append(dict(name="sparse-shoff-end", path=sparse("shoff-end", bytes(b), tail=shtab), expect="ok",
                      same_as="true"))
    b = bytearray(data)
    put(b, 40, "<Q", GIB4 - len(shtab) + 1)
    cases.append(dict(name="sparse-shoff-end-plus1", path=sparse("shoff-end-plus1", bytes(b), tail=shtab),
                      expect="error", reason=r"past end of file"))
    # PN_XNUM: ~76 million program headers (zeros after the real ones) moved into the hole.
    phtab = data[e.phoff:e.phoff + e.phnum * e.phentsize]
    b = bytearray(data)
    put(b, 32, "<Q", 1 << 20)
    put(b, 40, "<Q", GIB4 - len(shtab))
    put(b, 56, "<H", 0xFFFF)
    sh = bytearray(shtab)
    put(sh, 44, "<I", (GIB4 - len(shtab) - (1 << 20)) // 56)
    cases.append(dict(name="sparse-phnum-xnum-huge", expect="any",
                      path=sparse("phnum-huge", bytes(b), tail=bytes(sh), at=[(1 << 20, phtab)])))
    # e_shnum = 0 and section 0 sh_size: ~67 million section headers (zeros after the real ones).
    b = bytearray(data)
    put(b, 40, "<Q", 1 << 20)
    put(b, 60, "<H", 0)
    put(b, 62, "<H", 0xFFFF)                    # SHN_XINDEX: the name table index in sh_link
    sh = bytearray(shtab)
    put(sh, 32, "<Q", (GIB4 - (1 << 20)) // 64)
    put(sh, 40, "<I", e.shstrndx)
    cases.append(dict(name="sparse-shnum-ext-huge", expect="any",
                      path=sparse("shnum-huge", bytes(b), at=[(1 << 20, bytes(sh))])))
    # A static binary whose .symtab covers almost 4 GiB of zeros.
    sdata = open(static_path, "rb").read()
    se = Elf(sdata)
    sshtab = bytearray(sdata[se.shoff:se.shoff + se.shnum * se.shentsize])
    b = bytearray(sdata)
    put(b, 40, "<Q", GIB4 - len(sshtab))
    sym = se.section(".symtab")
    if sym:
        o = sym["index"] * 64
        put(sshtab, o + 32, "<Q", GIB4 - len(sshtab) - sym["offset"])
        cases.append(dict(name="sparse-symtab-huge", expect="any",
                          path=sparse("symtab-huge", bytes(b), tail=bytes(sshtab))))
    # A PT_NOTE over 4 GiB of zeros (empty notes, 12 bytes each).
    b = bytearray(data)
    for p in e.phdrs:
        if p["type"] == PT_NOTE:
            put(b, p["at"] + 8, "<Q", 1 << 20)
            put(b, p["at"] + 32, "<Q", GIB4 - (1 << 20) - (1 << 16))
            break
    cases.append(dict(name="sparse-note-huge", expect="any", path=sparse("note-huge", bytes(b))))
    for c in cases:
        c["sparse"] = True
    return cases


# ------------------------------------------------------------------ building, once

def stamp():
    h = hashlib.sha256()
    with open(os.path.abspath(__file__), "rb") as f:
        h.update(f.read())
    for p in ("/usr/bin/true", LIBC):
        with open(os.path.realpath(p), "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    h.update(subprocess.run(["gcc", "--version"], stdout=subprocess.PIPE).stdout)
    fuzz = os.path.join(os.path.dirname(os.path.dirname(HERE)), "fuzz", "corpus")
    for kind in ("pe", "macho"):   # gen_foreign's seeds
        for name in sorted(os.listdir(os.path.join(fuzz, kind))):
            with open(os.path.join(fuzz, kind, name), "rb") as f:
                h.update(name.encode() + hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def gen_foreign(C):
    """PE and Mach-O: the committed fuzz seeds (fuzz/corpus/pe, fuzz/corpus/macho:
    crafted headers, imports, universal files, and their known-bad edges) whole
    and cut at a spread of lengths.  Every one must end as a report (maybe with
    warnings) or as exactly one error line: "any"."""
    fuzz = os.path.join(os.path.dirname(os.path.dirname(HERE)), "fuzz", "corpus")
    for kind in ("pe", "macho"):
        d = os.path.join(fuzz, kind)
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), "rb") as f:
                data = f.read()
            C.file_case("%s-%s" % (kind, name), data, "any")
            for cut in sorted({2, 4, 8, 28, 64, 100, len(data) // 3, len(data) // 2, len(data) - 1}):
                if 0 < cut < len(data):
                    C.file_case("%s-%s-cut%d" % (kind, name, cut), data[:cut], "any")
    # the classic malformed headers, by name
    C.file_case("pe-mz-only", b"MZ", "error")
    C.file_case("pe-lfanew-past-eof", b"MZ" + b"\0" * 58 + struct.pack("<I", 0x7fffffff), "error")
    C.file_case("macho-magic-only", b"\xcf\xfa\xed\xfe", "error")
    C.file_case("macho-fat-count-huge", struct.pack(">II", 0xcafebabe, 44) + b"\0" * 64, "any")


def generate(out):
    C = Corpus(out)
    work = tempfile.mkdtemp(prefix="hostile-src-")
    try:
        bases = build_bases(C, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    gen_truncations(C, bases)
    gen_counts(C)
    gen_header_counts(C, bases)
    gen_wraps(C)
    gen_selfref(C, bases)
    gen_paths(C)
    gen_symlinks(C, bases)
    gen_specials(C, bases)
    gen_foreign(C)
    man = dict(bases=bases, cases=C.cases)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(man, f, indent=0)
    return man


def rmtree(p):
    if os.path.lexists(p):
        for root, dirs, files in os.walk(p):
            for x in dirs + files:
                try:
                    os.chmod(os.path.join(root, x), 0o700, follow_symlinks=False)
                except (OSError, NotImplementedError):
                    pass
        shutil.rmtree(p)


def ensure(out):
    """Build the corpus into out once (under out.lock); returns the manifest."""
    out = os.path.abspath(out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        st = stamp()
        sp = os.path.join(out, ".stamp")
        if os.path.exists(sp) and open(sp).read() == st:
            with open(os.path.join(out, "manifest.json")) as f:
                return json.load(f)
        tmp = out + ".new"
        rmtree(tmp)
        os.makedirs(tmp)
        os.chmod(tmp, 0o755)
        generate(tmp)
        with open(os.path.join(tmp, ".stamp"), "w") as f:
            f.write(st)
        rmtree(out)
        os.rename(tmp, out)
        with open(os.path.join(out, "manifest.json")) as f:
            return json.load(f)


def materialize(corpus, case, d):
    """The file of a "cut" case, written into d; returns its path."""
    base, n = case["cut"]
    p = os.path.join(d, os.path.basename(case["path"]))
    with open(os.path.join(corpus, base), "rb") as f:
        data = f.read(n)
    with open(p, "wb") as f:
        f.write(data)
    return p


def main(argv):
    if len(argv) == 4 and argv[1] == "--sparse":
        man = ensure(argv[3])
        cases = write_sparse(argv[2], os.path.join(argv[3], man["bases"]["true"]),
                             os.path.join(argv[3], man["bases"]["static"]))
        for c in cases:
            print(c["path"])
        return
    if len(argv) != 2:
        sys.exit(__doc__)
    man = ensure(argv[1])
    print("make_hostile: %d cases in %s" % (len(man["cases"]), os.path.abspath(argv[1])))


if __name__ == "__main__":
    main(sys.argv)
