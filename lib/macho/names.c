/* Names of Mach-O constants, for display and JSON.  The spellings follow
 * <mach/machine.h>, <mach-o/loader.h> and LLVM's llvm-objdump where they
 * agree (CPU names as lipo and `file` print them). */
#include <stdio.h>

#include "macho/macho_consts.h"
#include "shipready/macho.h"

const char *sr_macho_cpu_name(uint32_t cputype, uint32_t cpusubtype)
{
	uint32_t sub = cpusubtype & ~CPU_SUBTYPE_MASK;
	switch (cputype) {
	case SR_CPU_TYPE_X86:
		return "i386";
	case SR_CPU_TYPE_X86_64:
		return sub == 8 ? "x86_64h" : "x86_64";
	case SR_CPU_TYPE_ARM64:
		return sub == 2 ? "arm64e" : "arm64";
	case SR_CPU_TYPE_ARM64_32:
		return "arm64_32";
	case SR_CPU_TYPE_ARM:
		switch (sub) {
		case 5: return "armv4t";
		case 6: return "armv6";
		case 7: return "armv5";
		case 8: return "xscale";
		case 9: return "armv7";
		case 10: return "armv7f";
		case 11: return "armv7s";
		case 12: return "armv7k";
		case 13: return "armv8";
		case 14: return "armv6m";
		case 15: return "armv7m";
		case 16: return "armv7em";
		default: return "arm";
		}
	case SR_CPU_TYPE_POWERPC:
		return "ppc";
	case SR_CPU_TYPE_POWERPC64:
		return "ppc64";
	default:
		return NULL;
	}
}

const char *sr_macho_goarch(uint32_t cputype)
{
	switch (cputype) {
	case SR_CPU_TYPE_X86: return "386";
	case SR_CPU_TYPE_X86_64: return "amd64";
	case SR_CPU_TYPE_ARM: return "arm";
	case SR_CPU_TYPE_ARM64: return "arm64";
	case SR_CPU_TYPE_POWERPC: return "ppc";
	case SR_CPU_TYPE_POWERPC64: return "ppc64";
	default: return NULL;
	}
}

const char *sr_macho_filetype_name(uint32_t filetype)
{
	static const char *const names[] = {
		NULL, "MH_OBJECT", "MH_EXECUTE", "MH_FVMLIB", "MH_CORE", "MH_PRELOAD", "MH_DYLIB",
		"MH_DYLINKER", "MH_BUNDLE", "MH_DYLIB_STUB", "MH_DSYM", "MH_KEXT_BUNDLE", "MH_FILESET",
	};
	return filetype < sizeof names / sizeof names[0] ? names[filetype] : NULL;
}

const char *sr_macho_platform_name(uint32_t platform)
{
	static const char *const names[] = {
		NULL, "macOS", "iOS", "tvOS", "watchOS", "bridgeOS", "macCatalyst", "iOS-simulator",
		"tvOS-simulator", "watchOS-simulator", "DriverKit", "visionOS", "visionOS-simulator",
	};
	return platform < sizeof names / sizeof names[0] ? names[platform] : NULL;
}

const char *sr_macho_tool_name(uint32_t tool)
{
	static const char *const names[] = { NULL, "clang", "swift", "ld", "lld" };
	return tool < sizeof names / sizeof names[0] ? names[tool] : NULL;
}

const char *sr_macho_cmd_name(uint32_t cmd)
{
	switch (cmd) {
	case LC_SEGMENT: return "LC_SEGMENT";
	case LC_SYMTAB: return "LC_SYMTAB";
	case LC_UNIXTHREAD: return "LC_UNIXTHREAD";
	case LC_DYSYMTAB: return "LC_DYSYMTAB";
	case LC_LOAD_DYLIB: return "LC_LOAD_DYLIB";
	case LC_ID_DYLIB: return "LC_ID_DYLIB";
	case LC_LOAD_DYLINKER: return "LC_LOAD_DYLINKER";
	case LC_ID_DYLINKER: return "LC_ID_DYLINKER";
	case LC_SEGMENT_64: return "LC_SEGMENT_64";
	case LC_UUID: return "LC_UUID";
	case LC_CODE_SIGNATURE: return "LC_CODE_SIGNATURE";
	case LC_LAZY_LOAD_DYLIB: return "LC_LAZY_LOAD_DYLIB";
	case LC_ENCRYPTION_INFO: return "LC_ENCRYPTION_INFO";
	case LC_ENCRYPTION_INFO_64: return "LC_ENCRYPTION_INFO_64";
	case LC_VERSION_MIN_MACOSX: return "LC_VERSION_MIN_MACOSX";
	case LC_VERSION_MIN_IPHONEOS: return "LC_VERSION_MIN_IPHONEOS";
	case LC_VERSION_MIN_TVOS: return "LC_VERSION_MIN_TVOS";
	case LC_VERSION_MIN_WATCHOS: return "LC_VERSION_MIN_WATCHOS";
	case LC_BUILD_VERSION: return "LC_BUILD_VERSION";
	case LC_LOAD_WEAK_DYLIB: return "LC_LOAD_WEAK_DYLIB";
	case LC_RPATH: return "LC_RPATH";
	case LC_REEXPORT_DYLIB: return "LC_REEXPORT_DYLIB";
	case LC_LOAD_UPWARD_DYLIB: return "LC_LOAD_UPWARD_DYLIB";
	case LC_MAIN: return "LC_MAIN";
	default: return NULL;
	}
}

size_t sr_macho_flag_names(uint32_t flags, const char **out, size_t max)
{
	static const char *const names[32] = {
		"NOUNDEFS", "INCRLINK", "DYLDLINK", "BINDATLOAD", "PREBOUND", "SPLIT_SEGS", "LAZY_INIT",
		"TWOLEVEL", "FORCE_FLAT", "NOMULTIDEFS", "NOFIXPREBINDING", "PREBINDABLE", "ALLMODSBOUND",
		"SUBSECTIONS_VIA_SYMBOLS", "CANONICAL", "WEAK_DEFINES", "BINDS_TO_WEAK",
		"ALLOW_STACK_EXECUTION", "ROOT_SAFE", "SETUID_SAFE", "NO_REEXPORTED_DYLIBS", "PIE",
		"DEAD_STRIPPABLE_DYLIB", "HAS_TLV_DESCRIPTORS", "NO_HEAP_EXECUTION", "APP_EXTENSION_SAFE",
		"NLIST_OUTOFSYNC_WITH_DYLDINFO", "SIM_SUPPORT", NULL, NULL, NULL, "DYLIB_IN_CACHE",
	};
	size_t n = 0;
	for (unsigned bit = 0; bit < 32; bit++) {
		if (!(flags & (1u << bit)))
			continue;
		if (n < max)
			out[n] = names[bit] ? names[bit] : "?";
		n++;
	}
	return n;
}

char *sr_macho_version_str(uint32_t v, bool full, char *buf, size_t len)
{
	unsigned x = v >> 16, y = v >> 8 & 0xff, z = v & 0xff;
	if (full || z != 0)
		snprintf(buf, len, "%u.%u.%u", x, y, z);
	else
		snprintf(buf, len, "%u.%u", x, y);
	return buf;
}
