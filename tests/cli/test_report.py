"""shipready report in a real browser: headless Chromium (Debian's chromium).

  python3 tests/cli/test_report.py SHIPREADY FIXTURE_DIR WORKDIR

- The page Chromium builds (--dump-dom) holds every verdict of
  `check --json` for the same inputs and targets, cell by cell, and every
  finding's reason and message; the policy's violations; each Go program's
  packages as `size --json` lists them (the largest 20).
- It fetches nothing: no script, no link, no external src or href, and a
  Content-Security-Policy that forbids them.
- Hostile strings (a file named `<script>…`, a DT_NEEDED naming a
  `<script>` library) render as text: no script element in the DOM, the
  text itself on the page.
- Screenshots (--screenshot): the size asked for, not blank, and different
  for two reports that differ.
- The dependency graph is inline SVG from Graphviz; with libgvc hidden (a
  mount namespace) the page says so and keeps everything else.
- A directory gives a row per binary scan finds there; an image's program
  is judged in the image as scan judges it (a cgo program FROM scratch
  fails there).
- SOURCE_DATE_EPOCH: the same inputs, the same bytes.  Exit status as
  check's, 2 for an input that cannot be analysed (listed on the page).
Skipped (77) without chromium."""
import html.parser
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402

TARGETS = "debian-12,alpine-3.20,centos-7"


def chromium():
    for name in ("chromium", "chromium-browser"):
        p = shutil.which(name)
        if p:
            return p
    return None


def browser(args, work, timeout=120):
    """Run headless Chromium with its own profile under work."""
    prof = os.path.join(work, "chrome-profile")
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--user-data-dir=" + prof] + args
    env = dict(os.environ, HOME=work)
    return subprocess.run(cmd, capture_output=True, text=False, timeout=timeout, env=env)


def dump_dom(path, work):
    p = browser(["--dump-dom", "file://" + os.path.abspath(path)], work)
    return p.stdout.decode("utf-8", "replace")


def screenshot(path, png, work, w=1280, h=1600):
    if os.path.exists(png):
        os.unlink(png)
    browser(["--screenshot=" + png, "--window-size=%d,%d" % (w, h), "file://" + os.path.abspath(path)], work)
    return os.path.exists(png)


def png_pixels(path):
    """(width, height, rows of RGBA bytes) of an 8-bit RGB/RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise ValueError("PNG colour type %d depth %d" % (ctype, depth))
            bpp = 4 if ctype == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def ink(rows, bpp):
    """The share of pixels unlike the top-left one."""
    bg = rows[0][:bpp]
    other = total = 0
    for r in rows[::4]:
        for x in range(0, len(r), bpp * 4):
            total += 1
            other += r[x:x + bpp] != bg
    return other / max(total, 1)


class Dom(html.parser.HTMLParser):
    """Tags, the text, and the matrix table's rows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.attrs = []
        self.text = []
        self.in_matrix = False
        self.matrix = []
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))
        if tag == "table" and ("class", "matrix") in attrs:
            self.in_matrix = True
        elif self.in_matrix and tag == "tr":
            self.row = []
        elif self.in_matrix and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.in_matrix:
            self.in_matrix = False
        elif self.in_matrix and tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif self.in_matrix and tag == "tr" and self.row is not None:
            self.matrix.append(self.row)
            self.row = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def parse(dom):
    d = Dom()
    d.feed(dom)
    d.all_text = " ".join(" ".join(d.text).split())
    return d


def squash(s):
    return " ".join(s.split())


WORD = {"runs": "ok", "warn": "warn", "fails": "FAIL", "unknown": "?"}


def hostile_program(work):
    """A program whose file name and DT_NEEDED hold <script (a
    <script>alert(1)</script> library name): a library with
    that SONAME, linked, then removed (so the page shows it missing, red)."""
    d = os.path.join(work, "hostile")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    src = os.path.join(d, "l.c")
    open(src, "w").write("int lib_f(void) { return 1; }\n")
    soname = "lib<script>alert(1)</script>.so"
    lib = os.path.join(d, "libhostile.so")
    p = subprocess.run(["gcc", "-shared", "-fPIC", "-o", lib, src, "-Wl,-soname," + soname], capture_output=True)
    if p.returncode != 0:
        return None
    main = os.path.join(d, "m.c")
    open(main, "w").write("int lib_f(void);\nint main(void) { return lib_f(); }\n")
    prog = os.path.join(d, "<script>alert('x')")   # a file name cannot hold "/", so no end tag
    p = subprocess.run(["gcc", "-o", prog, main, lib], capture_output=True)
    os.unlink(lib)
    return prog if p.returncode == 0 else None


