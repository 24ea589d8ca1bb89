/* The project's code names the DDK header by its path in the tree; driver sources name it <ndis.h> with
 * -I <prefix>/include/nicsim/ddk (hostdrv/ndis/ddk/ is what that directory installs). */
#include "hostdrv/ndis/ddk/ndis.h"
