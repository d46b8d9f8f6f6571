#!/usr/bin/python3
"""The Mach-O parser (tests/unit/macho_driver) against LLVM's tools and Go.

    test_macho_oracle.py DRIVER FIXTURE_DIR

For every file of FIXTURE_DIR/macho (built by tests/fixtures/build.sh: Go
cross builds for darwin/amd64 and darwin/arm64, C programs linked by
ld64.lld, universal files from gen_fat.py and llvm-lipo), every slice:

  - the universal header (slice offsets, sizes, alignment, CPU) against
    `llvm-objdump --macho --universal-headers`, and the architecture names
    against `llvm-lipo -archs`;
  - the Mach header (CPU type/subtype with capability bits, file type, ncmds,
    sizeofcmds, flags and their names) and the load commands the parser
    reads (LC_*_DYLIB with versions and time stamps, LC_ID_DYLIB,
    LC_LOAD_DYLINKER, LC_RPATH, LC_MAIN, LC_BUILD_VERSION with its tools,
    LC_VERSION_MIN_*, LC_UUID, LC_CODE_SIGNATURE, LC_ENCRYPTION_INFO(_64),
    segments and sections) against `llvm-objdump --macho --private-headers`
    (numbers from --non-verbose, names from the verbose form);
  - the code signature's CodeDirectory flags against a reading made here;
  - each slice of a universal file gives the same facts as the thin file it
    was made from (and `llvm-lipo -thin` gives back that thin file);
  - Go build info (sr_go_buildinfo_read on the slice's image) against
    `go version -m` on the thin file (copied and made executable: go version
    needs the exec bit).  Go 1.19's debug/buildinfo reads only thin Mach-O:
    on a universal file go version says "unrecognized file format", which is
    checked too.

Zero differences are allowed.  The LLVM tools come from Debian's llvm
package (make test installs it).
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

# llvm-objdump's spelling of the platforms (MachODump.cpp)
PLATFORM = {"macOS": "macos", "iOS": "ios", "tvOS": "tvos", "watchOS": "watchos",
            "bridgeOS": "bridgeos", "macCatalyst": "macCatalyst", "iOS-simulator": "iossim",
            "tvOS-simulator": "tvossim", "watchOS-simulator": "watchossim", "DriverKit": "driverkit"}
DYLIB_CMDS = ("LC_LOAD_DYLIB", "LC_LOAD_WEAK_DYLIB", "LC_REEXPORT_DYLIB", "LC_LAZY_LOAD_DYLIB",
              "LC_LOAD_UPWARD_DYLIB")
# Thin files a universal fixture was assembled from (build.sh)
FAT_SOURCES = {
    "fat-go-hello": ["go-darwin-amd64", "go-darwin-arm64"],
    "fat64-go-hello": ["go-darwin-amd64", "go-darwin-arm64"],
    "lipo-go-hello": ["go-darwin-amd64", "go-darwin-arm64"],
    "fat-c": ["c-x86_64-vermin", "c-arm64-exe"],
}


def tool(*names):
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    sys.exit("test_macho_oracle: %s not found; install Debian's llvm package" % names[0])


def version3(text):
    """'11.0' / '12.3.1' / 'n/a' -> (x, y, z)"""
    if text == "n/a":
        return (0, 0, 0)
    parts = [int(p) for p in text.split(".")]
    return tuple((parts + [0, 0, 0])[:3])


# ---------- the driver ----------

def driver_facts(driver, path):
    """{'fat': (...), 'slices': [ {kind: [facts]} ], 'raw': [lines per slice]}"""
    p = subprocess.run([driver, path], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("macho_driver failed on %s: %s" % (path, p.stderr.strip()))
    out = {"fat": None, "slices": [], "raw": [], "warnings": []}
    for line in p.stdout.splitlines():
        w = line.split(" ")
        if w[0] == "fat":
            out["fat"] = (int(w[1]), int(w[3]), int(w[5]), int(w[7]))
            continue
        if w[0] == "fat-warning":
            out["warnings"].append(line)
            continue
        i = int(w[1])
        while len(out["slices"]) <= i:
            out["slices"].append({})
            out["raw"].append([])
        s = out["slices"][i]
        kind, rest = w[2], w[3:]
        if kind not in ("offset",):
            out["raw"][i].append(" ".join(w[2:]))
        add = s.setdefault(kind, []).append
        if kind == "offset":
            add((int(rest[0]), int(rest[2]), int(rest[4], 16), int(rest[5], 16), int(rest[7])))
        elif kind == "header":
            add((rest[1], int(rest[3], 16), int(rest[5], 16)))
        elif kind == "filetype":
            add((int(rest[2], 16), tuple(rest[3:])))
        elif kind == "ncmds":
            add((int(rest[0]), int(rest[2])))
        elif kind in ("dylib", "id-dylib"):
            if kind == "dylib":
                cmd, rest = rest[0], rest[1:]
            else:
                cmd = "LC_ID_DYLIB"
            # NAME may hold spaces: the last 6 words are the versions and time stamp
            name = " ".join(rest[:-6])
            add((cmd, name, version3(rest[-5]), version3(rest[-3]), int(rest[-1])))
        elif kind in ("dylinker", "rpath"):
            add(" ".join(rest))
        elif kind == "main":
            add((int(rest[1]), int(rest[3])))
        elif kind == "version":
            plat = PLATFORM.get(rest[2], rest[2])
            add((rest[0], plat if rest[0] == "LC_BUILD_VERSION" else None,
                 version3(rest[4]), version3(rest[6])))
        elif kind == "tool":
            add((rest[0], version3(rest[1])))
        elif kind == "uuid":
            add(rest[0])
        elif kind == "codesig":
            add((int(rest[1]), int(rest[3])))
            s.setdefault("cdflags", []).append(None if rest[5] == "-" else int(rest[5], 16))
        elif kind == "encryption":
            add((int(rest[1]), int(rest[3]), int(rest[5])))
        elif kind == "segment":
            add((rest[0], int(rest[2], 16), int(rest[4], 16), int(rest[6]), int(rest[8]),
                 int(rest[10], 16), int(rest[12], 16), int(rest[14]), int(rest[16], 16)))
        elif kind == "section":
            seg, sect = rest[0].split(",", 1)
            add((seg, sect, int(rest[2], 16), int(rest[4], 16), int(rest[6]), int(rest[8]),
                 int(rest[10]), int(rest[12]), int(rest[14], 16), int(rest[16]), int(rest[18])))
    return out


# ---------- llvm-objdump ----------

def split_archs(text, path):
    """Output of --arch=all: one chunk per slice, in file order."""
    chunks = re.split(r"^%s(?: \(architecture [^)]*\))?:\n" % re.escape(path), text, flags=re.M)
    return [c for c in chunks[1:]]


def blocks(chunk):
    """The header line(s) and a list of load-command dicts (sections inside)."""
    lines = chunk.splitlines()
    header = []
    cmds = []
    cur = None
    for line in lines:
        if line.startswith("Load command "):
            cur = {"sections": []}
            cmds.append(cur)
            continue
        if line == "Section":
            sect = {}
            cur["sections"].append(sect)
            cur["_sect"] = sect
            continue
        if cur is None:
            header.append(line)
            continue
        m = re.match(r"\s*(compatibility version|current version|time stamp|\S+) ?(.*)$", line)
        if not m:
            continue
        target = cur.get("_sect", cur)
        target.setdefault(m.group(1), m.group(2).strip())
    return header, cmds


def llvm_facts(objdump, path):
    nv = subprocess.run([objdump, "--macho", "--private-headers", "--non-verbose", "--arch=all", path],
                        capture_output=True, text=True, timeout=120)
    vb = subprocess.run([objdump, "--macho", "--private-headers", "--arch=all", path],
                        capture_output=True, text=True, timeout=120)
    if nv.returncode != 0 or vb.returncode != 0:
        raise RuntimeError("llvm-objdump failed on %s: %s%s" % (path, nv.stderr, vb.stderr))
    slices = []
    for chunk_nv, chunk_vb in zip(split_archs(nv.stdout, path), split_archs(vb.stdout, path)):
        s = {}
        hdr, cmds = blocks(chunk_nv)
        hdr_vb, cmds_vb = blocks(chunk_vb)
        # " 0xfeedfacf 16777228          0  0x00           2    21       1592 0x00200085"
        nums = hdr[2].split()
        cputype, sub, caps = int(nums[1]), int(nums[2]), int(nums[3], 16)
        s["header"] = [(cputype, sub | caps << 24)]
        flag_names = tuple(n for n in hdr_vb[2].split()[7:] if not n.startswith("0x"))
        s["filetype"] = [(int(nums[7], 16), flag_names)]
        s["filetype_num"] = int(nums[4])
        s["ncmds"] = [(int(nums[5]), int(nums[6]))]
        for c, cv in zip(cmds, cmds_vb):
            cmd = cv.get("cmd", "")
            add = lambda k, v: s.setdefault(k, []).append(v)  # noqa: E731
            if cmd in DYLIB_CMDS or cmd == "LC_ID_DYLIB":
                name = re.sub(r" \(offset \d+\)$", "", c["name"])
                add("dylib" if cmd != "LC_ID_DYLIB" else "id-dylib",
                    (cmd, name, version3(c["current version"]), version3(c["compatibility version"]),
                     int(c["time stamp"].split()[0])))
            elif cmd == "LC_LOAD_DYLINKER":
                add("dylinker", re.sub(r" \(offset \d+\)$", "", c["name"]))
            elif cmd == "LC_RPATH":
                add("rpath", re.sub(r" \(offset \d+\)$", "", c["path"]))
            elif cmd == "LC_MAIN":
                add("main", (int(c["entryoff"]), int(c["stacksize"])))
            elif cmd == "LC_BUILD_VERSION":
                add("version", (cmd, c["platform"], version3(c["minos"]), version3(c["sdk"])))
                # tools: "tool ld" / "version 14.0.6" pairs, from the raw chunk
            elif cmd.startswith("LC_VERSION_MIN_"):
                add("version", (cmd, None, version3(c["version"]), version3(c["sdk"])))
            elif cmd == "LC_UUID":
                add("uuid", c["uuid"])
            elif cmd == "LC_CODE_SIGNATURE":
                add("codesig", (int(c["dataoff"]), int(c["datasize"])))
            elif cmd in ("LC_ENCRYPTION_INFO", "LC_ENCRYPTION_INFO_64"):
                add("encryption", (int(c["cryptoff"]), int(c["cryptsize"]), int(c["cryptid"])))
            elif cmd in ("LC_SEGMENT", "LC_SEGMENT_64"):
                add("segment", (c["segname"], int(c["vmaddr"], 16), int(c["vmsize"], 16), int(c["fileoff"]),
                                int(c["filesize"]), int(c["maxprot"], 16), int(c["initprot"], 16),
                                int(c["nsects"]), int(c["flags"], 16)))
                for x in c["sections"]:
                    add("section", (x["segname"], x["sectname"], int(x["addr"], 16), int(x["size"], 16),
                                    int(x["offset"]), int(x["align"].split()[0][2:]), int(x["reloff"]),
                                    int(x["nreloc"]), int(x["flags"], 16), int(x["reserved1"].split()[0]),
                                    int(x["reserved2"].split()[0])))
        # build tools: every "tool X" line is followed by "version V" (LC_BUILD_VERSION only)
        for m in re.finditer(r"^\s+tool (\S+)\n\s+version (\S+)$", chunk_vb, flags=re.M):
            s.setdefault("tool", []).append((m.group(1), version3(m.group(2))))
        slices.append(s)
    return slices


def universal_headers(objdump, path):
    p = subprocess.run([objdump, "--macho", "--universal-headers", path], capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        raise RuntimeError("llvm-objdump --universal-headers failed on %s: %s" % (path, p.stderr))
    magic = re.search(r"^fat_magic (\S+)", p.stdout, flags=re.M).group(1)
    nfat = int(re.search(r"^nfat_arch (\d+)", p.stdout, flags=re.M).group(1))
    archs = []
    for m in re.finditer(r"^\s+offset (\d+)\n\s+size (\d+)\n\s+align 2\^(\d+)", p.stdout, flags=re.M):
        archs.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    return magic, nfat, archs


# ---------- code signature, read here ----------

def cd_flags(data, off, size):
    blob = data[off:off + size]
    if len(blob) < 12:
        return None
    magic, _length, count = struct.unpack(">III", blob[:12])
    if magic != 0xFADE0CC0:
        return None
    for i in range(count):
        typ, boff = struct.unpack(">II", blob[12 + 8 * i:20 + 8 * i])
        if typ == 0:
            cdmagic, _l, _v, flags = struct.unpack(">IIII", blob[boff:boff + 16])
            return flags if cdmagic == 0xFADE0C02 else None
    return None


def slice_bytes(data, mine, i):
    off, size = mine["slices"][i]["offset"][0][:2]
    return data[off:off + size]


# ---------- Go ----------

def go_version_m(go, path, tmp):
    """go version -m on an executable copy: (version, [module lines]) or error text."""
    exe = os.path.join(tmp, os.path.basename(path))
    shutil.copyfile(path, exe)
    os.chmod(exe, 0o755)
    p = subprocess.run([go, "version", "-m", exe], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, GOTOOLCHAIN="local", GOFLAGS=""))
    if p.stderr.strip():
        return None, p.stderr.strip().replace(exe, "FILE")
    lines = p.stdout.splitlines()
    version = lines[0].split(": ", 1)[1]
    return version, [ln[1:] for ln in lines[1:]]


def driver_go(driver, path):
    p = subprocess.run([driver, "--go", path], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("macho_driver --go failed on %s: %s" % (path, p.stderr.strip()))
    out = {}
    for line in p.stdout.splitlines():
        _s, i, kind, rest = line.split(" ", 3) if line.count(" ") >= 3 else (line.split(" ") + [""])[:4]
        d = out.setdefault(int(i), {"version": None, "mod": [], "error": None})
        if kind == "go-version":
            d["version"] = rest
        elif kind == "mod":
            d["mod"].append(rest)
        elif kind == "go-error":
            d["error"] = rest
    return out


# ---------- the comparison ----------

KINDS = ["header", "filetype", "ncmds", "dylib", "id-dylib", "dylinker", "rpath", "main", "version", "tool",
         "uuid", "codesig", "encryption", "segment", "section"]


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    driver, fixdir = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    common.fixtures(fixdir)
    objdump = tool("llvm-objdump", "llvm-objdump-14")
    lipo = tool("llvm-lipo", "llvm-lipo-14")
    go = shutil.which("go")
    mdir = os.path.join(fixdir, "macho")
    names = sorted(os.listdir(mdir))
    diffs = []
    counts = {"files": 0, "slices": 0, "facts": 0, "go": 0, "fat-slices": 0}

    def diff(where, what, mine, theirs):
        diffs.append("%s: %s\n    shipready: %r\n    oracle:    %r" % (where, what, mine, theirs))

    thin_raw = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            path = os.path.join(mdir, name)
            with open(path, "rb") as f:
                data = f.read()
            mine = driver_facts(driver, path)
            counts["files"] += 1
            fat = data[:4] in (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf")
            if mine["warnings"]:
                diff(name, "universal-header warnings", mine["warnings"], [])
            if fat:
                magic, nfat, archs = universal_headers(objdump, path)
                want_fat = (1, 1 if magic == "FAT_MAGIC_64" else 0, nfat, len(archs))
                if mine["fat"] != want_fat:
                    diff(name, "fat fat64 nfat_arch nslices", mine["fat"], want_fat)
                got = [s["offset"][0][:2] + (s["offset"][0][4],) for s in mine["slices"]]
                if got != archs:
                    diff(name, "slices (offset, size, align)", got, archs)
                counts["facts"] += 1 + len(archs)
            elif mine["fat"] != (0, 0, 0, 1):
                diff(name, "thin file", mine["fat"], (0, 0, 0, 1))
            # architecture names
            p = subprocess.run([lipo, "-archs", path], capture_output=True, text=True, timeout=60)
            want_archs = p.stdout.split()
            got_archs = [s["header"][0][0] for s in mine["slices"]]
            if got_archs != want_archs:
                diff(name, "architectures (llvm-lipo -archs)", got_archs, want_archs)
            # the Mach headers and load commands
            theirs = llvm_facts(objdump, path)
            if len(theirs) != len(mine["slices"]):
                diff(name, "slice count", len(mine["slices"]), len(theirs))
            for i, (ms, ts) in enumerate(zip(mine["slices"], theirs)):
                where = "%s slice %d" % (name, i)
                counts["slices"] += 1
                for k in KINDS:
                    if k == "header":
                        got = [h[1:] for h in ms.get("header", [])]
                    elif k == "filetype":
                        got = [(f[0], f[1]) for f in ms.get("filetype", [])]
                        want = ts.get("filetype", [])
                        want = [(w[0], w[1]) for w in want]
                        if got != want:
                            diff(where, "flags", got, want)
                        counts["facts"] += len(want)
                        continue
                    else:
                        got = ms.get(k, [])
                    want = ts.get(k, [])
                    if got != want:
                        diff(where, k, got, want)
                    counts["facts"] += len(want)
                for w in [r for r in mine["raw"][i] if r.startswith("warning ")]:
                    diff(where, "parser warning", w, None)
                # file type number (the driver prints the name; llvm-objdump the number)
                ft_names = {1: "MH_OBJECT", 2: "MH_EXECUTE", 6: "MH_DYLIB", 8: "MH_BUNDLE"}
                got_ft = [r.split()[1] for r in mine["raw"][i] if r.startswith("filetype ")]
                if got_ft != [ft_names.get(ts["filetype_num"], "?")]:
                    diff(where, "file type", got_ft, ts["filetype_num"])
                counts["facts"] += 1
                # the code signature's CodeDirectory, read here
                if "codesig" in ms:
                    off, size = ms["codesig"][0]
                    want = cd_flags(slice_bytes(data, mine, i), off, size)
                    if ms["cdflags"][0] != want:
                        diff(where, "CodeDirectory flags", ms["cdflags"][0], want)
                    counts["facts"] += 1
            if not fat:
                thin_raw[name] = mine["raw"][0]

        # universal files: each slice is the thin file it was made from
        for name, sources in sorted(FAT_SOURCES.items()):
            path = os.path.join(mdir, name)
            mine = driver_facts(driver, path)
            for i, src in enumerate(sources):
                counts["fat-slices"] += 1
                if mine["raw"][i] != thin_raw[src]:
                    diff("%s slice %d" % (name, i), "facts differ from the thin " + src,
                         [r for r in mine["raw"][i] if r not in thin_raw[src]],
                         [r for r in thin_raw[src] if r not in mine["raw"][i]])
                arch = mine["slices"][i]["header"][0][0]
                out = os.path.join(tmp, "thin")
                subprocess.run([lipo, path, "-thin", arch, "-output", out], check=True, timeout=60)
                with open(out, "rb") as f, open(os.path.join(mdir, src), "rb") as g:
                    if f.read() != g.read():
                        diff("%s slice %d" % (name, i), "llvm-lipo -thin %s is not %s" % (arch, src), "", "")

        # Go build info from every slice of every Go fixture
        if go is None:
            diffs.append("go: not found (Debian's golang-go)")
        else:
            for name in names:
                if "go" not in name:
                    continue
                path = os.path.join(mdir, name)
                mine = driver_go(driver, path)
                sources = FAT_SOURCES.get(name)
                if sources:
                    # Go 1.19 reads thin Mach-O only
                    _v, err = go_version_m(go, path, tmp)
                    if not err or "unrecognized file format" not in err:
                        diff(name, "go version -m on a universal file", err, "unrecognized file format")
                    refs = [os.path.join(mdir, s) for s in sources]
                else:
                    refs = [path]
                for i, ref in enumerate(refs):
                    version, mods = go_version_m(go, ref, tmp)
                    got = mine.get(i, {})
                    counts["go"] += 1
                    if version is None:
                        diff("%s slice %d" % (name, i), "go version -m failed", got, mods)
                        continue
                    if got.get("version") != version:
                        diff("%s slice %d" % (name, i), "Go version", got.get("version"), version)
                    if got.get("mod") != mods:
                        diff("%s slice %d" % (name, i), "Go module text", got.get("mod"), mods)

    for d in diffs[:50]:
        print(d)
    print("macho oracle: %d files, %d slices, %d facts compared with llvm-objdump/llvm-lipo, "
          "%d universal slices vs their thin files, %d Go build infos vs go version -m: %d differences"
          % (counts["files"], counts["slices"], counts["facts"], counts["fat-slices"], counts["go"], len(diffs)))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
