/* Probe: a call into platform/ through its header. Builds in platform/ and
 * above; in core/ the header must not be found. */
#include <stdlib.h>

#include "platform/paths.h"

void rs_probe_includes_platform(void);
void rs_probe_includes_platform(void) { free(rs_path_home()); }
