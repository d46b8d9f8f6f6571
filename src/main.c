/* shipready — what does this binary need, and where will it run?
 * The command table; each subcommand lives in its own cmd_<verb>.c. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "cli.h"
#include "shipready/shipready.h"

static const struct cli_option no_options[] = { { 0 } };

const struct cli_command cli_commands[] = {
	{ "inspect", cmd_inspect, "say what each binary is and what it needs from the system",
	  "[--json | --long | --matrix] [--root DIR] FILE...",
	  "Read each FILE directly (it is never run) and report what it is and what it needs:\n"
	  "kind and machine, static or dynamic linkage, interpreter and C library, needed\n"
	  "libraries, RPATH/RUNPATH, required symbol versions (highest per family), minimum\n"
	  "kernel, build-id, compilers, stripping, hardening, and whether it is a Go binary.\n"
	  "With several FILEs (or --matrix) one aligned row per file instead: format,\n"
	  "platform, linkage, C library, Go version and cgo, minimum OS, what it needs.\n"
	  "A file that cannot be analysed gets one line 'shipready: PATH: reason' on stderr;\n"
	  "the other files are still reported and the exit status is 2.\n"
	  "With --root DIR, each FILE is looked up inside DIR (an unpacked image, a sysroot):\n"
	  "absolute symlinks and '..' resolve inside DIR and never reach the host's files.",
	  inspect_options },
	{ "report", cmd_report, "write one self-contained HTML page: the release matrix, facts, graphs, sizes",
	  "-o FILE [--target T[,T...]]... [--arch ARCH] [--policy FILE|NAME] [--targets FILE] FILE|DIR|dir:ROOT|IMAGE...",
	  "Analyse each FILE as check does and write one HTML page to FILE for a release\n"
	  "review: the matrix of artifacts x targets (ok, warn, FAIL or ? in each cell, the\n"
	  "message users would see and the fix on hover and in a list below it), then per\n"
	  "binary its facts (format, platform, linkage, C library, Go, cgo, minimum OS,\n"
	  "hardening, what it reads at run time and why), each target's findings, the\n"
	  "policy's violations (--policy), its shared libraries as this machine's loader\n"
	  "finds them drawn as a graph (inline SVG laid out by Graphviz's dot, loaded from\n"
	  "Debian's libgvc6 when first needed; without it the page says so and keeps the\n"
	  "rest), and its sizes (sections; a Go program's modules and packages, as size).\n"
	  "The page fetches nothing (no script, font, style or image from elsewhere),\n"
	  "reads the same with JavaScript off, and follows the reader's light or dark\n"
	  "scheme; every string from a file is escaped. SOURCE_DATE_EPOCH sets the date it\n"
	  "shows. Targets as check takes them (default: the policy's, else check's set).\n"
	  "A DIR, dir:ROOT or IMAGE input gives its binaries as scan finds them (inside a\n"
	  "root or image shown as IMAGE (PLATFORM):/PATH, its libraries resolved there).\n"
	  "Exit status 1 when a binary fails a requested target or violates the policy;\n"
	  "2 when an input cannot be analysed (it is listed on the page too).",
	  report_options },
	{ "size", cmd_size, "say what each binary's bytes are: sections, Go packages and modules",
	  "[--json] [--root DIR] FILE...",
	  "Read each FILE (it is never run) and break its size down: every section (ELF,\n"
	  "PE or Mach-O; the ones that take no bytes of the file, such as .bss, marked),\n"
	  "and for a Go program the code of each package and of each module, from the\n"
	  "pclntab's function table: a function's bytes run from its entry to the next\n"
	  "function's, so its alignment padding counts with it. A package's module comes\n"
	  "from the build info (std for the standard library); functions of no package\n"
	  "(go:, type:, cgo glue, assembly entry points) are counted apart. Text shows the\n"
	  "20 largest rows of each table; --json (docs/schema/size.json) has them all.\n"
	  "A file that cannot be analysed gets one line 'shipready: PATH: reason' on stderr;\n"
	  "the exit status is then 2.",
	  size_options },
	{ "deps", cmd_deps, "resolve the shared libraries each binary needs, as the loader would",
	  "[--root DIR] [--flat | --json | --graph dot|mermaid] [--cpu host|VENDOR[/LEVEL]] FILE...",
	  "Resolve every shared library each FILE needs exactly as the dynamic loader would\n"
	  "(glibc's ld.so or musl's), without running anything: DT_RPATH of the loader chain\n"
	  "(unless DT_RUNPATH is set), LD_LIBRARY_PATH (only with --env-library-path),\n"
	  "DT_RUNPATH, /etc/ld.so.cache, the default directories; $ORIGIN, $LIB, $PLATFORM;\n"
	  "candidates of another class or machine skipped. Then check that every required\n"
	  "symbol version is provided. The tree says how each library was found, and for a\n"
	  "missing one every path tried. The glibc-hwcaps subdirectories and $PLATFORM\n"
	  "(haswell/xeon_phi on Intel CPUs only, glibc 2.26 and later) follow this machine's\n"
	  "CPU, or the one --cpu names. Exit status 1 when a library or a version is missing.",
	  deps_options },
	{ "go-version", cmd_go_version, "print what `go version [-m]` prints, read without Go",
	  "[-m] [-v] PATH...",
	  "Print, byte for byte, what `go version [-m] PATH...` prints: the Go version\n"
	  "that built each binary and, with -m, its module and build information. It is\n"
	  "read by shipready's own parsers (both build-info layouts, Go 1.13 to today), so\n"
	  "it works where the installed go is older than the binary, or absent.\n"
	  "Directories are walked recursively in lexical order (symlinked directories are\n"
	  "not followed); executable files that are not Go binaries are skipped (-v\n"
	  "reports them). A PATH named explicitly that is not an executable Go binary gets\n"
	  "'shipready: PATH: reason' on stderr and the exit status is 2.",
	  go_version_options },
	{ "go", cmd_go, "Go binaries: 'go packages FILE...' lists the linked packages",
	  "packages [--json] FILE... | version [-m] [-v] PATH...",
	  "Go-specific views of Go binaries.\n"
	  "  go packages FILE...   the packages linked into each FILE (from the pclntab, so\n"
	  "                        also without build info) with the module of each\n"
	  "  go version PATH...    the same as 'shipready go-version'",
	  no_options },
	{ "targets", cmd_targets, "list the target database: libc, kernel, C++ ABI, OpenSSL, CA roots per target",
	  "[--json] [--targets FILE] [NAME...]",
	  "List the targets shipready knows (distribution releases and base images) with\n"
	  "what each provides: C library and version, highest GLIBCXX_, default kernel,\n"
	  "OpenSSL sonames, CA bundle, zoneinfo, architectures; --json adds the loader and\n"
	  "library directories per architecture, CXXABI_, end of life, sources and notes.\n"
	  "'?' marks a value the sources do not confirm (it is null in JSON and named in\n"
	  "the entry's \"unconfirmed\" list); '-' a value known to be absent.  The database\n"
	  "is data/targets.json, compiled in; --targets FILE reads one in the same format\n"
	  "instead (an error names FILE, and the line:column for bad JSON; exit 2).\n"
	  "NAMEs select entries; an unknown NAME is an error (exit 2).",
	  targets_options },
	{ "check", cmd_check, "will it run there? a verdict per binary and target, with the error users would see",
	  "[--target T[,T...]]... [--arch ARCH] [--policy FILE|NAME] [--json | --format sarif|junit] FILE...",
	  "Judge each FILE against each target without running it: a distribution release\n"
	  "or base image from the database ('shipready targets'; NAME/ARCH pins the\n"
	  "machine), or a real root directory (dir:PATH: its loader, libraries, symbol\n"
	  "versions, CA roots and zoneinfo are read from its files, with the deps loader\n"
	  "model; FILE is imagined at the same path inside it, run by this machine's\n"
	  "kernel), or an image (oci-archive:FILE[:TAG], docker-archive:FILE, oci:DIR[:TAG]:\n"
	  "the platform of this machine, or its only one, read as a root as scan reads it).\n"
	  "Failures say why and what the user would see (Exec format error, No\n"
	  "such file or directory for a missing interpreter, version 'GLIBC_2.34' not\n"
	  "found, a missing library, FATAL: kernel too old); warnings are features that\n"
	  "will fail (x509: certificate signed by unknown authority, unknown time zone);\n"
	  "'?' means a fact about the target is unknown. Each binary's runtimes (what must\n"
	  "be installed) and run-time needs are listed. Without --target a default set of\n"
	  "current targets is used. Exit status 1 when a requested target fails.\n"
	  "--policy gates each FILE on a policy (docs/policy.md: allowed libraries, highest\n"
	  "symbol versions, linkage, hardening, RPATH, cgo, Go version and modules, targets\n"
	  "that must pass): a JSON file, or portable-glibc-2.17, static-only,\n"
	  "distroless-static. One line per violation with its evidence; exit status 1.",
	  check_options },
	{ "scan", cmd_scan, "find every binary in a tree; for a root (dir:ROOT), judge each program inside it",
	  "[--json | --jsonl | --sbom cyclonedx|spdx | --format sarif|junit] [--threads N] [--platform OS/ARCH] DIR|dir:ROOT|IMAGE...",
	  "Walk each tree and find every ELF, PE and Mach-O file in it by its magic number\n"
	  "(a file that is not one costs one small read), never following a symlink and\n"
	  "skipping FIFOs, sockets, devices and /proc-like file systems; analyse each binary\n"
	  "once, on as many threads as there are CPUs (--threads N), as inspect does: kind,\n"
	  "platform, linkage, C library, language (Go, Rust from rustc's .comment line, C++\n"
	  "from its runtime, C), Go facts, a Rust program's crates (the .dep-v0 section cargo\n"
	  "auditable embeds), run-time needs.\n"
	  "dir:ROOT says the tree is a root (an unpacked image, a debootstrap tree): every\n"
	  "ELF program in it is judged inside it, as 'check --target dir:ROOT' judges it\n"
	  "(interpreter, libraries and symbol versions from ROOT's own files, CA roots,\n"
	  "zoneinfo, ...): a glibc program copied onto an Alpine or scratch base is caught.\n"
	  "The text is a summary: counts, then the problems (one line each, failures in\n"
	  "the loader's words), then binaries by format, role, language and C library.\n"
	  "--json prints one document (docs/schema/scan.json); --jsonl one line per binary\n"
	  "as the scan goes (for fleets: aggregate them with your own tools), then one\n"
	  "summary line per PATH. Output is in path order whatever the number of threads.\n"
	  "--sbom cyclonedx (CycloneDX 1.6) or spdx (SPDX 2.3) prints a bill of the one PATH\n"
	  "instead (the summary goes to stderr): each binary with its SHA-256, each Go module\n"
	  "(pkg:golang, its go.sum hash) and Go's standard library; in a root, every\n"
	  "installed dpkg or apk package (pkg:deb, pkg:apk), the one of each binary, and the\n"
	  "files each ELF file loads there (SPDX: DYNAMIC_LINK; Go modules and Rust crates,\n"
	  "pkg:cargo for crates.io ones: STATIC_LINK).\n"
	  "SOURCE_DATE_EPOCH sets its timestamp (the same tree, the same bytes).\n"
	  "IMAGE is oci-archive:FILE[:TAG], docker-archive:FILE or oci:DIR[:TAG]: each of its\n"
	  "platforms (or the one --platform names) is a root, its layers applied in order\n"
	  "(whiteouts and opaque directories too) to a tree in memory, read in place:\n"
	  "nothing is unpacked (only a zstd, xz or bzip2 layer is decompressed to an\n"
	  "unnamed file in $TMPDIR first); blobs are checked against their digests.\n"
	  "On a TTY, progress goes to stderr.\n"
	  "Exit status 1 when a program fails in its root or a file cannot be read or\n"
	  "analysed; 2 when a PATH or image cannot be scanned.",
	  scan_options },
	{ "bundle", cmd_bundle, "write each program's closure (interpreter, libraries, data files) as a directory or tar",
	  "-o DIR|FILE.tar [--from-root DIR] [--prefix DIR] [--resolv-conf] [--force] [--json] FILE...",
	  "Lay out each FILE (an ELF program) with everything it needs to start, at the\n"
	  "paths it will look for them: the program at PREFIX/bin/NAME (/usr/local by\n"
	  "default), its interpreter, every library the loader resolves (the file at its\n"
	  "canonical path, a symlink from the path the loader opens), and for its run-time\n"
	  "needs the CA bundle, the zoneinfo tree, gconv modules and locale data from the\n"
	  "source root (--from-root, default /), judged as check judges a root (an empty\n"
	  "/etc/ssl/certs is no CA roots), plus a generated minimal /etc/passwd, /etc/group\n"
	  "(root, nobody 65534), /etc/nsswitch.conf and /etc/hosts. /etc/resolv.conf is the\n"
	  "container runtime's: it comes along only with --resolv-conf. The output is built\n"
	  "under a temporary name beside it and renamed into place: a killed run leaves\n"
	  "nothing at the output's name. A name ending in .tar gives a tar file with sorted\n"
	  "entries, owner root and every mtime SOURCE_DATE_EPOCH (default 0): the same\n"
	  "inputs give the same bytes.\n"
	  "The manifest (one line per file, or --json) says why each file is there. A need\n"
	  "the source root cannot satisfy is a warning line 'shipready: FILE: warning: …'\n"
	  "and the exit status is 1 (the bundle is written). A FILE that cannot be bundled\n"
	  "(a missing library, not an ELF program) gets 'shipready: FILE: reason', nothing\n"
	  "is written and the exit status is 2. Libraries found through $ORIGIN move with\n"
	  "the program ($ORIGIN/../lib of PREFIX/bin/NAME goes to PREFIX/lib).",
	  bundle_options },
	{ "image", cmd_image, "write an OCI image archive (or docker-archive) of the programs, without a daemon",
	  "-o FILE [--format oci-archive|docker-archive] [--base scratch|oci-archive:PATH[:TAG]]\n"
	  "       [--platform linux/ARCH[/VARIANT]] [--tag TAG]\n"
	  "       [--entrypoint PATH] [--cmd ARG]... [--env NAME=VALUE]... [--user USER] [--workdir DIR]\n"
	  "       [--expose PORT[/PROTO]]... [--label KEY=VALUE]... [--from-root DIR] [--prefix DIR]\n"
	  "       [--force] [--json] FILE...",
	  "Write a container image of the FILEs (Linux ELF programs, never run) directly to\n"
	  "FILE: no Docker daemon, no registry. Its layer is the bundle of the programs\n"
	  "('shipready help bundle': each program, its interpreter, libraries and the data\n"
	  "files its run-time needs), gzip-compressed. --base scratch (the default) makes\n"
	  "it the only layer; --base oci-archive:PATH[:TAG] reads a local OCI image archive\n"
	  "(TAG: its only image or latest) and puts its layers first, copied as they are\n"
	  "(every digest checked), with its config's Env, labels, ports and history under\n"
	  "ours; its platform must be each FILE's (oci-archive output only).\n"
	  "The config runs the first FILE (or --entrypoint) as 65532:65532 unless --user,\n"
	  "in WorkingDir / with a PATH, --cmd, --env and --expose; its labels are the\n"
	  "org.opencontainers.image.* keys (created, title, and from Go build info the\n"
	  "version, revision and source) plus dev.shipready.go.version and --label.\n"
	  "The platform comes from each FILE (ELF machine; arm64 is variant v8, arm's\n"
	  "variant from GOARM; --platform checks it and gives a variant the file does not\n"
	  "tell); FILEs of several platforms give one image per platform under an index.\n"
	  "--format oci-archive (the default) writes an OCI image\n"
	  "layout: oci-layout, index.json naming the image by --tag (default latest), and\n"
	  "blobs/sha256/ (skopeo, podman, buildah: oci-archive:FILE:TAG; umoci). --format\n"
	  "docker-archive writes what 'docker load' reads (one platform; uncompressed layer).\n"
	  "Reproducible: every mtime and the created time are SOURCE_DATE_EPOCH (default\n"
	  "0), owner 0:0, entries sorted, gzip without a timestamp, JSON with sorted keys:\n"
	  "the same inputs give the same bytes and digests. The file is written under a\n"
	  "temporary name beside FILE and renamed into place (an existing FILE only with\n"
	  "--force): a killed run leaves nothing at FILE. A need the source root cannot\n"
	  "satisfy is a warning line 'shipready: FILE: warning: …' and exit status 1 (the\n"
	  "image is written); a FILE that cannot be put in an image or a bad option value is\n"
	  "'shipready: PATH: reason', nothing is written and the exit status is 2.",
	  image_options },
	{ "verify", cmd_verify, "run a program's bundle in a sandbox (namespaces) and check that it works",
	  "[--cmd ARGS] [--http PORT/PATH] [--timeout S] [--from-root DIR] [--prefix DIR] [--no-needs]\n"
	  "       [--keep] [--json] FILE",
	  "Bundle FILE as 'shipready bundle' would (into a temporary directory, removed\n"
	  "afterwards unless --keep) and run it there: the one command that executes the\n"
	  "analysed program, and only inside fresh Linux namespaces: user (your uid and gid\n"
	  "become 65534 inside, nothing else is mapped, no capabilities, no_new_privs),\n"
	  "mount (the bundle is the read-only root; /dev/null, zero, random and urandom;\n"
	  "a fresh /proc; a 64 MiB tmpfs on /tmp; nothing else of the host), pid (the\n"
	  "program cannot see or signal host processes; all of it is killed at the end),\n"
	  "net (loopback only), ipc and uts (hostname shipready-verify). The environment\n"
	  "is PATH and HOME=/ only, stdin is /dev/null.\n"
	  "The check: the exit status (0 before the timeout passes), or with --http\n"
	  "PORT/PATH an HTTP GET on 127.0.0.1:PORT inside the sandbox answering 2xx before\n"
	  "the timeout (retried until then; the program is then killed). --cmd ARGS gives\n"
	  "the program's arguments (split into words like sh, no expansion). The result is\n"
	  "'PASS FILE: reason' or 'FAIL FILE: reason' (exit status, signal, timeout, HTTP\n"
	  "status, no answer), then the captured stdout and stderr (the last 64 KiB each,\n"
	  "control characters as \\xNN). --no-needs leaves out the run-time needs' files\n"
	  "(CA roots, zoneinfo, ...) to show what the program does without them. A need\n"
	  "the source root cannot satisfy is a warning line, and the program still runs.\n"
	  "Exit status 0 pass, 1 fail, 2 could not run: bad input, a FILE that cannot be\n"
	  "bundled, or namespaces not available to you (the line names the cause: a\n"
	  "sysctl, AppArmor, a container's seccomp profile, and the fix).",
	  verify_options },
	{ "unit", cmd_unit, "write a hardened systemd service unit for each program",
	  "[--name NAME] [--exec-path PATH] [--user USER] [--env NAME=VALUE]... [--arg ARG]...\n"
	  "       [--capability CAP]... [--state-dir DIR] [--log-dir DIR] [-o FILE|DIR] FILE...",
	  "Write a systemd service unit for each FILE (a Linux executable, never run) that\n"
	  "confines it as far as what it links allows: ExecStart with the install path,\n"
	  "DynamicUser=yes (or --user), NoNewPrivileges, ProtectSystem=strict, ProtectHome,\n"
	  "PrivateTmp, PrivateDevices, an empty CapabilityBoundingSet (unless --capability),\n"
	  "SystemCallFilter=@system-service and more; RestrictAddressFamilies from the\n"
	  "networking it links (Go's net package, C socket and resolver calls, networking\n"
	  "libraries): AF_UNIX always, AF_INET AF_INET6 only with networking (else also\n"
	  "PrivateNetwork=yes), AF_NETLINK only for interface listing; network-online\n"
	  "ordering only with networking; Restart=on-failure. A comment before each\n"
	  "hardening line says why, with the evidence.\n"
	  "Several FILEs are printed one after the other (each starts with a '# NAME.service'\n"
	  "comment), or with -o DIR written as DIR/NAME.service; -o FILE takes one FILE.\n"
	  "A file is written through a temporary file and a rename. A bad option value is\n"
	  "one line 'shipready: unit: --OPTION ...' and exit status 2.",
	  unit_options },
	{ "diff", cmd_diff, "what changed between two releases that matters for deployment",
	  "[--policy FILE] [--json | --format sarif|junit] OLD NEW",
	  "Compare two builds of a program (OLD and NEW files), or two directories of\n"
	  "release artifacts (binaries paired by name with the version stripped, and by\n"
	  "platform). For each pair: symbol-version floors (GLIBC, GLIBCXX, CXXABI, ...)\n"
	  "and the minimum kernel (Windows: the OS and subsystem versions; macOS: the\n"
	  "minimum OS), needed libraries (DLLs, dylibs), run-time needs (CA roots,\n"
	  "zoneinfo, ...), linkage, interpreter, C library, cgo, hardening (PIE, RELRO,\n"
	  "NX, canary, FORTIFY; PE ASLR, high-entropy VA, DEP, CFG), the Go release, Go\n"
	  "modules (downgrades stand out), build settings, vcs.modified, and the size of\n"
	  "the file and of each section that changed by 1% and 1 KiB. Regressions first.\n"
	  "--policy FILE (docs/diff.md) decides what fails; by default a floor may not\n"
	  "rise, no hardening may be lost and no module may go down. Exit status 1 when\n"
	  "a change fails the policy. Images (oci-archive:, docker-archive:, oci:) are\n"
	  "compared platform by platform as directories, their files named IMAGE\n"
	  "(PLATFORM):/PATH.",
	  diff_options },
	{ "preflight", cmd_preflight, "write a sh script that checks a host can run each program",
	  "[-o FILE] FILE...",
	  "Write a POSIX sh script (dash and busybox sh run it) that a user runs on the\n"
	  "host about to receive the FILEs (Linux programs, never run). It checks what\n"
	  "'check --target dir:/' would there, in the same words: the machine (uname -m),\n"
	  "the interpreter and C library, each needed library the program does not ship\n"
	  "(beside it through $ORIGIN) where the loader looks (RPATH/RUNPATH, the\n"
	  "directories of /etc/ld.so.conf, the default ones; musl's path file) and the\n"
	  "symbol versions it requires from it, the kernel (uname -r), and the files it\n"
	  "reads at run time (CA roots, zoneinfo, NSS, ...). It prints a FAIL or warn line\n"
	  "per finding, or 'ok FILE: runs on this host', then a summary; exit status 1\n"
	  "when a program cannot start there. The script only reads files and runs\n"
	  "uname, getconf, dd, tr and grep; every value in it is single-quoted. Not\n"
	  "checked there: the libraries' own dependencies, LD_LIBRARY_PATH.",
	  preflight_options },
	{ "dockerfile", cmd_dockerfile, "write a Dockerfile on the smallest base each program needs",
	  "[--go-build PKG] [--user USER] [--healthcheck COMMAND] [--from-root DIR] [--json] [-o FILE] FILE...",
	  "Write a Dockerfile for each FILE (a Linux executable, never run) on the smallest\n"
	  "base that satisfies what it needs, each choice after a comment saying why:\n"
	  "FROM scratch for a static program; scratch plus COPY of the CA roots and zoneinfo\n"
	  "from the build context when it needs them (smaller than distroless/static, and\n"
	  "buildable offline). A dynamic program's libraries are resolved in the source\n"
	  "root (--from-root, default /), whose os-release names the base:\n"
	  "gcr.io/distroless/base-debian12 for glibc with only libc6 on Debian 12;\n"
	  "debian:N-slim or ubuntu:N with apt-get install of the packages that hold its\n"
	  "other libraries (the root's dpkg database); alpine for musl (apk packages from\n"
	  "an Alpine root's database). The program is judged against the root with the\n"
	  "check engine: what would stop it starting there (a glibc symbol version, ...)\n"
	  "is a comment and a warning line, exit 1. A library no package holds is named\n"
	  "in a comment, never guessed, and is a warning line with exit 1.\n"
	  "The program is copied from the build context as /app; USER is non-root\n"
	  "(65532:65532 unless --user). --go-build PKG writes the multi-stage form: a stage\n"
	  "on golang:MAJOR.MINOR of the binary's Go release running go build with the\n"
	  "CGO_ENABLED, GOARCH, -trimpath, -ldflags and -tags of its build info.\n"
	  "--json prints the base, libraries, packages, problems and the text\n"
	  "(docs/schema/dockerfile.json).\n"
	  "A bad option value is one line 'shipready: dockerfile: --OPTION ...', exit 2.",
	  dockerfile_options },
	{ "drift", cmd_drift, "say whether each Go binary was built from this source tree",
	  "--source DIR [--json] FILE...",
	  "Compare each Go binary's build info with the module in DIR (never run): the\n"
	  "main module's path; every dependency's version against go.mod's require lines\n"
	  "and its replacement against the replace lines; each h1: hash against go.sum (a\n"
	  "different hash for the same version is tampering or a proxy problem); the Go\n"
	  "release against go.mod's go and toolchain lines; vcs.revision against the\n"
	  "repository's HEAD and vcs.modified (the git program reads DIR; a directory\n"
	  "that is not a repository is not an error). One verdict line per binary ('built\n"
	  "from DIR at abc1234, clean' or 'drift: N differences'), then each difference\n"
	  "with both values, then notes (no VCS stamp, no -trimpath, a dirty tree now).\n"
	  "A vendored module's vendor/modules.txt is checked against go.mod as the go\n"
	  "command checks it (its 'inconsistent vendoring' lines) and against the binary.\n"
	  "--json: docs/schema/drift.json. Exit 1 on any drift, 2 for a binary that is\n"
	  "not Go with module build info, or a DIR without go.mod.",
	  drift_options },
	{ "compile-deps", cmd_compile_deps, "what went into a C build: headers, archives, their packages",
	  "[--map FILE]... [--trace FILE]... [--policy P] [--graph dot|mermaid] [--json] [DEPFILE...]",
	  "Read the dependency files a compiler wrote (gcc or clang -M, -MD, -MMD: make\n"
	  "rules with escaped spaces and continuations), and a GNU linker map\n"
	  "(-Wl,-Map=FILE: which archive members went in) or -Wl,--trace lines. Each\n"
	  "source, header, object, archive and shared library is attributed: inside the\n"
	  "project (--project, default the current directory), to the package that holds\n"
	  "it in the root's dpkg or apk database (--root, default /), or unknown. Relative\n"
	  "names are relative to --build-dir (default the current directory).\n"
	  "Text: files per origin, the archives that went in (--list: every file).\n"
	  "--policy judges allowed_header_packages, allowed_include_dirs and\n"
	  "allowed_static_archives (docs/policy.md): each violation one line with the\n"
	  "build that included it; exit 1. --graph dot|mermaid prints the graph: each\n"
	  "unit to the origins of its headers, the link to the origins of its inputs.\n"
	  "--json: docs/schema/compile-deps.json. A file that cannot be read is one line\n"
	  "'shipready: PATH: reason', exit 2; the others still count.",
	  compile_deps_options },
	{ "build", cmd_build, "build a Go release for each platform, prove it, hash it, judge it",
	  "[--target OS/ARCH]... [--check-target T]... [--policy P] [--json] [DIR]",
	  "Build the Go main package in DIR (default .) with the go command on PATH\n"
	  "(GOTOOLCHAIN=local: shipready never downloads a toolchain) for each --target\n"
	  "(default linux/amd64, linux/arm64, darwin/arm64, windows/amd64), with\n"
	  "CGO_ENABLED=0 and -trimpath unless --cgo or --no-trimpath, into\n"
	  "DIR/dist/NAME_OS_ARCH[.exe] (--out, --name). Each platform is built a second\n"
	  "time with an empty build cache in a temporary directory: different bytes are a\n"
	  "finding naming the first differing offset and its section (--no-reproduce\n"
	  "skips it). dist/SHA256SUMS is what sha256sum -c accepts. Every artifact is\n"
	  "analysed (the release matrix of inspect) and the Linux ones judged on each\n"
	  "--check-target and the --policy's targets; the policy gates every artifact.\n"
	  "The matrix is printed at the end, problems first; on a TTY a line per\n"
	  "platform shows progress. --json: docs/schema/build.json. Exit 1 when a build\n"
	  "fails, is not reproducible, fails a target or violates the policy; 2 without\n"
	  "a go command (how to get one is said) or for bad options.",
	  build_options },
	{ "help", cmd_help, "show help for shipready or for one command", "[COMMAND]",
	  "Show the list of commands, or the help of COMMAND.", no_options },
	{ 0 },
};

static void main_help(FILE *f)
{
	fprintf(f, "usage: shipready COMMAND [OPTIONS] [ARGS]\n"
	           "       shipready --version | --help\n\n"
	           "shipready reads ELF binaries without running them and says what they need\n"
	           "and where they will run (only 'verify' runs one, in a sandbox).\n\ncommands:\n");
	int w = 0;
	for (const struct cli_command *c = cli_commands; c->name; c++)
		w = (int)strlen(c->name) > w ? (int)strlen(c->name) : w;
	for (const struct cli_command *c = cli_commands; c->name; c++)
		fprintf(f, "  %-*s  %s\n", w, c->name, c->summary);
	fprintf(f, "\nRun 'shipready help COMMAND' for a command's options.\n"
	           "Exit status: 0 ok, 1 findings or policy failure, 2 bad input or usage.\n");
}

static const struct cli_command *find_command(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int cmd_help(int argc, char **argv, const struct cli_command *self)
{
	(void)self;
	if (argc < 2) {
		main_help(stdout);
		return EXIT_OK;
	}
	const struct cli_command *c = find_command(argv[1]);
	if (!c) {
		cli_usage_error(NULL, "help: unknown command '%s'", argv[1]);
		return EXIT_ERROR;
	}
	cli_command_help(stdout, c);
	return EXIT_OK;
}

/* jansson seeds its hash function from /dev/urandom on first use; with
 * --root no file outside the root may be opened, so seed it from the
 * getrandom() system call instead (it opens nothing). */
static void seed_json(void)
{
	size_t seed = 0;
	if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed || seed == 0)
		seed = (size_t)0x9e3779b97f4a7c15u;
	json_object_seed(seed);
}

int main(int argc, char **argv)
{
	seed_json();
	if (argc < 2) {
		main_help(stderr);
		return EXIT_ERROR;
	}
	const char *a = argv[1];
	if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
		main_help(stdout);
		return EXIT_OK;
	}
	if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
		printf("shipready %s\n", sr_version_string());
		return EXIT_OK;
	}
	const struct cli_command *c = find_command(a);
	if (!c) {
		if (a[0] == '-')
			cli_usage_error(NULL, "unknown option '%s'", a);
		else
			cli_usage_error(NULL, "unknown command '%s'", a);
		return EXIT_ERROR;
	}
	return c->run(argc - 1, argv + 1, c);
}
