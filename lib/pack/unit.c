/* sr_unit_build: a hardened systemd service unit for an analysed program.
 *
 * Socket families (RestrictAddressFamilies=), decided from what is linked:
 *  - AF_UNIX always: journald's and syslog's sockets, and NSS (nscd, and
 *    nss-systemd, which resolves DynamicUser= names) are local sockets;
 *  - AF_INET and AF_INET6 with networking evidence: Go's net package (every
 *    Go socket is opened there), C socket, resolver and inet_* functions
 *    (lib/elf/rtsym.c, SR_RT_INET), or a needed networking library.  The
 *    socket calls cannot tell AF_UNIX from AF_INET, so they count as
 *    networking: allowing too much weakens the unit, allowing too little
 *    breaks the program;
 *  - AF_NETLINK only with evidence: Go's net.Interfaces, InterfaceAddrs,
 *    ListenMulticastUDP, … (sr_go_info.netlink_func), a Go package named
 *    netlink, C getifaddrs or if_nameindex.  A plain Go HTTP server links
 *    syscall.NetlinkRIB only for IPv6 zone names, which net shows as numbers
 *    when netlink is refused (Go 1.19 net/interface.go, ipv6ZoneCache).
 *    glibc's getaddrinfo tries one for AI_ADDRCONFIG and, refused, assumes
 *    both IPv4 and IPv6 are configured (check_pf.c): it does not need it.
 * In a static glibc program the NSS code (getpwnam, …) and syslog bring
 * socket, connect, bind, … along whether the program calls them or not
 * (SR_RT_GLIBC_NSS_INTERNAL): with either linked those are not evidence.
 *
 * The hardening set scores 1.3 ("OK") with `systemd-analyze security
 * --offline=true` (systemd 252) for a networking program; the lines left
 * out are those that break ordinary programs: ProcSubset=pid (hides
 * /proc/meminfo, /proc/cpuinfo), SystemCallFilter=~@privileged @resources
 * (chown, setrlimit), IPAddressDeny= for a server. */
#include "shipready/unit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/rtsym.h"
#include "shipready/needs.h"
#include "shipready/shipready.h"
#include "util/strbuf.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---------- checking the options ---------- */

/* Valid UTF-8 without control characters (a unit file is UTF-8 text; a
 * newline would end the setting). */
static bool text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c < 0x80) {
			p++;
			continue;
		}
		size_t n;
		uint32_t cp;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
			return false;
		p += n + 1;
	}
	return true;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool sr_unit_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 248 || name[0] == '.' || name[0] == '-')
		return false;
	for (const char *p = name; *p; p++)
		if (!is_alpha(*p) && !is_digit(*p) && !strchr(":_.-", *p))
			return false;
	return true;
}

/* A normalized path of letters, digits and "._-+@:,": absolute or relative,
 * no empty, "." or ".." component, no trailing slash. */
static bool path_ok(const char *s, bool absolute)
{
	if (absolute != (s[0] == '/'))
		return false;
	const char *p = absolute ? s + 1 : s;
	if (!*p)
		return false;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!is_alpha(p[i]) && !is_digit(p[i]) && !strchr("._-+@:,", p[i]))
				return false;
		if (!e)
			break;
		p = e + 1;
		if (!*p)
			return false;   /* trailing slash */
	}
	return true;
}

static bool env_ok(const char *kv)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv || is_digit(kv[0]))
		return false;
	for (const char *p = kv; p < eq; p++)
		if (!is_alpha(*p) && !is_digit(*p) && *p != '_')
			return false;
	return text_ok(eq + 1);
}

/* User names systemd accepts in its strict mode (valid_user_group_name):
 * a letter or '_' first, then letters, digits, '_' and '-'; at most 31. */
