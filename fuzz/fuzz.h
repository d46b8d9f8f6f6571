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

#endif
