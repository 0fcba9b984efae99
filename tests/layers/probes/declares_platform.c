/* Probe: what no header rule can see. The prototype of a platform/ function is
 * typed by hand and a process is started with system(); this compiles in any
 * layer, so symbols_check.sh must find both in the object when it is checked
 * as part of core/. */
#include <stdlib.h>

char *rs_path_home(void);
int rs_probe_declares_platform(void);
int rs_probe_declares_platform(void)
{
	free(rs_path_home());
	return system("true");
}
