/* Probe: a call into tui/ through its header (which brings curses). Builds in
 * tui/ and above; in core/ and platform/ the header must not be found. */
#include <stdbool.h>

#include "tui/tui.h"

bool rs_probe_includes_tui(void);
bool rs_probe_includes_tui(void) { return rs_tui_active(); }
