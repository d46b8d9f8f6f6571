/* Names of PE header values, from Microsoft's "PE Format" specification
 * (learn.microsoft.com/windows/win32/debug/pe-format). */
#include <stddef.h>

#include "shipready/pe.h"

struct name16 {
	uint16_t value;
	const char *name;
};

static const struct name16 machines[] = {
	{ SR_PE_MACHINE_I386, "x86" },
	{ SR_PE_MACHINE_AMD64, "x86-64" },
	{ SR_PE_MACHINE_ARM64, "ARM64" },
	{ SR_PE_MACHINE_ARMNT, "ARMNT" },
	{ SR_PE_MACHINE_ARM, "ARM" },
	{ 0xa641, "ARM64EC" },
	{ 0xa64e, "ARM64X" },
	{ 0x0200, "IA-64" },
	{ 0x5032, "RISC-V 32" },
	{ 0x5064, "RISC-V 64" },
	{ 0x6232, "LoongArch 32" },
	{ 0x6264, "LoongArch 64" },
	{ 0x01c2, "Thumb" },
	{ 0x0ebc, "EFI byte code" },
};

static const struct name16 subsystems[] = {
	{ 1, "native" },
	{ 2, "gui" },
	{ 3, "console" },
	{ 5, "os2-console" },
	{ 7, "posix-console" },
	{ 8, "native-windows" },
	{ 9, "windows-ce-gui" },
	{ 10, "efi-application" },
	{ 11, "efi-boot-service-driver" },
	{ 12, "efi-runtime-driver" },
	{ 13, "efi-rom" },
	{ 14, "xbox" },
	{ 16, "windows-boot-application" },
};

static const char *lookup(const struct name16 *t, size_t n, uint16_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return NULL;
}

const char *sr_pe_machine_name(uint16_t machine)
{
	return lookup(machines, sizeof machines / sizeof machines[0], machine);
}

const char *sr_pe_goarch(uint16_t machine)
{
	switch (machine) {
	case SR_PE_MACHINE_I386: return "386";
	case SR_PE_MACHINE_AMD64: return "amd64";
	case SR_PE_MACHINE_ARM64: return "arm64";
	case SR_PE_MACHINE_ARMNT: return "arm";
	}
	return NULL;
}

const char *sr_pe_subsystem_name(uint16_t subsystem)
{
	return lookup(subsystems, sizeof subsystems / sizeof subsystems[0], subsystem);
}

/* Windows releases by their NT version (the OS and subsystem version fields
 * name the oldest release a file is meant for).  Only versions that are one
 * client release are named: 6.0 is both Vista and Server 2008, 6.1 both 7 and
 * Server 2008 R2, and so on; the client name is given.  Windows 11 reports
 * 10.0 as well.  Source: learn.microsoft.com/windows/win32/sysinfo/operating-system-version. */
static const struct { uint16_t major, minor; const char *name; } windows[] = {
	{ 4, 0, "Windows NT 4.0" },
	{ 5, 0, "Windows 2000" },
	{ 5, 1, "Windows XP" },
	{ 5, 2, "Windows XP x64 / Server 2003" },
	{ 6, 0, "Windows Vista" },
	{ 6, 1, "Windows 7" },
	{ 6, 2, "Windows 8" },
	{ 6, 3, "Windows 8.1" },
	{ 10, 0, "Windows 10" },
};

const char *sr_pe_windows_name(uint16_t major, uint16_t minor)
{
	for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++)
		if (windows[i].major == major && windows[i].minor == minor)
			return windows[i].name;
	return NULL;
}

static size_t bit_names(uint16_t flags, const struct name16 *t, size_t n, const char **out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (flags & t[i].value) {
			if (k < max)
				out[k] = t[i].name;
			k++;
		}
	return k;
}

static const struct name16 dllchars[] = {
	{ SR_PE_DLLCHAR_HIGH_ENTROPY_VA, "HIGH_ENTROPY_VA" },
	{ SR_PE_DLLCHAR_DYNAMIC_BASE, "DYNAMIC_BASE" },
	{ SR_PE_DLLCHAR_FORCE_INTEGRITY, "FORCE_INTEGRITY" },
	{ SR_PE_DLLCHAR_NX_COMPAT, "NX_COMPAT" },
	{ SR_PE_DLLCHAR_NO_ISOLATION, "NO_ISOLATION" },
	{ SR_PE_DLLCHAR_NO_SEH, "NO_SEH" },
	{ SR_PE_DLLCHAR_NO_BIND, "NO_BIND" },
	{ SR_PE_DLLCHAR_APPCONTAINER, "APPCONTAINER" },
	{ SR_PE_DLLCHAR_WDM_DRIVER, "WDM_DRIVER" },
	{ SR_PE_DLLCHAR_GUARD_CF, "GUARD_CF" },
	{ SR_PE_DLLCHAR_TERMINAL_SERVER_AWARE, "TERMINAL_SERVER_AWARE" },
};

static const struct name16 filechars[] = {
	{ SR_PE_FILE_RELOCS_STRIPPED, "RELOCS_STRIPPED" },
	{ SR_PE_FILE_EXECUTABLE_IMAGE, "EXECUTABLE_IMAGE" },
	{ 0x0004, "LINE_NUMS_STRIPPED" },
	{ 0x0008, "LOCAL_SYMS_STRIPPED" },
	{ 0x0010, "AGGRESSIVE_WS_TRIM" },
	{ SR_PE_FILE_LARGE_ADDRESS_AWARE, "LARGE_ADDRESS_AWARE" },
	{ 0x0080, "BYTES_REVERSED_LO" },
	{ SR_PE_FILE_32BIT_MACHINE, "32BIT_MACHINE" },
	{ SR_PE_FILE_DEBUG_STRIPPED, "DEBUG_STRIPPED" },
	{ 0x0400, "REMOVABLE_RUN_FROM_SWAP" },
	{ 0x0800, "NET_RUN_FROM_SWAP" },
	{ SR_PE_FILE_SYSTEM, "SYSTEM" },
	{ SR_PE_FILE_DLL, "DLL" },
	{ 0x4000, "UP_SYSTEM_ONLY" },
	{ 0x8000, "BYTES_REVERSED_HI" },
};

size_t sr_pe_dll_characteristics_names(uint16_t flags, const char **out, size_t max)
{
	return bit_names(flags, dllchars, sizeof dllchars / sizeof dllchars[0], out, max);
}

size_t sr_pe_characteristics_names(uint16_t flags, const char **out, size_t max)
{
	return bit_names(flags, filechars, sizeof filechars / sizeof filechars[0], out, max);
}
