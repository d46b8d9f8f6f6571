/* shipready — a CI log as JUnit XML, the test report GitLab and Jenkins
 * read: <testsuites>, a <testsuite> per target or policy (in the order
 * they first appear), a <testcase> per binary in it; a failed case has a
 * <failure>, an unreadable input an <error>, and what was found besides
 * goes to <system-out>. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/ci_internal.h"
#include "report/json_util.h"
#include "shipready/cireport.h"

/* The length of the character at p (n bytes left) that XML 1.0 allows,
 * its code point in *cp; 0 when there is none (invalid UTF-8, a control
 * byte, U+FFFE, U+FFFF). */
static size_t xml_char(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len = sr_utf8_seq(p, n, cp);
	if (len == 0 || (*cp < 0x20 && *cp != '\t' && *cp != '\n' && *cp != '\r') || *cp == 0xfffe || *cp == 0xffff)
		return 0;
	return len;
}

/* s as XML character data (attr: inside a double-quoted attribute, where
 * line ends are kept as character references).  A byte that is not a
 * character XML allows is written as the text "\xNN", as the text reports
 * write control bytes. */
static void put_xml(FILE *out, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t left = strlen((const char *)p);
	while (*p) {
		uint32_t cp;
		size_t n = xml_char(p, left, &cp);
		if (n == 0) {
			fprintf(out, "\\x%02x", *p);
			p++;
			left--;
			continue;
		}
		switch (cp) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs(attr ? "&quot;" : "\"", out); break;
		case '\n': fputs(attr ? "&#10;" : "\n", out); break;
		case '\r': fputs("&#13;", out); break;
		case '\t': fputs(attr ? "&#9;" : "\t", out); break;
		default: fwrite(p, 1, n, out); break;
		}
		p += n;
		left -= n;
	}
}

struct counts {
	size_t tests, failures, errors;
};

static void count(struct counts *c, const struct sr_ci_case *k)
{
	c->tests++;
	c->failures += k->outcome == SR_CI_FAILED;
	c->errors += k->outcome == SR_CI_ERROR;
}

static void put_case(FILE *out, const struct sr_ci_case *k)
{
	fputs("    <testcase name=\"", out);
	put_xml(out, k->name, true);
	fputs("\" classname=\"", out);
	put_xml(out, k->classname, true);
	fputs("\" time=\"0\"", out);
	if (k->outcome == SR_CI_PASSED && !k->details) {
		fputs("/>\n", out);
		return;
	}
	fputs(">\n", out);
	if (k->outcome != SR_CI_PASSED) {
		const char *el = k->outcome == SR_CI_FAILED ? "failure" : "error";
		fprintf(out, "      <%s message=\"", el);
		put_xml(out, k->message, true);
		fputs("\" type=\"", out);
		put_xml(out, k->type, true);
		fputs("\">", out);
		put_xml(out, k->details ? k->details : k->message, false);
		fprintf(out, "</%s>\n", el);
	} else {
		fputs("      <system-out>", out);
		put_xml(out, k->details, false);
		fputs("</system-out>\n", out);
	}
	fputs("    </testcase>\n", out);
}

enum sr_err sr_report_junit(FILE *out, const struct sr_ci_log *log, struct sr_error *err)
{
	/* suites in the order they first appear; a case's suite is found by
	 * name (few suites: targets and policies) */
	if (log->failed)
		return sr_error_set(err, SR_E_NOMEM, "out of memory: the JUnit report would be incomplete");
	bool *done = calloc(log->ncases + 1, sizeof *done);
	if (!done)
		return sr_error_set(err, SR_E_NOMEM, NULL);
	struct counts all = { 0 };
	for (size_t i = 0; i < log->ncases; i++)
		count(&all, &log->cases[i]);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"shipready %s\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"0\">\n",
	        log->command, all.tests, all.failures, all.errors);
	for (size_t i = 0; i < log->ncases; i++) {
		if (done[i])
			continue;
		const char *suite = log->cases[i].suite;
		struct counts c = { 0 };
		for (size_t j = i; j < log->ncases; j++)
			if (!done[j] && strcmp(log->cases[j].suite, suite) == 0)
				count(&c, &log->cases[j]);
		fputs("  <testsuite name=\"", out);
		put_xml(out, suite, true);
		fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" time=\"0\">\n", c.tests,
		        c.failures, c.errors);
		for (size_t j = i; j < log->ncases; j++)
			if (!done[j] && strcmp(log->cases[j].suite, suite) == 0) {
				put_case(out, &log->cases[j]);
				done[j] = true;
			}
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
	free(done);
	if (ferror(out))
		return sr_error_set(err, SR_E_IO, "cannot write the JUnit report");
	return SR_OK;
}
