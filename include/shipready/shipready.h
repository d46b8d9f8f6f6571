/* shipready — umbrella header for libshipready. */
#ifndef SHIPREADY_SHIPREADY_H
#define SHIPREADY_SHIPREADY_H

#include "shipready/analysis.h"
#include "shipready/cireport.h"
#include "shipready/cpu.h"
#include "shipready/elf.h"
#include "shipready/error.h"
#include "shipready/file.h"
#include "shipready/go.h"
#include "shipready/htmlreport.h"
#include "shipready/gomod.h"
#include "shipready/image.h"
#include "shipready/imageroot.h"
#include "shipready/inspect.h"
#include "shipready/reader.h"
#include "shipready/report.h"
#include "shipready/sbom.h"
#include "shipready/scan.h"
#include "shipready/size.h"
#include "shipready/version.h"

#endif
