/* Probe: libudev used directly. Builds in platform/; in core/ <libudev.h> must
 * stop the build. */
#include <libudev.h>

struct udev *rs_probe_uses_udev(void);
struct udev *rs_probe_uses_udev(void) { return udev_new(); }