def main():
    exe, fixdir, work = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    if not chromium():
        print("SKIP: no chromium here")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    c = common.Checker("cli-report")
    fx = common.fixtures(fixdir)
    files = [os.path.join(fx, n) for n in ("go-cgo", "c-static", "go-amd64", "cxx", "c-verneed")]
    files.append(os.path.join(fx, "pe", "go-hello-amd64.exe"))
    files = [f for f in files if os.path.exists(f)]
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", NO_COLOR="1")
    # a sanitized build: fontconfig's caches (Graphviz's text layout) live
    # until exit; only they are not leaks of ours (no effect on other builds)
    env["LSAN_OPTIONS"] = "print_suppressions=0:suppressions=" + os.path.join(HERE, "lsan-fontconfig.supp")
    out = os.path.join(work, "report.html")
    p = common.run([exe, "report", "-o", out, "--target", TARGETS, "--policy", "portable-glibc-2.17"] + files,
                   timeout=300, env=env)
    c.eq("report: exit 1 (a requested target fails, the policy is violated)", p.returncode, 1)
    c.eq("report: nothing on stderr", p.stderr, "")
    if not c.true("report: the page is written", os.path.exists(out)):
        return c.report()
    page = open(out, encoding="utf-8").read()
    # the oracle: check --json on the same inputs
    q = common.run([exe, "check", "--json", "--target", TARGETS, "--policy", "portable-glibc-2.17"] + files,
                   timeout=300, env=env)
    chk = json.loads(q.stdout)
    sz = json.loads(common.run([exe, "size", "--json"] + files, timeout=120, env=env).stdout)
    dom = parse(dump_dom(out, work))
    c.true("Chromium builds the page", dom.matrix and "shipready report" in dom.all_text, dom.all_text[:300])
    header = dom.matrix[0] if dom.matrix else []
    targets = TARGETS.split(",")
    c.eq("the matrix's columns: the targets, then the policy", header[1:1 + len(targets)], targets)
    rows = {r[0]: r for r in dom.matrix[1:]}
    for b in chk.get("results", []):
        path = b.get("path")
        row = rows.get(path)
        if not c.true("matrix row for %s" % path, row is not None, str(list(rows))):
            continue
        for k, res in enumerate(b.get("targets", [])):
            c.eq("%s on %s: the verdict of check" % (path, res.get("target")), row[1 + k],
                 WORD.get(res.get("verdict")))
            for f in res.get("findings", []):
                for key in ("reason", "message"):
                    if f.get(key):
                        c.true("%s on %s: finding %s on the page" % (path, res.get("target"), key),
                               squash(f[key]) in dom.all_text, f[key])
        pol = b.get("policy") or {}
        for v in pol.get("violations", []):
            c.true("%s: violation on the page" % path, squash(v["message"]) in dom.all_text, v["message"])
        nviol = len(pol.get("violations", []))
        c.eq("%s: the policy column" % path, row[1 + len(targets)], "%d violation%s" % (nviol, "" if nviol == 1 else "s"))
    for r in sz["results"]:
        if r.get("go"):
            for pkg in r["go"]["packages"][:20]:
                c.true("%s: package %s in its size chart" % (r["path"], pkg["name"]),
                       pkg["name"] in dom.all_text, pkg["name"])
    # self-contained
    c.eq("no script element", [t for t in dom.tags if t in ("script", "link", "iframe", "object", "embed")], [])
    ext = [(t, a) for t, a in dom.attrs for k in ("src", "href") if k in a and not a[k].startswith("#")]
    c.eq("no src or href leaves the page", ext, [])
    c.true("a Content-Security-Policy that forbids fetching", "default-src 'none'" in page)
    c.true("a dark colour scheme", "prefers-color-scheme:dark" in page)
    c.true("graphs are inline SVG from Graphviz", page.count("<!-- Generated by graphviz") >= 1 or
           page.count('class="graph"') >= 2, page[:200])
    # reproducible
    out2 = os.path.join(work, "report2.html")
    common.run([exe, "report", "-o", out2, "--target", TARGETS, "--policy", "portable-glibc-2.17"] + files,
               timeout=300, env=env)
    c.true("SOURCE_DATE_EPOCH: the same bytes again", open(out2, "rb").read() == open(out, "rb").read())
    c.true("SOURCE_DATE_EPOCH: its date", "2023-11-14 22:13 UTC" in page)
    # screenshots
    png1, png2 = os.path.join(work, "a.png"), os.path.join(work, "b.png")
    other = os.path.join(work, "other.html")
    common.run([exe, "report", "-o", other, "--target", "debian-12", files[0]], timeout=120, env=env)
    if c.true("screenshot taken", screenshot(out, png1, work) and screenshot(other, png2, work)):
        w, h, bpp, rows1 = png_pixels(png1)
        c.eq("screenshot: the size asked for", (w, h), (1280, 1600))
        c.true("screenshot: not blank", ink(rows1, bpp) > 0.02, str(ink(rows1, bpp)))
        _, _, _, rows2 = png_pixels(png2)
        c.true("screenshot: two reports that differ look different", rows1 != rows2)
    # hostile strings
    prog = hostile_program(work)
    if c.true("the hostile program is built", prog is not None):
        hout = os.path.join(work, "hostile.html")
        p = common.run([exe, "report", "-o", hout, "--target", "debian-12", prog], timeout=120, env=env)
        # exit 0: the database cannot say whether debian-12 has that library (?)
        c.eq("hostile: exit 0", (p.returncode, p.stderr), (0, ""))
        hp = open(hout, encoding="utf-8").read()
        c.true("hostile: no raw <script in the file", "<script" not in hp.lower(), "")
        hd = parse(dump_dom(hout, work))
        c.eq("hostile: no script element in the DOM", [t for t in hd.tags if t == "script"], [])
        c.true("hostile: the file name shows as text", "<script>alert('x')" in hd.all_text, hd.all_text[:400])
        c.true("hostile: the library name shows as text", "lib<script>alert(1)</script>.so" in hd.all_text,
               hd.all_text[:600])
        c.true("hostile: the graph shows it not found here", "lib<script>alert(1)</script>.so not found" in
               hd.all_text, hd.all_text[-1500:])
    # without Graphviz: the page says so and keeps the rest
    gvc = None
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"):
        if os.path.exists(os.path.join(d, "libgvc.so.6")):
            gvc = os.path.realpath(os.path.join(d, "libgvc.so.6"))
            break
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if gvc and probe.returncode == 0:
        nout = os.path.join(work, "nogvc.html")
        empty = os.path.join(work, "empty")
        open(empty, "w").close()
        script = 'mount --bind "$1" "$2" && exec "$3" report -o "$4" --target debian-12 "$5"'
        p = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", empty, gvc, exe, nout, files[0]],
                           capture_output=True, text=True, env=env, timeout=120)
        c.eq("no Graphviz: exit 0", p.returncode, 0)
        np_ = open(nout, encoding="utf-8").read() if os.path.exists(nout) else ""
        c.true("no Graphviz: the page says the graph is not drawn", "graph not drawn" in np_ and "libgvc6" in np_,
               np_[-800:])
        c.true("no Graphviz: the rest is there", "Release matrix" in np_ and "Go packages" in np_)
    else:
        print("note: no mount namespace or no libgvc here: the page without Graphviz is not tried")
    # a directory, a root and an image as inputs: their binaries, as scan finds them
    pe_dir = os.path.join(fx, "pe")
    dout = os.path.join(work, "dir.html")
    p = common.run([exe, "report", "-o", dout, "--target", "debian-12", pe_dir], timeout=300, env=env)
    sj = json.loads(common.run([exe, "scan", "--json", pe_dir], timeout=300, env=env).stdout)
    want = sorted(b["path"] for b in sj["scans"][0]["binaries"])
    dd = parse(dump_dom(dout, work))
    c.eq("a directory: a row per binary scan finds", sorted(r[0] for r in dd.matrix[1:]), want)
    import test_image_scan as tis
    layout = tis.layout_of(work, "scratch-cgo", [tis.tar_layer([("app", "file", open(files[0], "rb").read(), 0o755)])])
    spec = "oci:" + layout
    iout = os.path.join(work, "image.html")
    p = common.run([exe, "report", "-o", iout, "--target", spec + ",debian-12", spec], timeout=300, env=env)
    c.eq("an image: exit 1 (its cgo program fails in it)", (p.returncode, p.stderr), (1, ""))
    idom = parse(dump_dom(iout, work))
    rows_i = {r[0]: r for r in idom.matrix[1:]}
    app = spec + " (linux/amd64):/app"
    c.true("an image: its program's row", app in rows_i, str(list(rows_i)))
    sc = json.loads(common.run([exe, "scan", "--json", spec], timeout=300, env=env).stdout)
    verdict = [b.get("verdict") for b in sc["scans"][0]["binaries"] if b["path"] == "/app"]
    c.eq("an image: judged in the image as scan judges it", rows_i.get(app, [None, None])[1],
         WORD.get(verdict[0]) if verdict else None)
    c.true("an image: the interpreter missing, said", "ld-linux-x86-64.so.2" in idom.all_text)
    # a bad input among good ones
    bad = os.path.join(work, "not-a-binary")
    open(bad, "w").write("hello\n")
    bout = os.path.join(work, "bad.html")
    p = common.run([exe, "report", "-o", bout, "--target", "debian-12", files[1], bad], timeout=120, env=env)
    c.eq("a bad input: exit 2", p.returncode, 2)
    c.true("a bad input: one error line", p.stderr.startswith("shipready: " + bad + ": ") and
           len(p.stderr.splitlines()) == 1, p.stderr)
    bp = open(bout, encoding="utf-8").read() if os.path.exists(bout) else ""
    c.true("a bad input: listed on the page, the good one reported", "Not analysed" in bp and files[1] in bp)
    p = common.run([exe, "report", files[1]], timeout=60, env=env)
    c.eq("no -o: a usage error, exit 2", p.returncode, 2)
    return c.report()


if __name__ == "__main__":
    sys.exit(main())
