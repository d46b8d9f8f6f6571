#!/usr/bin/env python3
"""Bad input, error reporting and the command-line surface.

    python3 tests/cli/test_badinput.py SHIPREADY

Every class of bad input is run through `shipready inspect` and
`shipready inspect --json`.  Two outcomes are allowed, decided per case below:

  ERROR  exit 2; stderr is exactly one line `shipready: PATH: reason`
         (reason starts lowercase, no trailing period); the JSON result is
         {"path", "error"} with the same reason.
  WARN   the file is still largely readable: exit 0, an ELF result with a
         non-empty `warnings` list, and the facts that are still readable
         reported correctly (checked per case).

Always: no signal / crash (exit < 128), finishes within 2 s, JSON matches
the schema.  Also: one run mixing good and bad files, and --help / help
inspect / inspect --help / --version / unknown command / unknown option.
"""
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

# A run still going after this is a hang (a FIFO opened blocking, /dev/zero
# read to the end), not a slow machine: no test depends on how fast one is.
LIMIT = 10.0
ERROR, WARN = "error", "warn"


# ------------------------------------------------------------ ELF helpers

def ehdr64(data):
    """(phoff, shoff, phentsize, phnum, shentsize, shnum) of a 64-bit LE ELF."""
    (_t, _m, _v, _e, phoff, shoff, _f, _eh, phentsize, phnum, shentsize, shnum,
     _ss) = struct.unpack("<HHIQQQIHHHHHH", data[16:64])
    return phoff, shoff, phentsize, phnum, shentsize, shnum


def patch(data, off, fmt, value):
    b = bytearray(data)
    struct.pack_into(fmt, b, off, value)
    return bytes(b)


# e_phoff at 32, e_shoff at 40, e_phnum at 56, e_shnum at 60 (ELF64)
def set_phoff(d, v): return patch(d, 32, "<Q", v)
def set_shoff(d, v): return patch(d, 40, "<Q", v)
def set_phnum(d, v): return patch(d, 56, "<H", v)
def set_shnum(d, v): return patch(d, 60, "<H", v)


DT_NULL, DT_NEEDED, DT_STRTAB, DT_STRSZ, DT_SONAME = 0, 1, 5, 10, 14


def mini_dyn(strtab, dyn, strsz=None, strtab_addr=None, phnum=None):
    """A tiny ELF64 LE x86-64 ET_DYN: PT_LOAD over the whole file (vaddr ==
    offset) + PT_DYNAMIC, no section headers.  dyn is [(tag, value)] where a
    value of ('str', s) is the offset of s in strtab; strtab is placed last."""
    ph_off = 64
    dyn_off = ph_off + 2 * 56
    entries = list(dyn) + [(DT_STRTAB, None), (DT_STRSZ, None), (DT_NULL, 0)]
    str_off = dyn_off + 16 * len(entries)
    size = str_off + len(strtab)
    body = b""
    for tag, val in entries:
        if tag == DT_STRTAB:
            val = str_off if strtab_addr is None else strtab_addr
        elif tag == DT_STRSZ:
            val = len(strtab) if strsz is None else strsz
        elif isinstance(val, tuple):
            val = strtab.index(val[1].encode())
        body += struct.pack("<qQ", tag, val)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    eh = ident + struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0, ph_off, 0, 0, 64, 56,
                             2 if phnum is None else phnum, 64, 0, 0)
    load = struct.pack("<IIQQQQQQ", 1, 4 | 2, 0, 0, 0, size, size, 0x1000)
    dynph = struct.pack("<IIQQQQQQ", 2, 4 | 2, dyn_off, dyn_off, dyn_off,
                        16 * len(entries), 16 * len(entries), 8)
    return eh + load + dynph + body + strtab


# ------------------------------------------------------------ cases

class Case:
    def __init__(self, name, outcome, make, check=None, path=None, note=""):
        self.name, self.outcome, self.make, self.check = name, outcome, make, check
        self.path, self.note = path, note


