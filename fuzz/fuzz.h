/* shipready fuzz harness — shared declarations.
 *
 * Every target defines LLVMFuzzerTestOneInput.  The same object is linked
 * either with libFuzzer (-Dfuzz=true, clang) or with replay_main.c, which
 * feeds it the files of a corpus (any compiler; a meson test per target). */
#ifndef SHIPREADY_FUZZ_H
#define SHIPREADY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A write-only sink for the text reports, opened once per process. */
FILE *sr_fuzz_devnull(void);

/* Serialise a report (a jansson json_t *) and free both; returns the dumped
 * string (caller frees) when keep is non-zero, else NULL. */
char *sr_fuzz_dump_json(void *json, int keep);

/* A load's error from a JSON file reader with positions (policy files):
 * one line without a trailing period; SR_E_TOO_BIG or SR_E_NOMEM, or
 * SR_E_MALFORMED with "LINE:COLUMN: reason" pointing inside the input (a
 * line that exists, a column at most one past its last character).
 * Aborts otherwise. */
#include "shipready/error.h"
void sr_fuzz_check_position_error(const uint8_t *d, size_t n, enum sr_err rc, const struct sr_error *err);

#endif
