/* shipready — the version string (shipready/version.h). */
#include "shipready/version.h"

#ifndef SHIPREADY_VERSION
#define SHIPREADY_VERSION "0.1.0"
#endif

const char *sr_version_string(void)
{
	return SHIPREADY_VERSION;
}
