/* Probe: curses used directly. Builds in tui/ (and screens/); in core/,
 * platform/ and app/ <curses.h> must stop the build. */
#include <curses.h>

int rs_probe_uses_curses(void);
int rs_probe_uses_curses(void) { return beep(); }
