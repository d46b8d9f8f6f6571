"""The PE parser (tests/unit/pe_driver) against two independent readers, and
lib/go on PE images against `go version -m`.

  python3 tests/cli/test_pe_oracle.py PE_DRIVER FIXTURE_DIR

Files: every PE fixture (FIXTURE_DIR/pe, built by tests/fixtures/build.sh)
and every *.exe / *.dll on the machine (find / -xdev) that starts with MZ.

Oracles, each compared field by field, zero differences allowed:
  - GNU objdump -p and -h (x86_64-w64-mingw32-objdump, else objdump), for
    every file it recognises (binutils 2.40 has no ARM64 PE): file format
    (machine), PE32/PE32+, COFF characteristics (DLL flag), OS and subsystem
    versions, subsystem, DllCharacteristics, ImageBase, entry point, section
    names, and the import list (DLL -> names with hints, or ordinals).
    objdump does not print delay-load imports; and it looks the import table
    up through section sizes that, for Go's compressed .zdebug_* sections,
    are the uncompressed ones, so it can name the wrong section and read
    garbage ("There is an import table in .zdebug_info"): the imports of such
    a file are not compared with objdump (counted, and then llvm-readobj's
    are);
  - llvm-readobj --file-headers --sections --coff-imports, for every file:
    machine, the same header fields, each section's name, VirtualAddress,
    VirtualSize, SizeOfRawData and Characteristics, the imports and the
    delay-load imports (DLL -> names with hints, or ordinals).
Go: each Go fixture is copied with the exec bit set (go version skips files
without it) and `go version -m` must print what pe_driver --go reads through
sr_go_buildinfo_read(&pe->image).
Exit 0 when all agree, 1 on a difference, 77 (skipped) without the tools."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import common  # noqa: E402

ENV = dict(os.environ, LC_ALL="C")

# objdump's file format -> IMAGE_FILE_MACHINE_*
OBJDUMP_MACHINE = {"pei-i386": 0x14c, "pei-x86-64": 0x8664, "pei-aarch64-little": 0xaa64,
                   "pei-arm-little": 0x1c0, "pei-arm-wince-little": 0x1c0}


def sh(cmd, timeout=120):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
                       errors="surrogateescape", timeout=timeout)
    return p.returncode, p.stdout, p.stderr


# ---------------------------------------------------------------- ours

def driver_facts(driver, path):
    rc, out, err = sh([driver, path])
    if rc != 0:
        return None, err.strip()
    f = {"sections": [], "imports": [], "delay": [], "warnings": []}
    cur = None
    for line in out.splitlines():
        if line.startswith("  func: "):
            name, hint = line[8:].rsplit(" hint=", 1)
            cur[1].append(("name", name, int(hint)))
            continue
        if line.startswith("  ordinal: "):
            cur[1].append(("ordinal", int(line[11:])))
            continue
        key, _, val = line.partition(": ")
        if key == "section":
            m = re.match(r"^(.*) va=0x(\w+) vsize=0x(\w+) raw=0x(\w+) off=0x(\w+) flags=0x(\w+)$", val)
            f["sections"].append((m.group(1), int(m.group(2), 16), int(m.group(3), 16),
                                  int(m.group(4), 16), int(m.group(6), 16)))
        elif key in ("import", "delay-import"):
            name = val.rsplit(" ", 2 if val.endswith(" truncated") else 1)[0]
            cur = (name, [])
            f["imports" if key == "import" else "delay"].append(cur)
        elif key == "warning":
            f["warnings"].append(val)
        elif key in ("machine", "characteristics", "dll-characteristics"):
            f[key] = int(val.split()[0], 16)
        elif key in ("image-base", "entry", "timestamp"):
            f[key] = int(val, 16)
        elif key in ("os-version", "subsystem-version"):
            f[key] = tuple(int(x) for x in val.split()[0].split("."))
        elif key == "subsystem":
            f[key] = int(val.split()[0])
        else:
            f[key] = val
    return f, None


# ---------------------------------------------------------------- objdump

def objdump_facts(objdump, path):
    rc, out, _ = sh([objdump, "-p", "-h", path])
    if rc != 0:
        return None
    f = {"sections": [], "imports": [], "import_section": None}
    hexf = {"Characteristics": "characteristics", "DllCharacteristics": "dll-characteristics",
            "ImageBase": "image-base", "AddressOfEntryPoint": "entry"}
    decf = {"MajorOSystemVersion": "os_major", "MinorOSystemVersion": "os_minor",
            "MajorSubsystemVersion": "ss_major", "MinorSubsystemVersion": "ss_minor"}
    cur = None
    in_imports = False
    for line in out.splitlines():
        m = re.match(r"^\S.*:\s+file format (\S+)$", line)
        if m:
            f["machine"] = OBJDUMP_MACHINE.get(m.group(1))
            continue
        m = re.match(r"^There is an import table in (\S+) at", line)
        if m:
            f["import_section"] = m.group(1)
            continue
        if line.startswith("The Import Tables"):
            in_imports = True
            continue
        if in_imports:
            m = re.match(r"^\tDLL Name: (.*)$", line)
            if m:
                cur = (m.group(1), [])
                f["imports"].append(cur)
                continue
            m = re.match(r"^\t([0-9a-f]+)\t\s*([0-9a-f]+)\s+(.*)$", line)
            if m and cur is not None:
                name = m.group(3)
                if name == "<none>":
                    cur[1].append(("ordinal", int(m.group(1), 16) & 0xffff))
                else:
                    # "name" or "name  <bound-to>"
                    cur[1].append(("name", name.split(" ")[0] if " " in name else name, int(m.group(2))))
                continue
            if line.startswith("PE File Base Relocations") or line.startswith("The Export Tables") or \
                    line.startswith("Sections:") or line.startswith("The Function Table") or \
                    line.startswith("Exception Handling"):
                in_imports = False
        m = re.match(r"^Magic\s+\w+\s+\((PE32\+?)\)", line)
        if m:
            f["format"] = m.group(1)
            continue
        m = re.match(r"^(\w+)\s+([0-9a-fA-Fx]+)", line)
        if m and m.group(1) in hexf:
            f[hexf[m.group(1)]] = int(m.group(2), 16)
        elif m and m.group(1) in decf:
            f[decf[m.group(1)]] = int(m.group(2))
        m = re.match(r"^Subsystem\s+([0-9a-f]+)", line)
        if m:
            f["subsystem"] = int(m.group(1), 16)
        m = re.match(r"^\s*\d+ (\S+)\s+[0-9a-f]{8}\s+[0-9a-f]{8,16}\s+[0-9a-f]{8,16}\s+[0-9a-f]{8}\s+2\*\*\d+$", line)
        if m:
            f["sections"].append(m.group(1))
    return f


# ---------------------------------------------------------------- llvm-readobj

def readobj_facts(path):
    rc, out, _ = sh(["llvm-readobj", "--file-headers", "--sections", "--coff-imports", path])
    if rc != 0:
        return None
    f = {"sections": [], "imports": [], "delay": []}
    cur = None
    sect = None
    block = None          # "import", "delay" or None
    in_file_hdr = in_opt_hdr = False
    for line in out.splitlines():
        s = line.strip()
        if line.startswith("ImageFileHeader {"):
            in_file_hdr, in_opt_hdr = True, False
            continue
        if line.startswith("ImageOptionalHeader {"):
            in_file_hdr, in_opt_hdr = False, True
            continue
        if line.startswith("DOSHeader {") or line.startswith("Sections ["):
            in_file_hdr = in_opt_hdr = False
        if line == "Import {":
            block, cur = "import", None
            continue
        if line == "DelayImport {":
            block, cur = "delay", None
            continue
        if line == "}":
            block = None
            continue
        if block and line.startswith("  Name: "):
            cur = (line[8:], [])
            f["imports" if block == "import" else "delay"].append(cur)
            continue
        if block and re.match(r"^\s+Symbol: ", line):
            m = re.match(r"^\s+Symbol: (.*) \((\d+)\)$", line)
            if m.group(1) == "":
                cur[1].append(("ordinal", int(m.group(2))))
            else:
                cur[1].append(("name", m.group(1), int(m.group(2))))
            continue
        if in_file_hdr:
            m = re.match(r"^Machine: \S+ \((0x[0-9A-F]+)\)$", s)
            if m:
                f["machine"] = int(m.group(1), 16)
            m = re.match(r"^Characteristics \[ \((0x[0-9A-F]+)\)$", s)
            if m:
                f["characteristics"] = int(m.group(1), 16)
        if in_opt_hdr:
            m = re.match(r"^(\w+): (\S+)", s)
            if m:
                k, v = m.group(1), m.group(2)
                if k == "Magic":
                    f["format"] = "PE32+" if int(v, 16) == 0x20b else "PE32"
                elif k == "AddressOfEntryPoint":
                    f["entry"] = int(v, 16)
                elif k == "ImageBase":
                    f["image-base"] = int(v, 16)
                elif k in ("MajorOperatingSystemVersion", "MinorOperatingSystemVersion",
                           "MajorSubsystemVersion", "MinorSubsystemVersion"):
                    f[k] = int(v)
                elif k == "Subsystem":
                    f["subsystem"] = int(re.search(r"\((0x[0-9A-F]+)\)", s).group(1), 16)
            m = re.match(r"^Characteristics \[ \((0x[0-9A-F]+)\)$", s)
            if m:
                f["dll-characteristics"] = int(m.group(1), 16)
        if s == "Section {":
            sect = {}
            f["sections"].append(sect)
            continue
        if sect is not None:
            m = re.match(r"^Name: (.*) \(([0-9A-F ]+)\)$", s)
            if m:
                sect["name"] = m.group(1)
            m = re.match(r"^(VirtualSize|VirtualAddress|RawDataSize): (\S+)$", s)
            if m:
                sect[m.group(1)] = int(m.group(2), 0)
            m = re.match(r"^Characteristics \[ \((0x[0-9A-F]+)\)$", s)
            if m:
                sect["Characteristics"] = int(m.group(1), 16)
    return f


# ---------------------------------------------------------------- compare

def compare(label, path, mine, theirs, keys, diffs):
    for k in keys:
        if k in theirs and mine.get(k) != theirs[k]:
            diffs.append("%s: %s: %s: pe_driver %r, %s %r" % (path, label, k, mine.get(k), label, theirs[k]))


def import_section_of(mine, rva):
    for name, va, vsize, raw, _flags in mine["sections"]:
        if va <= rva < va + (vsize or raw):
            return name
    return None


def find_machine_pe():
    out = []
    p = subprocess.run("find / -xdev \\( -iname '*.exe' -o -iname '*.dll' \\) -type f 2>/dev/null",
                       shell=True, stdout=subprocess.PIPE, errors="surrogateescape")
    for path in sorted(set(p.stdout.splitlines())):
        if "/fixtures/" in path or path.startswith("/proc"):
            continue
        try:
            with open(path, "rb") as fh:
                if fh.read(2) == b"MZ":
                    out.append(path)
        except OSError:
            pass
    return out


def main():
    if len(sys.argv) != 3:
        print("usage: test_pe_oracle.py PE_DRIVER FIXTURE_DIR")
        return 2
    driver, fixdir = sys.argv[1], sys.argv[2]
    objdump = shutil.which("x86_64-w64-mingw32-objdump") or shutil.which("objdump")
    if not objdump or not shutil.which("llvm-readobj"):
        print("SKIP: needs objdump and llvm-readobj (binutils, llvm)")
        return 77
    common.fixtures(fixdir)
    pedir = os.path.join(fixdir, "pe")
    fixtures = sorted(os.path.join(pedir, n) for n in os.listdir(pedir))
    files = fixtures + find_machine_pe()
    diffs = []
    n_obj = n_obj_imports = n_obj_skipped_imports = n_llvm = n_imports = n_delay = n_funcs = 0
    for path in files:
        mine, err = driver_facts(driver, path)
        if mine is None:
            # not an error when neither oracle reads it as a PE image either
            if readobj_facts(path) is not None and path in fixtures:
                diffs.append("%s: pe_driver failed: %s" % (path, err))
            continue
        mine["format_ver"] = mine.get("format")
        rd = readobj_facts(path)
        if rd is not None:
            n_llvm += 1
            rd_hdr = dict(rd)
            rd_hdr["os-version"] = (rd.get("MajorOperatingSystemVersion"), rd.get("MinorOperatingSystemVersion"))
            rd_hdr["subsystem-version"] = (rd.get("MajorSubsystemVersion"), rd.get("MinorSubsystemVersion"))
            compare("llvm-readobj", path, mine, rd_hdr,
                    ["machine", "format", "characteristics", "dll-characteristics", "image-base", "entry",
                     "os-version", "subsystem-version", "subsystem"], diffs)
            ms = [(s[0], s[1], s[2], s[3], s[4]) for s in mine["sections"]]
            ts = [(s.get("name"), s.get("VirtualAddress"), s.get("VirtualSize"), s.get("RawDataSize"),
                   s.get("Characteristics")) for s in rd["sections"]]
            if ms != ts:
                diffs.append("%s: llvm-readobj: sections differ:\n  pe_driver %r\n  llvm-readobj %r" % (path, ms, ts))
            for key in ("imports", "delay"):
                if mine[key] != rd[key]:
                    diffs.append("%s: llvm-readobj: %s differ:\n  pe_driver %r\n  llvm-readobj %r"
                                 % (path, key, mine[key], rd[key]))
            n_imports += len(mine["imports"])
            n_delay += len(mine["delay"])
            n_funcs += sum(len(d[1]) for d in mine["imports"] + mine["delay"])
        ob = objdump_facts(objdump, path)
        if ob is not None and ob.get("format"):
            n_obj += 1
            ob_hdr = dict(ob)
            ob_hdr["os-version"] = (ob.get("os_major"), ob.get("os_minor"))
            ob_hdr["subsystem-version"] = (ob.get("ss_major"), ob.get("ss_minor"))
            compare("objdump", path, mine, ob_hdr,
                    ["machine", "format", "characteristics", "dll-characteristics", "image-base", "entry",
                     "os-version", "subsystem-version", "subsystem"], diffs)
            names = [s[0] for s in mine["sections"]]
            if names != ob["sections"]:
                diffs.append("%s: objdump: section names differ:\n  pe_driver %r\n  objdump %r"
                             % (path, names, ob["sections"]))
            # where the import table really is, by the section table both read alike
            want = None
            if mine["imports"] or ob["import_section"]:
                rc, out, _ = sh(["llvm-readobj", "--file-headers", path])
                mm = re.search(r"ImportTableRVA: (0x[0-9A-F]+)", out)
                want = import_section_of(mine, int(mm.group(1), 16)) if mm else None
            if ob["import_section"] is not None and ob["import_section"] != want:
                n_obj_skipped_imports += 1    # objdump misplaces the table (see above)
            else:
                n_obj_imports += 1
                if mine["imports"] != ob["imports"]:
                    diffs.append("%s: objdump: imports differ:\n  pe_driver %r\n  objdump %r"
                                 % (path, mine["imports"], ob["imports"]))
        elif path in fixtures and rd is None:
            diffs.append("%s: neither oracle reads this fixture" % path)

    # fixtures must pin what they are for
    def facts(name):
        return driver_facts(driver, os.path.join(pedir, name))[0]
    gui, dll, use, delay = facts("c-gui-x64.exe"), facts("pelib.dll"), facts("c-usedll-x64.exe"), \
        facts("c-delayload-x64.exe")
    checks = [
        ("c-gui-x64.exe is a GUI program", gui["subsystem"] == 2),
        ("pelib.dll is a DLL", dll["dll"] == "yes"),
        ("c-usedll-x64.exe imports pe_add by name and ordinal 7 from pelib.dll",
         ("pelib.dll", [("name", "pe_add", 1), ("ordinal", 7)]) in use["imports"]),
        ("c-delayload-x64.exe delay-loads pelib.dll", [d[0] for d in delay["delay"]] == ["pelib.dll"]
         and "pelib.dll" not in [d[0] for d in delay["imports"]]),
        ("go-hello-arm64.exe is ARM64", facts("go-hello-arm64.exe")["machine"] == 0xaa64),
        ("go-hello-386.exe is PE32", facts("go-hello-386.exe")["format"] == "PE32"),
    ]
    for what, ok in checks:
        if not ok:
            diffs.append("fixture check failed: " + what)

    # Go build info through the PE image vs go version -m
    n_go = 0
    if shutil.which("go"):
        with tempfile.TemporaryDirectory() as tmp:
            for path in fixtures:
                if not os.path.basename(path).startswith("go-"):
                    continue
                exe = os.path.join(tmp, os.path.basename(path))
                shutil.copyfile(path, exe)
                os.chmod(exe, 0o755)
                rc, gv, _ = sh(["go", "version", "-m", exe])
                lines = gv.splitlines()
                want = "version: " + lines[0].split(": ", 1)[1] + "\n" + \
                       "".join(line[1:] + "\n" for line in lines[1:])
                rc2, got, err = sh([driver, "--go", exe])
                n_go += 1
                if rc != 0 or rc2 != 0 or got != want:
                    diffs.append("%s: go version -m vs lib/go on the PE image:\n--- go\n%s--- pe_driver (%s)\n%s"
                                 % (path, want, err.strip(), got))

    for d in diffs:
        print("DIFF: " + d)
    print("pe oracle: %d files (%d fixtures); llvm-readobj compared %d (%d DLL imports, %d delay-load, "
          "%d functions); objdump compared %d (imports on %d; %d with objdump's misplaced import table); "
          "go version -m compared %d; %d differences"
          % (len(files), len(fixtures), n_llvm, n_imports, n_delay, n_funcs, n_obj, n_obj_imports,
             n_obj_skipped_imports, n_go, len(diffs)))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
