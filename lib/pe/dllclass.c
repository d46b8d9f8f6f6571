/* Which imported DLLs come with Windows, which come with a redistributable
 * runtime, and which the application must ship beside its EXE.
 *
 * The lists are data: one name (or prefix) a line, with where the fact comes
 * from.  Names compare case-insensitively, as Windows file names do. */
#include <stddef.h>
#include <string.h>

#include "shipready/pe.h"

/* DLLs shipped in %SystemRoot%\System32 of every supported Windows release.
 * Sources: the "Requirements → DLL" line of each function's page in the
 * Win32 API reference (learn.microsoft.com/windows/win32/api/), the
 * KnownDLLs registry key (HKLM\SYSTEM\CurrentControlSet\Control\Session
 * Manager\KnownDLLs) of Windows 10, and, for the C runtimes: msvcrt.dll is
 * "a known DLL for system components" (not a redistributable, but present on
 * every Windows), and ucrtbase.dll, the Universal CRT, "is a component of the
 * Windows 10 operating system" (learn.microsoft.com/cpp/windows/universal-crt-deployment;
 * on Windows 7/8.1 it comes with update KB2999226). */
static const char *const system_dlls[] = {
	"kernel32.dll", "kernelbase.dll", "ntdll.dll", "user32.dll", "gdi32.dll", "gdiplus.dll",
	"advapi32.dll", "shell32.dll", "shlwapi.dll", "ole32.dll", "oleaut32.dll", "combase.dll",
	"ws2_32.dll", "wsock32.dll", "mswsock.dll", "iphlpapi.dll", "dnsapi.dll", "winhttp.dll",
	"wininet.dll", "urlmon.dll", "netapi32.dll", "mpr.dll", "wldap32.dll", "rpcrt4.dll",
	"msvcrt.dll", "ucrtbase.dll", "comctl32.dll", "comdlg32.dll", "uxtheme.dll", "dwmapi.dll",
	"imm32.dll", "msimg32.dll", "usp10.dll", "winmm.dll", "version.dll", "setupapi.dll",
	"cfgmgr32.dll", "crypt32.dll", "bcrypt.dll", "bcryptprimitives.dll", "ncrypt.dll",
	"secur32.dll", "sspicli.dll", "wintrust.dll", "userenv.dll", "psapi.dll", "dbghelp.dll",
	"dbgcore.dll", "powrprof.dll", "wtsapi32.dll", "credui.dll", "normaliz.dll", "propsys.dll",
	"shcore.dll", "hid.dll", "winspool.drv", "opengl32.dll", "glu32.dll", "d3d9.dll",
	"d3d11.dll", "d3d12.dll", "dxgi.dll", "d2d1.dll", "dwrite.dll", "dinput8.dll", "xinput1_4.dll",
	"mscoree.dll", "authz.dll", "avrt.dll", "mfplat.dll", "ntdsapi.dll", "oleacc.dll",
	"winusb.dll", "wevtapi.dll", "pdh.dll", "dhcpcsvc.dll", "fwpuclnt.dll",
};

/* Redistributable runtimes: not part of Windows; installed by their
 * redistributable package or shipped beside the EXE.  Sources: the
 * "Redistributable files" list of Visual Studio (learn.microsoft.com/cpp/windows/
 * determining-which-dlls-to-redistribute, redist.txt of the VS install), and
 * the DLLs of the mingw-w64 GCC runtime packages (Debian gcc-mingw-w64 /
 * MSYS2 mingw-w64-*-gcc-libs, mingw-w64-*-libwinpthread). */
static const char *const runtime_prefixes[] = {
	"vcruntime",          /* VCRUNTIME140.dll, VCRUNTIME140_1.dll, vcruntime140d.dll (debug) */
	"msvcp",              /* MSVCP140.dll, MSVCP140_1/_2, MSVCP140_ATOMIC_WAIT, MSVCP120.dll, … */
	"msvcr",              /* MSVCR120.dll, MSVCR100.dll, MSVCR90.dll, … (msvcrt.dll is system, matched first) */
	"concrt1",            /* CONCRT140.dll */
	"vcomp1",             /* VCOMP140.dll (OpenMP) */
	"vcamp1",             /* VCAMP140.dll (C++ AMP) */
	"vccorlib1",          /* vccorlib140.dll (C++/CX) */
	"mfc1", "mfcm1",      /* MFC140.dll, MFC140U.dll, MFCM140.dll */
	"libgcc_s_",          /* libgcc_s_seh-1.dll (x64), libgcc_s_dw2-1.dll (x86), libgcc_s_sjlj-1.dll */
	"libstdc++-",         /* libstdc++-6.dll */
	"libwinpthread-",     /* libwinpthread-1.dll */
	"libgomp-",           /* libgomp-1.dll (OpenMP) */
	"libquadmath-",       /* libquadmath-0.dll */
	"libgfortran-",       /* libgfortran-5.dll */
	"libssp-",            /* libssp-0.dll (-fstack-protector) */
	"libatomic-",         /* libatomic-1.dll */
	"libobjc-",           /* libobjc-4.dll */
};

/* API sets: virtual DLL names the loader maps to a host DLL through the API
 * set schema (learn.microsoft.com/windows/win32/apiindex/windows-apisets):
 * "api-ms-win-…" and "ext-ms-…" (extension API sets, which may be absent on
 * some editions of Windows). */
static const char *const api_set_prefixes[] = { "api-ms-win-", "ext-ms-" };

static int lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

static bool eq_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return false;
	return *a == *b;
}

static bool prefix_nocase(const char *s, const char *p)
{
	for (; *p; s++, p++)
		if (!*s || lower((unsigned char)*s) != lower((unsigned char)*p))
			return false;
	return true;
}

bool sr_pe_is_api_set(const char *name)
{
	for (size_t i = 0; i < sizeof api_set_prefixes / sizeof api_set_prefixes[0]; i++)
		if (prefix_nocase(name, api_set_prefixes[i]))
			return true;
	return false;
}

enum sr_pe_dll_class sr_pe_dll_classify(const char *name)
{
	if (!name)
		return SR_PE_DLL_APP;
	if (sr_pe_is_api_set(name))
		return SR_PE_DLL_API_SET;
	for (size_t i = 0; i < sizeof system_dlls / sizeof system_dlls[0]; i++)
		if (eq_nocase(name, system_dlls[i]))
			return SR_PE_DLL_SYSTEM;
	for (size_t i = 0; i < sizeof runtime_prefixes / sizeof runtime_prefixes[0]; i++)
		if (prefix_nocase(name, runtime_prefixes[i]))
			return SR_PE_DLL_RUNTIME;
	return SR_PE_DLL_APP;
}

const char *sr_pe_dll_class_name(enum sr_pe_dll_class c)
{
	switch (c) {
	case SR_PE_DLL_SYSTEM: return "system";
	case SR_PE_DLL_API_SET: return "api-set";
	case SR_PE_DLL_RUNTIME: return "runtime";
	case SR_PE_DLL_APP: return "application";
	}
	return "application";
}
