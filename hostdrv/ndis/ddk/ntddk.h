/* The DDK's kernel-mode umbrella header: everything wdm.h declares (nicsim provides no ntddk-only names a
 * miniport needs). */
#ifndef NICSIM_DDK_NTDDK_H
#define NICSIM_DDK_NTDDK_H

#include "wdm.h"

#endif /* NICSIM_DDK_NTDDK_H */