def build_cases(tmp, base_path):
    base = open(base_path, "rb").read()
    phoff, shoff, phentsize, phnum, shentsize, shnum = ehdr64(base)
    size = len(base)
    base_facts = common.readelf_dyn_ver([base_path])[base_path]
    def needed_is(lst):
        return lambda res: [("dynamic.needed", (res.get("dynamic") or {}).get("needed"), lst)]

    hdr32 = (b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8) +
             struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, 0x8048000, 52, 0, 0, 52, 32, 0, 40, 0, 0))

    good_str = b"\0libgood.so.1\0libother.so.2\0"
    cases = [
        Case("empty", ERROR, lambda: b""),
        Case("text", ERROR, lambda: b"#!/bin/sh\necho this is not an ELF file\n"),
        Case("magic-only", ERROR, lambda: b"\x7fELF"),
    ]
    for n in (1, 4, 16, 52, 63):
        cases.append(Case("ehdr64-cut-%d" % n, ERROR, lambda n=n: base[:n]))
    cases.append(Case("ehdr32-cut-51", ERROR, lambda: hdr32[:51]))
    cases += [
        Case("bad-class", ERROR, lambda: patch(base, 4, "B", 7)),
        Case("bad-data", ERROR, lambda: patch(base, 5, "B", 9)),
        # Program header table cut in the middle: nothing is trustworthy.
        Case("phdr-cut", ERROR, lambda: base[:phoff + phentsize * phnum // 2]),
        # A table or segment the ELF header points past the end of the file
        # means the file is truncated or damaged: exit 2 with the reason (the
        # issue's bad-input contract), so a half-downloaded artifact cannot
        # pass a pipeline with exit 0.
        Case("shdr-cut", ERROR, lambda: base[:shoff + shentsize * (shnum // 2) + 10],
             r"^section header table \(\d+ entries at offset \d+\) past end of file$"),
        Case("shdr-cut-1", ERROR, lambda: base[:size - 1], r"past end of file$"),
        Case("half", ERROR, lambda: base[:size // 2], r"past end of file$"),
        Case("phoff-past-eof", ERROR, lambda: set_phoff(base, size + 0x1000)),
        Case("phoff-huge", ERROR, lambda: set_phoff(base, 0xFFFFFFFFFFFFFFF0)),
        Case("shoff-past-eof", ERROR, lambda: set_shoff(base, size + 0x1000),
             r"^section header table .*past end of file$"),
        Case("shoff-huge", ERROR, lambda: set_shoff(base, 0xFFFFFFFFFFFFFFF0),
             r"^section header table .*past end of file$"),
        Case("phnum-fffe", ERROR, lambda: set_phnum(base, 0xFFFE)),
        Case("shnum-ffff", ERROR, lambda: set_shnum(base, 0xFFFF),
             r"^section header table \(65535 entries at offset \d+\) past end of file$"),
        Case("mini-phnum-ffff", ERROR,
             lambda: mini_dyn(good_str, [(DT_NEEDED, ("str", "libgood.so.1"))], phnum=0xFFFF)),
        # The section header table placed over the program header table.
        Case("overlap-sh-ph", ERROR, lambda: set_shoff(base, phoff), r"past end of file$"),
        # Control: the hand-made dynamic object is fine.
        Case("mini-good", "ok",
             lambda: mini_dyn(good_str, [(DT_NEEDED, ("str", "libgood.so.1")),
                                         (DT_NEEDED, ("str", "libother.so.2")),
                                         (DT_SONAME, ("str", "libgood.so.1"))]),
             lambda res: [("dynamic.needed", (res.get("dynamic") or {}).get("needed"),
                           ["libgood.so.1", "libother.so.2"]),
                          ("dynamic.soname", (res.get("dynamic") or {}).get("soname"),
                           "libgood.so.1")]),
        # DT_NEEDED / DT_SONAME offsets past DT_STRSZ: those entries are dropped.
        Case("dynstr-offset-oob", WARN,
             lambda: mini_dyn(good_str, [(DT_NEEDED, ("str", "libgood.so.1")),
                                         (DT_NEEDED, 0x7FFFFFF0),
                                         (DT_NEEDED, len(good_str) + 3),
                                         (DT_SONAME, 0x100000)]),
             lambda res: [("dynamic.needed", (res.get("dynamic") or {}).get("needed"),
                           ["libgood.so.1"]),
                          ("dynamic.soname", (res.get("dynamic") or {}).get("soname"), None)]),
        # The last string runs to the end of the table (and the file) without a NUL.
        Case("dynstr-unterminated", WARN,
             lambda: mini_dyn(good_str + b"libtail.so",
                              [(DT_NEEDED, ("str", "libgood.so.1")),
                               (DT_NEEDED, ("str", "libtail.so"))]),
             needed_is(["libgood.so.1"])),
        # DT_STRSZ larger than the file: the table is clamped or dropped, never read past EOF.
        Case("dynstr-size-huge", WARN,
             lambda: mini_dyn(good_str + b"libtail.so", [(DT_NEEDED, ("str", "libtail.so"))],
                              strsz=0x7FFFFFFF),
             needed_is([])),
        # DT_STRTAB address mapped by no segment.
        Case("dynstr-unmapped", WARN,
             lambda: mini_dyn(good_str, [(DT_NEEDED, ("str", "libgood.so.1"))],
                              strtab_addr=0x40000000),
             needed_is([])),
        # PT_INTERP without its terminating NUL.
        Case("interp-unterminated", WARN,
             lambda: bytearray_patch_interp(base),
             lambda res: [("interpreter", res.get("interpreter"), None),
                          # PT_INTERP and DT_NEEDED are still there: it is not static-pie
                          ("linkage", res.get("linkage"), "dynamic"),
                          ("dynamic.needed", (res.get("dynamic") or {}).get("needed"),
                           base_facts["needed"])]),
        # Empty PT_INTERP far past EOF (the reader must not be used unchecked).
        Case("interp-empty-past-eof", WARN, lambda: patch_interp_empty_past_eof(base),
             lambda res: [("interpreter", res.get("interpreter"), None),
                          ("dynamic.needed", (res.get("dynamic") or {}).get("needed"),
                           base_facts["needed"])]),
    ]
    return cases


def patch_interp_empty_past_eof(base):
    """PT_INTERP with p_filesz 0 and p_offset far past the end of the file."""
    phoff, _s, phentsize, phnum, _se, _sn = ehdr64(base)
    b = bytearray(base)
    for i in range(phnum):
        o = phoff + i * phentsize
        if struct.unpack_from("<I", b, o)[0] == 3:       # PT_INTERP
            struct.pack_into("<Q", b, o + 8, 0xFFFFFFFFFFFF0000)   # p_offset
            struct.pack_into("<Q", b, o + 32, 0)                    # p_filesz
    return bytes(b)


def bytearray_patch_interp(base):
    phoff, _s, phentsize, phnum, _se, _sn = ehdr64(base)
    b = bytearray(base)
    for i in range(phnum):
        o = phoff + i * phentsize
        if struct.unpack_from("<I", b, o)[0] == 3:       # PT_INTERP
            off, _va, _pa, filesz = struct.unpack_from("<QQQQ", b, o + 8)
            b[off + filesz - 1] = ord("X")
    return bytes(b)


# ------------------------------------------------------------ checking

def err_line_re(path):
    return re.compile(r"^shipready: %s: [a-z].*[^.]$" % re.escape(path))


def run_timed(cmd, limit=LIMIT, **kw):
    t = time.time()
    p = common.run(cmd, timeout=limit + 3, **kw)
    return p, time.time() - t


def check_common(ck, w, p, dt):
    if p.returncode is None:
        ck.fail(w + "timed out (> %.0f s)" % (LIMIT + 3))
        return False
    ck.true(w + "no crash (exit < 128, not a signal)", 0 <= p.returncode < 128, "exit %r" % p.returncode)
    ck.true(w + "finishes in < %.0f s" % LIMIT, dt < LIMIT, "%.2f s" % dt)
    return True


def check_error(ck, w, exe, path, validator, runner=None):
    """ERROR outcome in text and JSON mode."""
    runner = runner or run_timed
    rx = err_line_re(path)
    reasons = []
    for mode in ("text", "json"):
        cmd = [exe, "inspect"] + (["--json"] if mode == "json" else []) + [path]
        p, dt = runner(cmd)
        wm = "%s[%s] " % (w, mode)
        if not check_common(ck, wm, p, dt):
            continue
        ck.eq(wm + "exit status", p.returncode, 2)
        lines = p.stderr.split("\n")
        ok = ck.true(wm + "stderr is exactly one line `shipready: PATH: reason`",
                     len(lines) == 2 and lines[1] == "" and rx.match(lines[0]) is not None,
                     repr(p.stderr))
        if ok:
            reasons.append(lines[0][len("shipready: %s: " % path):])
        if mode == "text":
            ck.eq(wm + "stdout", p.stdout, "")
        else:
            try:
                doc = json.loads(p.stdout)
            except ValueError:
                ck.fail(wm + "stdout is not JSON: %r" % p.stdout[:200])
                continue
            for e in common.schema_errors(validator, doc):
                ck.fail(wm + "schema: " + e)
            res = doc.get("results", [])
            if ck.eq(wm + "one result", len(res), 1):
                ck.eq(wm + "result keys", sorted(res[0]), ["error", "path"])
                ck.eq(wm + "result path", res[0].get("path"), path)
                if ok:
                    ck.eq(wm + "JSON error == stderr reason", res[0].get("error"), reasons[-1])
    if len(reasons) == 2:
        ck.eq(w + "same reason in text and JSON mode", reasons[0], reasons[1])
    return reasons[0] if reasons else None


def check_ok(ck, w, exe, path, validator, want_warnings, check):
    p, dt = run_timed([exe, "inspect", "--json", path])
    if not check_common(ck, w, p, dt):
        return
    ck.eq(w + "exit status", p.returncode, 0)
    for line in p.stderr.splitlines():
        ck.true(w + "stderr lines name the file", line.startswith("shipready: %s: " % path), repr(line))
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        ck.fail(w + "stdout is not JSON: %r" % p.stdout[:200])
        return
    for e in common.schema_errors(validator, doc):
        ck.fail(w + "schema: " + e)
    res = (doc.get("results") or [{}])[0]
    if "error" in res:
        ck.fail(w + "not analysed: %s" % res["error"])
        return
    if want_warnings:
        ck.true(w + "warnings non-empty", len(res.get("warnings", [])) > 0, repr(res.get("warnings")))
        for msg in res.get("warnings", []):
            ck.true(w + "warning is one line without a trailing period",
                    re.match(r"^[^\n]*[^.\n]$", msg) is not None, repr(msg))
    else:
        ck.eq(w + "warnings", res.get("warnings"), [])
    if check:
        for what, got, want in check(res):
            ck.eq(w + what, got, want)
    # The text mode must also succeed.
    p2, dt2 = run_timed([exe, "inspect", path])
    if check_common(ck, w + "[text] ", p2, dt2):
        ck.eq(w + "[text] exit status", p2.returncode, 0)
        ck.true(w + "[text] path printed", path in p2.stdout, repr(p2.stdout[:200]))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test_badinput.py SHIPREADY")
    exe = os.path.abspath(sys.argv[1])
    ck = common.Checker("test_badinput")
    validator = common.schema_validator()
    tmp = tempfile.mkdtemp(prefix="shipready-bad-")
    os.chmod(tmp, 0o755)
    try:
        base_path = os.path.join(tmp, "true")
        shutil.copyfile(os.path.realpath(shutil.which("true") or "/usr/bin/true"), base_path)

        # ---- crafted files
        for c in build_cases(tmp, base_path):
            path = os.path.join(tmp, c.name)
            with open(path, "wb") as f:
                f.write(c.make())
            w = "%s: " % c.name
            if c.outcome == ERROR:
                reason = check_error(ck, w, exe, path, validator)
                if c.check:   # for ERROR cases: a regex the reason must match
                    ck.true(w + "reason matches %r" % c.check,
                            re.search(c.check, reason or "") is not None, repr(reason))
            else:
                check_ok(ck, w, exe, path, validator, c.outcome == WARN, c.check)

        # ---- inputs built to make the work grow faster than the file:
        # thousands of headers naming the same symbol table or notes.  Each
        # table is scanned once, within a budget, so these end at once.
        slow = os.path.join(tmp, "slow")
        os.makedirs(slow)
        craft = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fuzz", "craft_elf.py")
        gen = common.run([sys.executable, craft, "--slow", slow], timeout=120)
        names = sorted(os.listdir(slow))
        ck.true("slow inputs generated", gen.returncode == 0 and len(names) >= 2, gen.stderr[-500:])
        for n in names:
            check_ok(ck, "%s: " % n, exe, os.path.join(slow, n), validator, False, None)

        # ---- not regular files / not there
        d = os.path.join(tmp, "a-directory")
        os.mkdir(d)
        check_error(ck, "directory: ", exe, d, validator)
        fifo = os.path.join(tmp, "a-fifo")
        os.mkfifo(fifo)
        check_error(ck, "fifo: ", exe, fifo, validator)
        check_error(ck, "char device: ", exe, "/dev/null", validator)
        dangling = os.path.join(tmp, "dangling")
        os.symlink(os.path.join(tmp, "no-such-target"), dangling)
        check_error(ck, "dangling symlink: ", exe, dangling, validator)
        missing = os.path.join(tmp, "no-such-file")
        check_error(ck, "nonexistent: ", exe, missing, validator)
        loop = os.path.join(tmp, "loop")
        os.symlink(loop, loop)
        check_error(ck, "symlink loop: ", exe, loop, validator)

        # ---- unreadable (run as nobody; root reads everything)
        if os.geteuid() == 0 and shutil.which("setpriv"):
            exe2 = os.path.join(tmp, "shipready")
            shutil.copyfile(exe, exe2)
            os.chmod(exe2, 0o755)
            secret = os.path.join(tmp, "unreadable")
            shutil.copyfile(base_path, secret)
            os.chmod(secret, 0o644)
            pre = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            p, _dt = run_timed(pre + [exe2, "inspect", secret])
            if ck.eq("unreadable (control: readable as nobody): exit status", p.returncode, 0):
                os.chmod(secret, 0)
                reason = check_error(ck, "unreadable: ", exe2, secret, validator,
                                     runner=lambda cmd: run_timed(pre + cmd))
                if reason is not None:
                    ck.true("unreadable: reason mentions permission",
                            "permission" in reason.lower(), repr(reason))
        else:
            print("SKIP: unreadable file (needs root and setpriv)")

        # ---- mixed run: good files are still reported, exit 2
        bad = [os.path.join(tmp, "empty"), missing, d, os.path.join(tmp, "text")]
        good2 = os.path.join(tmp, "mini-good")
        args = [base_path] + bad[:2] + [good2] + bad[2:]
        p, dt = run_timed([exe, "inspect", "--long"] + args)
        w = "mixed[text]: "
        if check_common(ck, w, p, dt):
            ck.eq(w + "exit status", p.returncode, 2)
            errs = p.stderr.splitlines()
            ck.eq(w + "stderr line count", len(errs), len(bad))
            for path, line in zip(bad, errs):
                ck.true(w + "stderr line for " + path, err_line_re(path).match(line) is not None, repr(line))
            for g in (base_path, good2):
                ck.true(w + "good file reported: " + g,
                        any(l.strip() == g or l.startswith(g) for l in p.stdout.splitlines()),
                        repr(p.stdout[:300]))
            ck.true(w + "linkage reported for the good file",
                    re.search(r"^\s+linkage\s+dynamic", p.stdout, re.M) is not None, repr(p.stdout[:500]))
        # the same run as a matrix: a header and one row per good file, errors on stderr
        p, dt = run_timed([exe, "inspect"] + args)
        w = "mixed[matrix]: "
        if check_common(ck, w, p, dt):
            ck.eq(w + "exit status", p.returncode, 2)
            ck.eq(w + "stderr line count", len(p.stderr.splitlines()), len(bad))
            rows = p.stdout.splitlines()
            ck.eq(w + "rows", [r.split()[0] for r in rows], ["FILE", base_path, good2])
            ck.true(w + "the good executable's row says dynamic",
                    len(rows) > 1 and rows[1].split()[3] == "dynamic", repr(rows))
        p, dt = run_timed([exe, "inspect", "--json"] + args)
        w = "mixed[json]: "
        if check_common(ck, w, p, dt):
            ck.eq(w + "exit status", p.returncode, 2)
            ck.eq(w + "stderr line count", len(p.stderr.splitlines()), len(bad))
            try:
                doc = json.loads(p.stdout)
            except ValueError:
                doc = None
                ck.fail(w + "stdout is not JSON: %r" % p.stdout[:200])
            if doc is not None:
                for e in common.schema_errors(validator, doc):
                    ck.fail(w + "schema: " + e)
                res = doc.get("results", [])
                ck.eq(w + "result paths in order", [r.get("path") for r in res], args)
                ck.eq(w + "which results are errors", ["error" in r for r in res],
                      [a in bad for a in args])
                if len(res) == len(args):
                    ck.eq(w + "good file kind", res[0].get("kind"), "pie-executable")
                    ck.eq(w + "good mini file needed", (res[3].get("dynamic") or {}).get("needed"),
                          ["libgood.so.1", "libother.so.2"])

        # ---- command line
        check_cli(ck, exe)
    finally:
        for root, dirs, files in os.walk(tmp):
            for x in dirs + files:
                try:
                    os.chmod(os.path.join(root, x), 0o700, follow_symlinks=False)
                except (OSError, NotImplementedError):
                    pass
        shutil.rmtree(tmp, ignore_errors=True)
    return ck.report()


def check_cli(ck, exe):
    def r(args):
        p, dt = run_timed([exe] + args)
        w = "cli %s: " % " ".join(args or ["(no args)"])
        check_common(ck, w, p, dt)
        return w, p

    w, p = r(["--help"])
    ck.eq(w + "exit status", p.returncode, 0)
    ck.true(w + "mentions inspect", "inspect" in p.stdout, repr(p.stdout[:300]))
    ck.eq(w + "stderr", p.stderr, "")
    for args in (["help", "inspect"], ["inspect", "--help"]):
        w, p = r(args)
        ck.eq(w + "exit status", p.returncode, 0)
        ck.true(w + "documents --json", "--json" in p.stdout, repr(p.stdout[:300]))
        ck.eq(w + "stderr", p.stderr, "")
    w, p = r(["--version"])
    ck.eq(w + "exit status", p.returncode, 0)
    ck.eq(w + "stdout", p.stdout, "shipready 0.1.0\n")
    for args in (["frobnicate"], ["--bogus"], ["inspect", "--bogus", "/usr/bin/true"],
                 ["inspect"], ["help", "frobnicate"]):
        w, p = r(args)
        ck.eq(w + "exit status", p.returncode, 2)
        ck.eq(w + "stdout", p.stdout, "")
        ck.true(w + "usage hint on stderr",
                re.search(r"usage|--help", p.stderr, re.I) is not None, repr(p.stderr))


if __name__ == "__main__":
    sys.exit(main())
