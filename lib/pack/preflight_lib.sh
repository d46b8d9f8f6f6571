# shipready preflight: the checks, as shell functions.  Compiled into
# libshipready (tools/embed_data.py) and written into every script after
# sr_arch_of and sr_glibc_dirs; the generated part calls them per program.
# POSIX sh: dash and busybox sh run it.  Each judgement mirrors the one
# `shipready check --target dir:/` makes, in its words (lib/check).

sr_nfail=0
sr_nwarn=0
sr_nprog=0
sr_prog=
sr_pfail=0
sr_stop=0
sr_path=
sr_libc=

# SEVERITY KIND REASON [MESSAGE]: one line, as check prints a finding
sr_say() {
	if [ -n "${4-}" ]; then
		printf '%s %s: %s: %s (%s)\n' "$1" "$sr_prog" "$2" "$3" "$4"
	else
		printf '%s %s: %s: %s\n' "$1" "$sr_prog" "$2" "$3"
	fi
}

sr_fail() {
	sr_nfail=$((sr_nfail + 1))
	sr_pfail=$((sr_pfail + 1))
	sr_say FAIL "$@"
}

sr_warn() {
	sr_nwarn=$((sr_nwarn + 1))
	sr_say warn "$@"
}

# Is the dotted version $1 older than $2?  (Digits and dots only.)
sr_older() {
	sr_a=$1
	sr_b=$2
	while [ -n "$sr_a$sr_b" ]; do
		sr_x=${sr_a%%.*}
		sr_y=${sr_b%%.*}
		if [ "$sr_x" = "$sr_a" ]; then sr_a=; else sr_a=${sr_a#*.}; fi
		if [ "$sr_y" = "$sr_b" ]; then sr_b=; else sr_b=${sr_b#*.}; fi
		[ "${sr_x:-0}" -lt "${sr_y:-0}" ] && return 0
		[ "${sr_x:-0}" -gt "${sr_y:-0}" ] && return 1
	done
	return 1
}

# ---- this host

sr_arch=$(uname -m 2>/dev/null) || sr_arch=unknown
sr_arch=$(sr_arch_of "$sr_arch")
sr_kernel=$(uname -r 2>/dev/null) || sr_kernel=
sr_kernel=${sr_kernel%%[!0-9.]*}
while [ "${sr_kernel%.}" != "$sr_kernel" ]; do sr_kernel=${sr_kernel%.}; done

# its C library, as check finds a root's: glibc's libc.so.6 in one of the
# directories a glibc loader searches, else musl's loader
sr_host_libc=none
sr_old_ifs=$IFS
IFS=:
set -f
for sr_d in $sr_glibc_dirs; do
	if [ -f "$sr_d/libc.so.6" ]; then
		sr_host_libc=glibc
		break
	fi
done
set +f
IFS=$sr_old_ifs
if [ "$sr_host_libc" = none ]; then
	for sr_f in /lib/ld-musl-*.so.1; do
		[ -e "$sr_f" ] && sr_host_libc=musl
	done
fi
sr_host_libc_version=
if [ "$sr_host_libc" = glibc ]; then
	sr_host_libc_version=$(getconf GNU_LIBC_VERSION 2>/dev/null) || sr_host_libc_version=
	sr_host_libc_version=${sr_host_libc_version#glibc }
fi

# The directories /etc/ld.so.conf names (and the files it includes name),
# as ldconfig puts them in the cache, joined with ':' into sr_conf_dirs.
sr_conf_dirs=
sr_conf_file() {
	[ -r "$1" ] || return 0
	sr_conf_nest=$2
	while IFS= read -r sr_l || [ -n "$sr_l" ]; do
		sr_l=${sr_l%%#*}
		set -f
		# shellcheck disable=SC2086
		set -- $sr_l
		set +f
		[ $# -gt 0 ] || continue
		case $1 in
		include)
			[ "$sr_conf_nest" = 0 ] || continue
			shift
			for sr_pat in "$@"; do
				case $sr_pat in /*) ;; *) sr_pat=/etc/$sr_pat ;; esac
				for sr_inc in $sr_pat; do
					sr_conf_file "$sr_inc" 1
				done
				sr_conf_nest=0
			done
			;;
		hwcap) ;;
		*)
			sr_old_ifs=$IFS
			IFS=' 	:,'
			set -f
			for sr_w in $sr_l; do
				sr_conf_dirs=$sr_conf_dirs${sr_conf_dirs:+:}$sr_w
			done
			set +f
			IFS=$sr_old_ifs
			;;
		esac
	done < "$1"
}
sr_conf_file /etc/ld.so.conf 0

# ---- a file to check

# NAME ARCH: a program built for machine ARCH
sr_begin() {
	sr_prog=$1
	sr_nprog=$((sr_nprog + 1))
	sr_pfail=0
	sr_stop=0
	sr_path=
	sr_libc=
	[ -z "$2" ] && return 0
	[ "$2" = "$sr_arch" ] && return 0
	if [ "$2" = i386 ] && [ "$sr_arch" = x86_64 ]; then
		return 0
	fi
	if [ "$2" = arm ] && [ "$sr_arch" = aarch64 ]; then
		sr_say '?' exec-format 'a 32-bit ARM program on aarch64: runs only on CPUs with AArch32 and kernels built with COMPAT'
		return 0
	fi
	# uname -m says mips and mips64 for either byte order
	if { [ "$2" = mipsel ] && [ "$sr_arch" = mips ]; } || { [ "$2" = mips64el ] && [ "$sr_arch" = mips64 ]; }; then
		sr_say '?' exec-format "a $2 program: uname -m says $sr_arch for either byte order"
		return 0
	fi
	sr_fail exec-format "built for $2, the machine is $sr_arch" 'Exec format error'
	sr_stop=1
}

# DIR: a directory of the program's RPATH or RUNPATH (searched first)
sr_rpath() {
	sr_path=$sr_path${sr_path:+:}$1
}

# INTERPRETER LIBC TRIPLET SLIBDIR MUSL_ARCH: a dynamic program; the
# loader's directories follow its own
sr_interp() {
	[ "$sr_stop" = 0 ] || return 0
	sr_libc=$2
	if [ ! -e "$1" ]; then
		if [ "$sr_host_libc" = none ]; then
			sr_fail interpreter "this host has no C library: the interpreter $1 is missing" 'No such file or directory'
		elif [ "$2" != unknown ] && [ "$2" != "$sr_host_libc" ]; then
			sr_fail interpreter "a $2 program on a $sr_host_libc host: the interpreter $1 is missing" \
				'No such file or directory'
		else
			sr_fail interpreter "the interpreter $1 is not on this host" 'No such file or directory'
		fi
		sr_stop=1
		return 0
	fi
	if [ "$2" = musl ]; then
		sr_musl_path=
		if [ -n "$5" ] && [ -r "/etc/ld-musl-$5.path" ]; then
			sr_musl_path=$(tr '\n' ':' < "/etc/ld-musl-$5.path")
		fi
		sr_path=$sr_path${sr_path:+:}${sr_musl_path:-/lib:/usr/local/lib:/usr/lib}
		return 0
	fi
	sr_path=$sr_path${sr_path:+:}$sr_conf_dirs
	if [ -n "$3" ] && { [ -d "/lib/$3" ] || [ -d "/usr/lib/$3" ]; }; then
		sr_path=$sr_path${sr_path:+:}/lib/$3:/usr/lib/$3:/lib:/usr/lib
	elif [ -n "$4" ] && { [ -d "/$4" ] || [ -d "/usr/$4" ]; }; then
		sr_path=$sr_path${sr_path:+:}/$4:/usr/$4
	else
		sr_path=$sr_path${sr_path:+:}/lib:/usr/lib
	fi
}

# NAME: where the loader finds the library, into sr_found ("" if nowhere)
sr_find_lib() {
	sr_found=
	case $1 in
	*/*)
		[ -f "$1" ] && sr_found=$1
		return 0
		;;
	esac
	sr_old_ifs=$IFS
	IFS=:
	set -f
	for sr_d in $sr_path; do
		if [ -n "$sr_d" ] && [ -f "$sr_d/$1" ]; then
			sr_found=$sr_d/$1
			break
		fi
	done
	set +f
	IFS=$sr_old_ifs
}

# NAME VERSION...: a needed library the file does not ship, and the
# symbol versions it requires from it
sr_lib() {
	[ "$sr_stop" = 0 ] || return 0
	sr_find_lib "$1"
	if [ -z "$sr_found" ]; then
		if [ "$sr_libc" = musl ]; then
			sr_m="Error loading shared library $1: No such file or directory (needed by $sr_prog)"
		else
			sr_m="$sr_prog: error while loading shared libraries: $1: cannot open shared object file: No such file or directory"
		fi
		sr_fail library "$1 (needed by $sr_prog) is not found on this host" "$sr_m"
		return 0
	fi
	sr_lib_file=$sr_found
	shift
	[ $# -gt 0 ] || return 0
	# a version the library defines is one of its NUL-terminated strings:
	# one read of the library finds those of the versions it has
	sr_k=$#
	while [ "$sr_k" -gt 0 ]; do
		set -- "$@" -e "$1"
		shift
		sr_k=$((sr_k - 1))
	done
	sr_defs=$(tr '\000' '\n' < "$sr_lib_file" 2>/dev/null | grep -x -F "$@")
	while [ $# -gt 0 ]; do
		case "
$sr_defs
" in
		*"
$2
"*) ;;
		*)
			sr_fail symbol-version "$sr_lib_file does not define $2" \
				"$sr_prog: $sr_lib_file: version \`$2' not found (required by $sr_prog)"
			;;
		esac
		shift 2
	done
}

# MIN WHO [EVIDENCE]: the kernel must be MIN or newer ("its glibc", "Go 1.22")
sr_kernel_min() {
	[ "$sr_stop" = 0 ] || return 0
	[ -n "$sr_kernel" ] || return 0
	if sr_older "$sr_kernel" "$1"; then
		sr_fail kernel "$2 needs Linux ≥ $1, this host has $sr_kernel" ${3:+"$3"}
	fi
}

# judge.h's rules: a regular file with at least one byte; a directory
# with an entry; for CA roots, a PEM certificate in the first 4 KiB
sr_pem() {
	dd if="$1" bs=4096 count=1 2>/dev/null | tr '\000' '\n' | grep -q -e '-----BEGIN CERTIFICATE-----'
}

sr_counts() {
	if [ -f "$1" ]; then
		[ -s "$1" ] || return 1
		[ "$2" = ca ] || return 0
		sr_pem "$1"
		return
	fi
	[ -d "$1" ] || return 1
	for sr_e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
		[ -e "$sr_e" ] || [ -L "$sr_e" ] || continue
		[ "$2" = ca ] || return 0
		[ -f "$sr_e" ] && sr_pem "$sr_e" && return 0
	done
	return 1
}

# ID SEVERITY KIND FEATURE MESSAGE PATH...: a run-time need, met by any
# one of the paths (KIND ca: a certificate must be there); SEVERITY info
# when the program has a fallback
sr_need() {
	[ "$sr_stop" = 0 ] || return 0
	sr_id=$1
	sr_sev=$2
	sr_kind=$3
	sr_feat=$4
	sr_msg=$5
	shift 5
	for sr_p in "$@"; do
		sr_counts "$sr_p" "$sr_kind" && return 0
	done
	# DNS configuration: the host's own, or a container runtime's mount
	[ "$sr_id" = dns ] && return 0
	[ "$sr_sev" = warn ] || return 0
	sr_list=
	sr_k=0
	for sr_p in "$@"; do
		sr_k=$((sr_k + 1))
		[ "$sr_k" -le 3 ] && sr_list=$sr_list${sr_list:+, }$sr_p
	done
	[ "$sr_k" -gt 3 ] && sr_list="$sr_list (and $((sr_k - 3)) more)"
	sr_warn "$sr_id" "$sr_feat will fail: this host has none of $sr_list" ${sr_msg:+"$sr_msg"}
}

sr_end() {
	[ "$sr_pfail" = 0 ] && printf 'ok %s: runs on this host\n' "$sr_prog"
	return 0
}

sr_finish() {
	printf 'this host: %s, Linux %s, %s%s: %d checked, %d fail, %d warn\n' "$sr_arch" "${sr_kernel:-?}" \
		"$sr_host_libc" "${sr_host_libc_version:+ $sr_host_libc_version}" "$sr_nprog" "$sr_nfail" "$sr_nwarn"
	[ "$sr_nfail" = 0 ]
}
