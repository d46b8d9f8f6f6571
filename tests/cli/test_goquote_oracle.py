#!/usr/bin/env python3
"""Compare lib/go's quoting and module-info code with Go 1.19 itself.

    python3 tests/cli/test_goquote_oracle.py DRIVER WORKDIR [SEED]

DRIVER is tests/unit/gomodinfo-driver (shipready's side).  Go's side,
tests/fixtures/src/go/quoteoracle, is built with `go build` into WORKDIR
(GOCACHE, GOPATH and HOME under WORKDIR too; no network).  Both programs get
the same requests (protocol: quoteoracle/main.go) and must answer alike:

  - strconv.IsPrint over every rune: the only difference allowed is runes
    Go 1.19 (Unicode 13.0) does not know and Python's unicodedata (which
    made lib/go/goprint_table.h) does; those are listed, and generated
    cases that would print one are left out (and counted);
  - strconv.Quote of the runes at every printable-range boundary;
  - strconv.Quote / Unquote / QuotedPrefix of generated strings: random
    bytes (invalid UTF-8 too) and literals built from escape fragments;
  - debug.ParseBuildInfo + String() on generated module texts (every line
    kind, broken columns, quoted and unquoted keys/values, every byte after a
    quoted key, NUL and non-ASCII, a last line without newline): the error
    text or the String() output, byte for byte;
  - the module text of every Go binary `go version /usr` finds (read by Go's
    debug/buildinfo), parsed by both; shipready's String() is also checked
    against the lines `go version -m` prints for the file.

Without go on PATH the test is skipped (exit 77).  The seed is fixed
(default 1), so a failure reproduces; the first differences are printed.
"""
import os
import random
import shutil
import subprocess
import sys
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ORACLE_SRC = os.path.join(REPO, "tests", "fixtures", "src", "go", "quoteoracle")
SHOW = 20


# ---------------------------------------------------------------- programs

def build_oracle(workdir):
    os.makedirs(workdir, exist_ok=True)
    exe = os.path.join(workdir, "quoteoracle")
    env = dict(os.environ)
    env.update(GOCACHE=os.path.join(workdir, "gocache"), GOPATH=os.path.join(workdir, "gopath"),
               HOME=workdir, GOFLAGS="", GOPROXY="off", GO111MODULE="on", CGO_ENABLED="0",
               GOTOOLCHAIN="local")
    p = subprocess.run(["go", "build", "-buildvcs=false", "-trimpath", "-o", exe, "."],
                       cwd=ORACLE_SRC, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=600)
    if p.returncode != 0:
        print("FAIL: go build of %s:\n%s" % (ORACLE_SRC, p.stdout.decode(errors="replace")))
        sys.exit(1)
    return exe


def ask(exe, requests):
    """Send (op, bytes) requests; returns the answer lines."""
    data = "".join("%s %s\n" % (op, arg.hex()) for op, arg in requests).encode()
    p = subprocess.run([exe], input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600)
    if p.returncode != 0:
        print("FAIL: %s exited %d: %s" % (exe, p.returncode, p.stderr.decode(errors="replace")[:2000]))
        sys.exit(1)
    lines = p.stdout.decode().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(requests):
        print("FAIL: %s gave %d answers to %d requests" % (exe, len(lines), len(requests)))
        sys.exit(1)
    return lines


def decode_answer(line):
    word, _, arg = line.partition(" ")
    return word, bytes.fromhex(arg)


def parse_ranges(text):
    out = []
    for item in text.split(","):
        if item:
            lo, hi = item.split("-")
            out.append((int(lo, 16), int(hi, 16)))
    return out


def runes_of(ranges):
    s = set()
    for lo, hi in ranges:
        s.update(range(lo, hi + 1))
    return s


# ---------------------------------------------------------------- generators

