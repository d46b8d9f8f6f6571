/* shipready — the rules of the CI reports: check's finding kinds (see
 * shipready/check.h) and the policy keys (docs/policy.md).  Their ids never
 * change: code scanning matches alerts across runs by rule id. */
#include "report/ci_internal.h"

#include <string.h>

const struct sr_ci_rule sr_ci_rules[] = {
	{ "exec-format", "ExecFormat", "The program is not in a format or for a machine the target can execute.",
	  "Build for the target's architecture and operating system (GOOS/GOARCH, a cross compiler), or "
	  "choose a target of the program's machine.",
	  SR_SEV_FAIL },
	{ "wrong-os", "WrongOperatingSystem", "The ELF file is built for another operating system.",
	  "Build for Linux, or deploy to the operating system the file is for.", SR_SEV_FAIL },
	{ "interpreter", "MissingInterpreter",
	  "The program's dynamic loader (PT_INTERP) is not on the target: the kernel reports \"No such file or "
	  "directory\".",
	  "Link statically (CGO_ENABLED=0, -static), use a base image with the same C library, or bundle the "
	  "loader with 'shipready bundle'.",
	  SR_SEV_FAIL },
	{ "libc", "WrongLibc", "The program is linked against a C library the target does not use (glibc on musl, "
	                           "or the reverse).",
	  "Build against the target's C library, or link statically.", SR_SEV_FAIL },
	{ "library", "MissingLibrary", "A shared library the program needs is not on the target.",
	  "Install the package that ships it on the target, bundle it with the program, or link it statically.",
	  SR_SEV_FAIL },
	{ "symbol-version", "SymbolVersionTooNew",
	  "The program requires a symbol version (GLIBC_2.34, GLIBCXX_3.4.30, ...) newer than the target's library "
	  "has.",
	  "Build on (or with a sysroot of) the oldest system you support, or choose a newer target.", SR_SEV_FAIL },
	{ "symbol", "MissingSymbol", "The target's C library does not define a symbol the program uses.",
	  "Build against the target's C library.", SR_SEV_FAIL },
	{ "kernel", "KernelTooOld", "The target's kernel is older than the program needs.",
	  "Build with a toolchain that supports the older kernel, or choose a newer target.", SR_SEV_FAIL },
	{ "ca-roots", "MissingCaRoots",
	  "The program verifies TLS certificates, and the target has no CA bundle: \"x509: certificate signed by "
	  "unknown authority\".",
	  "Install ca-certificates, or copy a CA bundle into the image (/etc/ssl/certs/ca-certificates.crt).",
	  SR_SEV_WARN },
	{ "zoneinfo", "MissingZoneinfo",
	  "The program loads time zones by name, and the target has no zoneinfo: \"unknown time zone\".",
	  "Install tzdata, embed it (Go: import time/tzdata or -tags timetzdata), or copy /usr/share/zoneinfo.",
	  SR_SEV_WARN },
	{ "nss", "MissingNss", "The program looks up users, groups or hosts through glibc's name-service switch, and "
	                       "the target lacks its configuration or modules.",
	  "Provide /etc/nsswitch.conf and the libnss modules it names, or avoid NSS (Go: netgo, osusergo).",
	  SR_SEV_WARN },
	{ "user-db", "MissingUserDatabase", "The program looks up users or groups, and the target has no /etc/passwd "
	                                    "or /etc/group.",
	  "Add /etc/passwd and /etc/group with the users the program runs as.", SR_SEV_WARN },
	{ "dns", "MissingDnsConfig", "The program resolves host names, and the target has no resolver configuration.",
	  "Provide /etc/resolv.conf (and /etc/hosts); container runtimes usually mount them.", SR_SEV_WARN },
	{ "gconv", "MissingGconvModules",
	  "The program converts between character sets with iconv, and the target has no gconv modules.",
	  "Install the C library's gconv modules, or convert only between the built-in character sets.",
	  SR_SEV_WARN },
	{ "locale", "MissingLocaleData", "The program selects named locales, and the target has no locale data.",
	  "Install the locales it uses, or run it in the C or C.UTF-8 locale.", SR_SEV_WARN },
	{ "dlopen", "RuntimeLoadedLibrary", "The program loads libraries by name at run time, which the target may "
	                                    "not have.",
	  "Make sure the libraries it opens are on the target; 'shipready inspect' lists the names found.",
	  SR_SEV_WARN },
	{ "runtime", "MissingRuntime", "The program needs a runtime installed on the target (.NET, ...).",
	  "Install the runtime on the target, or publish the program self-contained.", SR_SEV_FAIL },
	{ "policy.linkage", "PolicyLinkage", "The file is linked in a way the policy does not allow.",
	  "Link it as the policy's linkage rule asks (static, static-pie or dynamic).", SR_SEV_FAIL },
	{ "policy.allowed_libraries", "PolicyAllowedLibraries", "The file needs a library the policy does not allow.",
	  "Drop the dependency, link it statically, or add it to allowed_libraries.", SR_SEV_FAIL },
	{ "policy.forbidden_libraries", "PolicyForbiddenLibraries", "The file needs a library the policy forbids.",
	  "Drop the dependency or link it statically.", SR_SEV_FAIL },
	{ "policy.max_symbol_versions", "PolicyMaxSymbolVersions",
	  "The file requires a symbol version newer than the policy's maximum.",
	  "Build on (or with a sysroot of) a system no newer than the policy's maximum.", SR_SEV_FAIL },
	{ "policy.forbid_rpath", "PolicyForbidRpath", "The file carries an RPATH or RUNPATH the policy forbids.",
	  "Link without -rpath, or set it to $ORIGIN-relative paths the policy allows.", SR_SEV_FAIL },
	{ "policy.require_pie", "PolicyRequirePie", "The file is not a position-independent executable.",
	  "Build with -fPIE -pie (Go: -buildmode=pie).", SR_SEV_FAIL },
	{ "policy.require_full_relro", "PolicyRequireFullRelro", "The file does not have full RELRO.",
	  "Link with -Wl,-z,relro,-z,now.", SR_SEV_FAIL },
	{ "policy.require_nx", "PolicyRequireNx", "The file has an executable stack.",
	  "Link with -Wl,-z,noexecstack and find the object that asks for an executable stack.", SR_SEV_FAIL },
	{ "policy.forbid_cgo", "PolicyForbidCgo", "The Go binary uses cgo.", "Build with CGO_ENABLED=0.",
	  SR_SEV_FAIL },
	{ "policy.require_cgo", "PolicyRequireCgo", "The Go binary's use of cgo is not what the policy asks.",
	  "Build with CGO_ENABLED set as the policy asks.", SR_SEV_FAIL },
	{ "policy.min_go_version", "PolicyMinGoVersion", "The Go binary was built with a Go release older than the "
	                                                  "policy's minimum.",
	  "Build with a newer Go toolchain.", SR_SEV_FAIL },
	{ "policy.max_go_version", "PolicyMaxGoVersion", "The Go binary was built with a Go release newer than the "
	                                                  "policy's maximum.",
	  "Build with an older Go toolchain, or raise max_go_version.", SR_SEV_FAIL },
	{ "policy.forbidden_go_modules", "PolicyForbiddenGoModules", "The Go binary links a module version the policy "
	                                                              "forbids.",
	  "Upgrade or drop the module (go get MODULE@VERSION), then rebuild.", SR_SEV_FAIL },
	{ "policy.allowed_go_modules", "PolicyAllowedGoModules", "The Go binary links a module the policy does not "
	                                                          "allow.",
	  "Drop the dependency, or add it to allowed_go_modules.", SR_SEV_FAIL },
	{ "policy.require_trimpath", "PolicyRequireTrimpath", "The Go binary was built without -trimpath.",
	  "Build with go build -trimpath.", SR_SEV_FAIL },
	{ "policy.require_vcs_clean", "PolicyRequireVcsClean",
	  "The Go binary has no version control stamp, or was built from a work tree with uncommitted changes.",
	  "Build from a clean checkout with -buildvcs=true.", SR_SEV_FAIL },
	{ "policy.targets_must_pass", "PolicyTargetsMustPass", "The file does not run on a target the policy names.",
	  "See the check finding in the message; fix it or change the policy's targets.", SR_SEV_FAIL },
	{ "diff.max_floor_raise", "DiffFloorRose",
	  "A symbol version floor (GLIBC, GLIBCXX, ...) or the minimum kernel rose more than the diff policy allows.",
	  "Find the symbol that needs the newer version (the change names it) and avoid it, or build on the older "
	  "system again.",
	  SR_SEV_FAIL },
	{ "diff.no_new_libraries", "DiffNewLibrary", "The new build needs a shared library the old one did not.",
	  "Make sure every target has it, or link it statically.", SR_SEV_FAIL },
	{ "diff.no_new_needs", "DiffNewRuntimeNeed",
	  "The new build reads files at run time (CA roots, zoneinfo, ...) the old one did not.",
	  "Make sure the deployment provides them (see shipready check).", SR_SEV_FAIL },
	{ "diff.no_hardening_loss", "DiffHardeningLost", "The new build lost a hardening feature (PIE, RELRO, NX, "
	                                                  "stack canary, FORTIFY).",
	  "Restore the compiler and linker flags of the old build.", SR_SEV_FAIL },
	{ "diff.no_module_downgrade", "DiffModuleDowngrade", "A Go module is older in the new build.",
	  "Check go.mod and go.sum: a downgrade often undoes a security fix.", SR_SEV_FAIL },
	{ "diff.no_linkage_change", "DiffLinkageChanged", "Linkage, interpreter, C library or cgo changed.",
	  "Make sure every target still runs the new build (shipready check).", SR_SEV_FAIL },
	{ "diff.regression", "DiffRegression", "A change for the worse the diff policy lets through.",
	  "See the message; tighten the policy to fail on it.", SR_SEV_WARN },
	{ "other", "OtherFinding", "A finding of a kind without a rule of its own.",
	  "See the message; 'shipready check' explains the finding.", SR_SEV_WARN },
};

const size_t sr_ci_nrules = sizeof sr_ci_rules / sizeof sr_ci_rules[0];

long sr_ci_rule_index(const char *id)
{
	for (size_t i = 0; i < sr_ci_nrules; i++)
		if (strcmp(sr_ci_rules[i].id, id) == 0)
			return (long)i;
	return -1;
}