static bool user_ok(const char *u)
{
	size_t n = strlen(u);
	if (n == 0 || n > 31 || !(is_alpha(u[0]) || u[0] == '_'))
		return false;
	for (const char *p = u; *p; p++)
		if (!is_alpha(*p) && !is_digit(*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

/* Linux capabilities (linux/capability.h, 5.9+), as systemd names them. */
static const char *const capabilities[] = {
	"CAP_AUDIT_CONTROL", "CAP_AUDIT_READ", "CAP_AUDIT_WRITE", "CAP_BLOCK_SUSPEND", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_KILL", "CAP_LEASE", "CAP_LINUX_IMMUTABLE",
	"CAP_MAC_ADMIN", "CAP_MAC_OVERRIDE", "CAP_MKNOD", "CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_RAW", "CAP_PERFMON", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
	"CAP_SETUID", "CAP_SYSLOG", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_CHROOT", "CAP_SYS_MODULE",
	"CAP_SYS_NICE", "CAP_SYS_PACCT", "CAP_SYS_PTRACE", "CAP_SYS_RAWIO", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG", "CAP_WAKE_ALARM",
};

static bool cap_ok(const char *c)
{
	for (size_t i = 0; i < COUNT(capabilities); i++)
		if (strcmp(c, capabilities[i]) == 0)
			return true;
	return false;
}

enum sr_err sr_unit_check_opts(const struct sr_unit_opts *o, struct sr_error *err)
{
	if (o->name && !sr_unit_name_ok(o->name))
		return sr_error_set(err, SR_E_USAGE,
		                    "--name '%s': a unit name is letters, digits and ':_.-', not starting with '.' or '-'",
		                    o->name);
	if (o->exec_path && !path_ok(o->exec_path, true))
		return sr_error_set(err, SR_E_USAGE,
		                    "--exec-path '%s': expected a normalized absolute path of letters, digits and "
		                    "'/._-+@:,'",
		                    o->exec_path);
	if (o->user && (strcmp(o->user, "root") == 0))
		return sr_error_set(err, SR_E_USAGE,
		                    "--user 'root': a service user other than root (without --user: DynamicUser=yes)");
	if (o->user && !user_ok(o->user))
		return sr_error_set(err, SR_E_USAGE,
		                    "--user '%s': expected a user name (a letter or '_', then letters, digits, '_', "
		                    "'-'; at most 31)",
		                    o->user);
	for (size_t i = 0; i < o->nenv; i++)
		if (!env_ok(o->env[i]))
			return sr_error_set(err, SR_E_USAGE,
			                    "--env '%s': expected NAME=VALUE (NAME of letters, digits and '_', not "
			                    "starting with a digit; VALUE UTF-8 without control characters)",
			                    o->env[i]);
	for (size_t i = 0; i < o->nargs; i++)
		if (!text_ok(o->args[i]))
			return sr_error_set(err, SR_E_USAGE, "--arg '%s': not UTF-8, or holds control characters",
			                    o->args[i]);
	for (size_t i = 0; i < o->ncaps; i++)
		if (!cap_ok(o->caps[i]))
			return sr_error_set(err, SR_E_USAGE, "--capability '%s': not a Linux capability (e.g. "
			                                     "CAP_NET_BIND_SERVICE)",
			                    o->caps[i]);
	if (o->state_dir && !path_ok(o->state_dir, false))
		return sr_error_set(err, SR_E_USAGE, "--state-dir '%s': expected a relative directory like NAME "
		                                     "(made under /var/lib)",
		                    o->state_dir);
	if (o->log_dir && !path_ok(o->log_dir, false))
		return sr_error_set(err, SR_E_USAGE, "--log-dir '%s': expected a relative directory like NAME "
		                                     "(made under /var/log)",
		                    o->log_dir);
	return SR_OK;
}

/* ---------- quoting (systemd.syntax(7), systemd.service(5)) ---------- */

static bool word_plain(const char *w)
{
	if (!*w)
		return false;
	for (const char *p = w; *p; p++)
		if (!is_alpha(*p) && !is_digit(*p) && !strchr("_./:=,+@-", *p))
			return false;
	return true;
}

/* One ExecStart= word: double-quoted unless plain; '\' and '"' escaped
 * inside quotes, '%' (specifiers) and '$' (variables) doubled everywhere.
 * A quoted ";" is a literal, not a command separator. */
static void put_exec_word(struct sr_strbuf *b, const char *w)
{
	if (word_plain(w)) {
		sr_strbuf_puts(b, w);
		return;
	}
	sr_strbuf_puts(b, "\"");
	for (const char *p = w; *p; p++) {
		switch (*p) {
		case '\\': sr_strbuf_puts(b, "\\\\"); break;
		case '"': sr_strbuf_puts(b, "\\\""); break;
		case '%': sr_strbuf_puts(b, "%%"); break;
		case '$': sr_strbuf_puts(b, "$$"); break;
		default: sr_strbuf_put_n(b, p, 1); break;
		}
	}
	sr_strbuf_puts(b, "\"");
}

/* Environment="NAME=VALUE": quoted, with C escapes and specifiers ('%');
 * no variable expansion there. */
static void put_env(struct sr_strbuf *b, const char *kv)
{
	sr_strbuf_puts(b, "Environment=\"");
	for (const char *p = kv; *p; p++) {
		switch (*p) {
		case '\\': sr_strbuf_puts(b, "\\\\"); break;
		case '"': sr_strbuf_puts(b, "\\\""); break;
		case '%': sr_strbuf_puts(b, "%%"); break;
		default: sr_strbuf_put_n(b, p, 1); break;
		}
	}
	sr_strbuf_puts(b, "\"\n");
}

/* ---------- evidence ---------- */

#define MAX_EV 4

struct ev {
	const char *v[MAX_EV];
	size_t n;
	bool more;
};

static void ev_add(struct ev *e, const char *s)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->v[i], s) == 0)
			return;
	if (e->n < MAX_EV)
		e->v[e->n++] = s;
	else
		e->more = true;
}

