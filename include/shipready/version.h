/* shipready — the library's version. */
#ifndef SHIPREADY_VERSION_H
#define SHIPREADY_VERSION_H

const char *sr_version_string(void);   /* "0.1.0" */

#endif