# Byte fragments of interest to the UTF-8 decoder.
UTF8_BITS = [b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\xef\xbf\xbd", b"\xc2\xa0", b"\xc2\xad",
             b"\xc2\x80", b"\xe2\x80\x8b", b"\xef\xbb\xbf", b"\xf4\x8f\xbf\xbf", b"\xf3\xa0\x80\x81",
             b"\xed\xa0\x80", b"\xed\x9f\xbf", b"\xc0\x80", b"\xc1\xbf", b"\xe0\x80\x80", b"\xe0\x9f\xbf",
             b"\xf0\x8f\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xff", b"\xfe", b"\x80",
             b"\xbf", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xee\x80\x80", b"\xd7\x90", b"\xe0\xb8\x81"]
SPECIAL = [b'"', b"`", b"'", b"\\", b"\n", b"\r", b"\t", b" ", b"=", b"\x00", b"\x7f", b"\x01", b"\x1b",
           b"\x07", b"\x08", b"\x0b", b"\x0c"]
ESC_LETTERS = "abfnrtv\\'\"xuU01234567z8`?N\n"


class Gen:
    def __init__(self, seed, avoid):
        self.r = random.Random(seed)
        self.avoid = avoid   # runes Go 1.19 does not know

    def rune(self):
        r = self.r
        while True:
            k = r.random()
            if k < 0.3:
                cp = r.randrange(0x20, 0x7f)
            elif k < 0.45:
                cp = r.randrange(0, 0x100)
            elif k < 0.8:
                cp = r.randrange(0x100, 0x10000)
            else:
                cp = r.randrange(0x10000, 0x110000)
            if 0xD800 <= cp <= 0xDFFF or cp in self.avoid:
                continue
            return cp

    def escape(self):
        r = self.r
        c = r.choice(ESC_LETTERS)
        if c == "x":
            return ("\\x" + "".join(r.choice("0123456789abcdefABCDEFg") for _ in range(r.choice([0, 1, 2, 2, 2, 3])))).encode()
        if c in "uU":
            n = 4 if c == "u" else 8
            k = r.random()
            if k < 0.2:
                v = r.randrange(0xD800, 0xE000)
            elif k < 0.3:
                v = r.choice([0x110000, 0x10FFFF, 0xFFFFFFFF, 0x7FFFFFFF, 0xD7FF, 0xE000, 0])
            else:
                v = self.rune()
            digits = ("%0*x" % (n, v))[-n:]
            if r.random() < 0.5:
                digits = digits.upper()
            if r.random() < 0.1:
                digits = digits[:r.randrange(n)]
            return ("\\" + c + digits).encode()
        if c in "01234567":
            return ("\\" + c + "".join(r.choice("012345678") for _ in range(r.choice([0, 1, 2, 2, 2])))).encode()
        return b"\\" + c.encode()

    def piece(self):
        r = self.r
        k = r.random()
        if k < 0.35:
            return chr(r.randrange(0x20, 0x7f)).encode()
        if k < 0.5:
            return r.choice(SPECIAL)
        if k < 0.65:
            return r.choice(UTF8_BITS)
        if k < 0.8:
            return chr(self.rune()).encode()
        if k < 0.95:
            return self.escape()
        return bytes([r.randrange(256)])

    def body(self, maxn=8):
        return b"".join(self.piece() for _ in range(self.r.randrange(maxn + 1)))

    def string(self):
        """A string for Quote/Unquote/QuotedPrefix."""
        r = self.r
        k = r.random()
        if k < 0.25:
            return bytes(r.randrange(256) for _ in range(r.randrange(12)))
        if k < 0.4:
            return self.body()
        q = r.choice([b'"', b'"', b"`", b"'"])
        s = q + self.body(6 if q != b"'" else 2)
        if r.random() < 0.85:
            s += q
        if r.random() < 0.3:
            s += self.body(3)
        return s

    # module text
    def word(self):
        r = self.r
        k = r.random()
        if k < 0.5:
            return r.choice([b"example.com/m", b"golang.org/x/sys", b"v1.2.3", b"(devel)", b"v0.0.0-20220101000000-abcdef012345",
                             b"h1:abcdefABCDEF0123456789+/=", b"../local", b"", b"std", b"github.com/a/b/v2"])
        return b"".join(self.piece() for _ in range(r.randrange(5))).replace(b"\n", b"")

    def columns(self, lo, hi):
        return b"\t".join(self.word() for _ in range(self.r.randint(lo, hi)))

    def key(self):
        r = self.r
        k = r.random()
        if k < 0.4:
            return r.choice([b"-compiler", b"CGO_ENABLED", b"GOARCH", b"vcs.revision", b"-ldflags", b"-tags", b"DefaultGODEBUG"])
        if k < 0.55:
            return self.word().replace(b"\n", b"")
        if k < 0.9:
            q = r.choice([b'"', b"`"])
            s = q + self.body(5).replace(b"\n", b"") + (q if r.random() < 0.9 else b"")
            if r.random() < 0.15:
                s += self.piece().replace(b"\n", b"")
            return s
        return b""

    def value(self):
        r = self.r
        k = r.random()
        if k < 0.35:
            return r.choice([b"gc", b"1", b"amd64", b"", b"-X main.v=1 -s", b"netgo,osusergo", b"true",
                             b"2022-01-01T00:00:00Z", b"a=b=c"])
        if k < 0.55:
            return self.word()
        q = r.choice([b'"', b"`"])
        s = q + self.body(5).replace(b"\n", b"") + (q if r.random() < 0.9 else b"")
        if r.random() < 0.1:
            s += self.piece().replace(b"\n", b"")
        return s

    def line(self):
        r = self.r
        k = r.random()
        if k < 0.08:
            return b"path\t" + self.word()
        if k < 0.2:
            return b"mod\t" + self.columns(1, 4) if r.random() < 0.3 else b"mod\t" + self.columns(2, 3)
        if k < 0.4:
            return b"dep\t" + self.columns(1, 4) if r.random() < 0.2 else b"dep\t" + self.columns(2, 3)
        if k < 0.52:
            return b"=>\t" + self.columns(2, 4) if r.random() < 0.3 else b"=>\t" + self.columns(3, 3)
        if k < 0.9:
            if r.random() < 0.05:
                return r.choice([b"build\t", b"build\t=x", b"build\tkey", b"build\t\"k\""])
            return b"build\t" + self.key() + b"=" + self.value()
        return r.choice([b"", b"go\t1.19", b"# x", b"pathx", b"path", b"build", b"mod", b"dep\t", b"=>", b"\x00"])

    # mostly valid module text
    def good_word(self):
        return bytes(b for b in self.word() if b not in b"\t\n")

    def good_literal(self):
        r = self.r
        if r.random() < 0.3:
            return b"`" + bytes(b for b in self.body(5) if b not in b"`") + b"`"
        parts = []
        for _ in range(r.randrange(6)):
            k = r.random()
            if k < 0.3:
                parts.append(r.choice([b"\\n", b"\\t", b"\\\\", b'\\"', b"\\x41", b"\\xff", b"\\u00e9",
                                       b"\\U0001f600", b"\\101", b"\\000", b"\\a", b"\\r"]))
            else:
                parts.append(bytes(b for b in self.piece() if b not in b'"\\\n'))
        return b'"' + b"".join(parts) + b'"'

    def good_line(self, prev_module):
        r = self.r
        k = r.random()
        if k < 0.08:
            return b"path\t" + self.good_word(), False
        if k < 0.15:
            return b"mod\t" + b"\t".join(self.good_word() for _ in range(r.randint(2, 3))), True
        if k < 0.45:
            return b"dep\t" + b"\t".join(self.good_word() for _ in range(r.randint(2, 3))), True
        if k < 0.6 and prev_module:
            return b"=>\t" + b"\t".join(self.good_word() for _ in range(3)), False
        if k < 0.97:
            if r.random() < 0.5:
                key = bytes(b for b in self.key() if b not in b'= \t\r\n"`') or b"k"
            else:
                key = self.good_literal()
            if r.random() < 0.5:
                value = bytes(b for b in self.value() if b not in b' \t\r\n"`')
            else:
                value = self.good_literal()
            return b"build\t" + key + b"=" + value, False
        return r.choice([b"", b"go\t1.19", b"# x"]), False

    def modinfo(self):
        r = self.r
        if r.random() < 0.5:
            lines, prev = [], False
            for _ in range(r.randrange(1, 14)):
                line, prev = self.good_line(prev)
                lines.append(line)
            if r.random() < 0.2:
                lines.insert(r.randrange(len(lines) + 1), self.line())
            return b"\n".join(lines) + b"\n"
        lines = [self.line() for _ in range(r.randrange(1, 12))]
        text = b"\n".join(lines)
        if r.random() < 0.9:
            text += b"\n"
        return text


# ---------------------------------------------------------------- main

def main():
    if len(sys.argv) < 3:
        sys.exit("usage: test_goquote_oracle.py DRIVER WORKDIR [SEED]")
    driver = os.path.abspath(sys.argv[1])
    workdir = os.path.abspath(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    if not shutil.which("go"):
        print("SKIP: no go on PATH")
        return 77
    t0 = time.time()
    oracle = build_oracle(workdir)
    failures = []

    # 1. IsPrint over every rune.
    go_print = runes_of(parse_ranges(decode_answer(ask(oracle, [("i", b"")])[0])[1].decode()))
    our_print = runes_of(parse_ranges(decode_answer(ask(driver, [("i", b"")])[0])[1].decode()))
    newer = sorted(our_print - go_print)
    lost = sorted(go_print - our_print)
    for cp in lost:
        failures.append("IsPrint(U+%04X): Go says printable, shipready not" % cp)
    print("isprint: 0x110000 runes compared; %d printable in Go 1.19 (Unicode 13.0), %d more in "
          "goprint_table.h (Unicode %s, Python's)" % (len(go_print), len(newer), unicodedata.unidata_version))
    avoid = set(newer)

    # 2. Requests.
    requests = []
    boundaries = set()
    for lo, hi in parse_ranges(decode_answer(ask(oracle, [("i", b"")])[0])[1].decode()):
        boundaries.update([lo - 1, lo, hi, hi + 1])
    for cp in sorted(boundaries):
        if 0 <= cp < 0x110000 and not 0xD800 <= cp <= 0xDFFF and cp not in avoid:
            requests.append(("q", chr(cp).encode()))
    for b in range(256):
        requests.append(("q", bytes([b])))
    gen = Gen(seed, avoid)
    for _ in range(6000):
        s = gen.string()
        for op in "qup":
            requests.append((op, s))
    for b in range(256):   # every byte after a quoted key
        requests.append(("m", b'build\t"k"' + bytes([b]) + b"v\n"))
        requests.append(("m", b"build\t`k`" + bytes([b]) + b"=v\n"))
    for _ in range(6000):
        requests.append(("m", gen.modinfo()))

    # 3. The Go binaries on this machine.
    binaries = []
    p = subprocess.run(["go", "version", "/usr"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       timeout=300, env=dict(os.environ, GOTOOLCHAIN="local"))
    for line in p.stdout.decode(errors="surrogateescape").splitlines():
        path, sep, _ = line.rpartition(": ")
        if sep and os.path.isfile(path):
            binaries.append(path)
    texts = ask(oracle, [("b", path.encode()) for path in binaries])
    real = []
    for path, ans in zip(binaries, texts):
        word, text = decode_answer(ans)
        if word == "ok":
            real.append((path, text))
            requests.append(("m", text))
    print("binaries: %d Go binaries under /usr, %d with build info" % (len(binaries), len(real)))

    # Leave out what would print a rune Go 1.19 does not know.
    def unknown_rune(arg):
        return any(ord(ch) in avoid for ch in arg.decode("utf-8", "surrogateescape"))
    kept = [(op, arg) for op, arg in requests if not unknown_rune(arg)]
    skipped = len(requests) - len(kept)

    want = ask(oracle, kept)
    got = ask(driver, kept)
    counts = {}
    diffs = 0
    for (op, arg), w, g in zip(kept, want, got):
        counts[op] = counts.get(op, 0) + 1
        if w != g:
            diffs += 1
            if diffs <= SHOW:
                failures.append("%s %r:\n    go:        %r\n    shipready: %r"
                                % (op, arg, decode_answer(w), decode_answer(g)))
    if diffs > SHOW:
        failures.append("... %d differences in all" % diffs)
    errs = sum(1 for (op, _), w in zip(kept, want) if op == "m" and w.startswith("err"))

    # 4. `go version -m` lines vs our String() of the same text.
    gvm = 0
    answers = ask(driver, [("m", text) for _, text in real])
    for (path, _), ans in zip(real, answers):
        word, ours = decode_answer(ans)
        p = subprocess.run(["go", "version", "-m", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60, env=dict(os.environ, GOTOOLCHAIN="local"))
        lines = p.stdout.split(b"\n")[1:]
        if lines and lines[-1] == b"":
            lines.pop()
        expect = b"".join(line[1:] + b"\n" for line in lines if line.startswith(b"\t"))
        gvm += 1
        if word != "ok" or ours != expect:
            failures.append("go version -m %s differs from our String():\n    go:        %r\n    shipready: %r"
                            % (path, expect[:400], ours[:400]))

    print("compared: %d cases (%s), %d of them ParseBuildInfo errors; %d left out (runes after "
          "Unicode 13.0); %d `go version -m` outputs; seed %d; %.1f s"
          % (len(kept), ", ".join("%s %d" % kv for kv in sorted(counts.items())), errs, skipped, gvm,
             seed, time.time() - t0))
    if failures:
        for f in failures:
            print("FAIL: " + f)
        return 1
    print("OK: shipready matches Go 1.19")
    return 0


if __name__ == "__main__":
    sys.exit(main())