static void put_ev(struct sr_strbuf *b, const struct ev *e, const char *suffix)
{
	for (size_t i = 0; i < e->n; i++) {
		sr_strbuf_puts(b, i ? ", " : "");
		sr_strbuf_put_comment(b, e->v[i]);
		sr_strbuf_puts(b, suffix);
	}
	if (e->more)
		sr_strbuf_puts(b, ", …");
}

struct net {
	struct ev go_inet, c_inet, lib_inet, go_nl, c_nl;
};

/* Shared libraries that talk over the network themselves: their socket
 * calls are imports of the library, not of the program. */
static bool net_library(const char *n)
{
	static const char *const prefixes[] = {
		"libcurl", "libssl.so", "libgnutls.so", "libnss3.so", "libzmq.so",
		"libpq.so", "libmysqlclient.so", "libmariadb.so", "libssh.so", "libssh2.so", "libmicrohttpd.so",
		"libldap", "libgrpc", "libcares.so", "libevent", "libuv.so", "libsoup", "libwebsockets.so",
		"libnghttp2.so", "libresolv.so",
	};
	for (size_t i = 0; i < COUNT(prefixes); i++)
		if (strncmp(n, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static void find_net(const struct sr_inspect *in, struct net *net)
{
	const struct sr_go_info *g = in->go && in->go->is_go ? in->go : NULL;
	if (g) {
		static const char *const inet_pkgs[] = { "net/http", "crypto/tls", "google.golang.org/grpc", "net/rpc",
			                                 "net/smtp", "net" };
		const struct sr_go_linked *gl = sr_go_linked(g);
		for (size_t i = 0; i < COUNT(inet_pkgs); i++)
			if (sr_go_has_package(gl, inet_pkgs[i]))
				ev_add(&net->go_inet, inet_pkgs[i]);
		if (gl->netlink_func)
			ev_add(&net->go_nl, gl->netlink_func);
		for (size_t i = 0; i < gl->npackages; i++) {
			const char *p = gl->packages[i];
			const char *last = strrchr(p, '/');
			if (strcmp(last ? last + 1 : p, "netlink") == 0)
				ev_add(&net->go_nl, p);
		}
	}
	const struct sr_elf *e = in->elf;
	bool static_glibc = e->libc == SR_LIBC_GLIBC && (e->linkage == SR_LINK_STATIC || e->linkage == SR_LINK_STATIC_PIE);
	bool nss_or_syslog = false;
	for (size_t i = 0; i < e->rt_symbols.count; i++) {
		const struct sr_rt_name *rt = sr_rt_symbol(e->rt_symbols.items[i]);
		if (rt && (rt->uses & (SR_RT_NSS | SR_RT_LOCAL)))
			nss_or_syslog = true;
	}
	for (size_t i = 0; i < e->rt_symbols.count; i++) {
		const struct sr_rt_name *rt = sr_rt_symbol(e->rt_symbols.items[i]);
		if (!rt)
			continue;
		if (static_glibc && nss_or_syslog && (rt->uses & SR_RT_GLIBC_NSS_INTERNAL))
			continue;
		if (static_glibc && (rt->uses & SR_RT_GLIBC_INTERNAL))
			continue;
		if (rt->uses & SR_RT_INET)
			ev_add(&net->c_inet, rt->name);
		if (rt->uses & SR_RT_NETLINK)
			ev_add(&net->c_nl, rt->name);
	}
	for (size_t i = 0; i < e->needed.count; i++)
		if (net_library(e->needed.items[i]))
			ev_add(&net->lib_inet, e->needed.items[i]);
}

static bool net_inet(const struct net *n)
{
	return n->go_inet.n || n->c_inet.n || n->lib_inet.n;
}

static bool net_netlink(const struct net *n)
{
	return n->go_nl.n || n->c_nl.n;
}

/* "links net/http, crypto/tls (Go); calls socket(), listen(); needs libcurl.so.4" */
static void put_inet_ev(struct sr_strbuf *b, const struct net *n)
{
	const char *sep = "";
	if (n->go_inet.n) {
		sr_strbuf_puts(b, "links ");
		put_ev(b, &n->go_inet, "");
		sr_strbuf_puts(b, " (Go)");
		sep = "; ";
	}
	if (n->c_inet.n) {
		sr_strbuf_puts(b, sep);
		sr_strbuf_puts(b, "calls ");
		put_ev(b, &n->c_inet, "()");
		sep = "; ";
	}
	if (n->lib_inet.n) {
		sr_strbuf_puts(b, sep);
		sr_strbuf_puts(b, "needs ");
		put_ev(b, &n->lib_inet, "");
	}
}

static void put_nl_ev(struct sr_strbuf *b, const struct net *n)
{
	if (n->go_nl.n) {
		put_ev(b, &n->go_nl, "");
		sr_strbuf_puts(b, " (Go)");
	}
	if (n->c_nl.n) {
		sr_strbuf_puts(b, n->go_nl.n ? "; " : "");
		put_ev(b, &n->c_nl, "()");
	}
}

/* ---------- the unit ---------- */

static const struct sr_need *find_need(const struct sr_needs *nd, enum sr_need_kind k)
{
	for (size_t i = 0; i < nd->n; i++)
		if (nd->v[i].kind == k)
			return &nd->v[i];
	return NULL;
}

static enum sr_err check_file(const struct sr_inspect *in, struct sr_error *err)
{
	if (in->format != SR_FMT_ELF || !in->elf)
		return sr_error_set(err, SR_E_UNSUPPORTED, "not an ELF program: a systemd unit runs Linux programs");
	const struct sr_elf *e = in->elf;
	if (e->kind != SR_ELF_KIND_EXEC && e->kind != SR_ELF_KIND_PIE)
		return sr_error_set(err, SR_E_UNSUPPORTED, "not an executable (%s)",
		                    e->kind == SR_ELF_KIND_SHARED ? "a shared library"
		                    : e->kind == SR_ELF_KIND_REL  ? "an object file"
		                    : e->kind == SR_ELF_KIND_CORE ? "a core file"
		                                                  : "unknown ELF type");
	const struct sr_go_info *g = in->go && in->go->is_go ? in->go : NULL;
	if (g && g->goos && strcmp(g->goos, "linux") != 0)
		return sr_error_set(err, SR_E_UNSUPPORTED, "a Go program for GOOS=%s, not linux", g->goos);
	return SR_OK;
}

static void put_caps(struct sr_strbuf *b, const struct sr_unit_opts *o)
{
	for (size_t i = 0; i < o->ncaps; i++) {
		sr_strbuf_puts(b, i ? " " : "");
		sr_strbuf_puts(b, o->caps[i]);
	}
	sr_strbuf_puts(b, "\n");
}

enum sr_err sr_unit_build(const struct sr_analysis *an, const struct sr_unit_opts *o, char **text,
                          struct sr_error *err)
{
	*text = NULL;
	const struct sr_inspect *in = &an->in;
	const struct sr_needs *needs;
	if (!o->name || !o->exec_path)
		return sr_error_set(err, SR_E_USAGE, "a unit needs a name and an ExecStart path");
	enum sr_err rc = sr_unit_check_opts(o, err);
	if (rc != SR_OK || (rc = sr_analysis_needs(an, &needs, err)) != SR_OK)
		return rc;
	if ((rc = check_file(in, err)) != SR_OK)
		return rc;

	struct net net = { 0 };
	find_net(in, &net);
	bool inet = net_inet(&net), netlink = net_netlink(&net);
	const struct sr_need *userdb = find_need(needs, SR_NEED_USERDB);
	const struct sr_need *nss = find_need(needs, SR_NEED_NSS);

	struct sr_strbuf b = { 0 };
	sr_strbuf_printf(&b, "# %s.service, generated by shipready %s", o->name, sr_version_string());
	if (o->source) {
		sr_strbuf_puts(&b, " from ");
		sr_strbuf_put_comment(&b, o->source);
	}
	sr_strbuf_printf(&b, "\n# install as /etc/systemd/system/%s.service, then: systemctl daemon-reload; "
	         "systemctl enable --now %s\n", o->name, o->name);
	sr_strbuf_puts(&b, "# each hardening line follows a comment saying why; the evidence is read from the binary\n");

	sr_strbuf_puts(&b, "\n[Unit]\n");
	sr_strbuf_printf(&b, "Description=%s\n", o->name);
	if (inet) {
		sr_strbuf_puts(&b, "# networking (");
		put_inet_ev(&b, &net);
		sr_strbuf_puts(&b, "): start once the network is up\n");
		sr_strbuf_puts(&b, "Wants=network-online.target\nAfter=network-online.target\n");
	}

	sr_strbuf_puts(&b, "\n[Service]\n");
	sr_strbuf_puts(&b, "# Type=exec: the start fails, and says why, when the program cannot be executed\n");
	sr_strbuf_puts(&b, "Type=exec\n");
	sr_strbuf_puts(&b, "ExecStart=");
	put_exec_word(&b, o->exec_path);
	for (size_t i = 0; i < o->nargs; i++) {
		sr_strbuf_puts(&b, " ");
		put_exec_word(&b, o->args[i]);
	}
	sr_strbuf_puts(&b, "\n");
	if (o->user) {
		sr_strbuf_printf(&b, "# User: runs as %s, which must exist (useradd --system %s, or a sysusers.d entry)\n",
		     o->user, o->user);
		sr_strbuf_printf(&b, "User=%s\n", o->user);
	} else {
		sr_strbuf_puts(&b, "# DynamicUser: a user and group allocated at start, never root; nothing it owns outlives "
		        "it but its state and log directories\n");
		sr_strbuf_puts(&b, "DynamicUser=yes\n");
		if (userdb || nss) {
			const struct sr_need *n = userdb ? userdb : nss;
			sr_strbuf_puts(&b, "# the program looks users or groups up (");
			for (size_t i = 0; i < n->evidence.count && i < 3; i++) {
				sr_strbuf_puts(&b, i ? ", " : "");
				sr_strbuf_put_comment(&b, n->evidence.items[i]);
			}
			sr_strbuf_puts(&b, "): the dynamic user's own name resolves only through nss-systemd ('systemd' on the "
			        "passwd: and group: lines of /etc/nsswitch.conf)\n");
		}
	}
	if ((userdb || nss) && !inet)
		sr_strbuf_puts(&b, "# user lookups stay on this machine: an NSS module that reaches the network (ldap) would "
		        "need AF_INET AF_INET6 and no PrivateNetwork\n");
	for (size_t i = 0; i < o->nenv; i++)
		put_env(&b, o->env[i]);
	if (o->state_dir) {
		sr_strbuf_printf(&b, "# StateDirectory: /var/lib/%s, owned by the service user, kept across restarts "
		         "($STATE_DIRECTORY)\n", o->state_dir);
		sr_strbuf_printf(&b, "StateDirectory=%s\n", o->state_dir);
	}
	if (o->log_dir) {
		sr_strbuf_printf(&b, "# LogsDirectory: /var/log/%s, owned by the service user ($LOGS_DIRECTORY)\n", o->log_dir);
		sr_strbuf_printf(&b, "LogsDirectory=%s\n", o->log_dir);
	}
	sr_strbuf_puts(&b, "# Restart: start again after a crash or a non-zero exit, not after a clean stop\n");
	sr_strbuf_puts(&b, "Restart=on-failure\n");

	sr_strbuf_puts(&b, "\n# ---- hardening ----\n");
	sr_strbuf_puts(&b, "# NoNewPrivileges: setuid programs and file capabilities cannot raise its privileges\n");
	sr_strbuf_puts(&b, "NoNewPrivileges=yes\n");
	if (o->ncaps) {
		sr_strbuf_puts(&b, "# CapabilityBoundingSet: only the capabilities asked for with --capability\n");
		sr_strbuf_puts(&b, "CapabilityBoundingSet=");
		put_caps(&b, o);
		sr_strbuf_puts(&b, "# AmbientCapabilities: granted to the program although it does not run as root\n");
		sr_strbuf_puts(&b, "AmbientCapabilities=");
		put_caps(&b, o);
	} else {
		sr_strbuf_puts(&b, "# CapabilityBoundingSet: empty, no capability even for root (add one with --capability)\n");
		sr_strbuf_puts(&b, "CapabilityBoundingSet=\n");
	}
	sr_strbuf_puts(&b, "# ProtectSystem: the whole file system read-only (/etc and /usr stay readable); writable "
	        "are only the state and log directories and the private /tmp\n");
	sr_strbuf_puts(&b, "ProtectSystem=strict\n");
	sr_strbuf_puts(&b, "# ProtectHome: /home, /root and /run/user are invisible\n");
	sr_strbuf_puts(&b, "ProtectHome=yes\n");
	sr_strbuf_puts(&b, "# PrivateTmp: a /tmp and /var/tmp of its own, removed when it stops\n");
	sr_strbuf_puts(&b, "PrivateTmp=yes\n");
	sr_strbuf_puts(&b, "# PrivateDevices: no disks, ttys or other hardware; /dev/null, zero, random and the like stay\n");
	sr_strbuf_puts(&b, "PrivateDevices=yes\n");
	if (o->ncaps) {
		sr_strbuf_puts(&b, "# PrivateUsers: left out, capabilities in a user namespace of its own would not act on "
		        "the host (e.g. binding a port below 1024)\n");
	} else {
		sr_strbuf_puts(&b, "# PrivateUsers: a user namespace mapping only root and its own user; other users' files "
		        "show as nobody\n");
		sr_strbuf_puts(&b, "PrivateUsers=yes\n");
	}
	sr_strbuf_puts(&b, "# PrivateMounts: mounts it makes stay its own\n");
	sr_strbuf_puts(&b, "PrivateMounts=yes\n");
	sr_strbuf_puts(&b, "# ProtectKernelTunables, ProtectKernelModules, ProtectKernelLogs: no /proc/sys and /sys "
	        "writes, no modules, no kernel log\n");
	sr_strbuf_puts(&b, "ProtectKernelTunables=yes\nProtectKernelModules=yes\nProtectKernelLogs=yes\n");
	sr_strbuf_puts(&b, "# ProtectControlGroups, ProtectClock, ProtectHostname: cgroups read-only, no clock or "
	        "host name changes\n");
	sr_strbuf_puts(&b, "ProtectControlGroups=yes\nProtectClock=yes\nProtectHostname=yes\n");
	sr_strbuf_puts(&b, "# ProtectProc: other users' processes are invisible in /proc\n");
	sr_strbuf_puts(&b, "ProtectProc=invisible\n");

	sr_strbuf_puts(&b, "# RestrictAddressFamilies: ");
	if (inet) {
		put_inet_ev(&b, &net);
		sr_strbuf_puts(&b, " → AF_INET AF_INET6");
	} else {
		sr_strbuf_puts(&b, "no networking linked (no Go net package, no socket or resolver call, no networking "
		        "library) → no AF_INET, AF_INET6");
	}
	if (netlink) {
		sr_strbuf_puts(&b, "; lists interfaces: ");
		put_nl_ev(&b, &net);
		sr_strbuf_puts(&b, " → AF_NETLINK");
	}
	sr_strbuf_puts(&b, "; AF_UNIX for journald, syslog and NSS\n");
	if (!inet && in->elf->linkage == SR_LINK_DYNAMIC)
		sr_strbuf_puts(&b, "# (a shared library that opens sockets on its own is not seen here: add AF_INET AF_INET6 "
		        "if it does)\n");
	sr_strbuf_printf(&b, "RestrictAddressFamilies=AF_UNIX%s%s\n", inet ? " AF_INET AF_INET6" : "",
	     netlink ? " AF_NETLINK" : "");
	if (!inet) {
		sr_strbuf_puts(&b, "# PrivateNetwork: no networking linked, so a network namespace with only loopback; "
		        "local sockets in the file system still work\n");
		sr_strbuf_puts(&b, "PrivateNetwork=yes\n");
	}
	sr_strbuf_puts(&b, "# RestrictNamespaces: it cannot create namespaces (containers)\n");
	sr_strbuf_puts(&b, "RestrictNamespaces=yes\n");
	sr_strbuf_puts(&b, "# RestrictRealtime, RestrictSUIDSGID, LockPersonality: no real-time scheduling, no setuid "
	        "files, no execution domain changes\n");
	sr_strbuf_puts(&b, "RestrictRealtime=yes\nRestrictSUIDSGID=yes\nLockPersonality=yes\n");
	sr_strbuf_puts(&b, "# MemoryDenyWriteExecute: no memory both writable and executable (remove it for a "
	        "program with a JIT)\n");
	sr_strbuf_puts(&b, "MemoryDenyWriteExecute=yes\n");
	sr_strbuf_puts(&b, "# SystemCallFilter: only the system calls of ordinary services (systemd's @system-service)\n");
	sr_strbuf_puts(&b, "SystemCallFilter=@system-service\n");
	sr_strbuf_puts(&b, "# SystemCallErrorNumber: a filtered call fails with EPERM instead of killing the program\n");
	sr_strbuf_puts(&b, "SystemCallErrorNumber=EPERM\n");
	sr_strbuf_puts(&b, "# SystemCallArchitectures: native system calls only (no 32-bit x86 entry on x86-64)\n");
	sr_strbuf_puts(&b, "SystemCallArchitectures=native\n");
	sr_strbuf_puts(&b, "# UMask: files it creates are its own only\n");
	sr_strbuf_puts(&b, "UMask=0077\n");
	if (needs->n) {
		sr_strbuf_puts(&b, "# run-time needs (");
		for (size_t i = 0; i < needs->n; i++) {
			sr_strbuf_puts(&b, i ? ", " : "");
			sr_strbuf_puts(&b, needs->v[i].name);
		}
		sr_strbuf_puts(&b, "): read only, and ProtectSystem=strict keeps the file system readable\n");
	}

	sr_strbuf_puts(&b, "\n[Install]\nWantedBy=multi-user.target\n");
	if (b.failed) {
		free(b.d);
		return sr_error_set(err, SR_E_NOMEM, NULL);
	}
	*text = b.d;
	return SR_OK;
}
