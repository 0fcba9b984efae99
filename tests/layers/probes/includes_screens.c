/* Probe: a call into screens/. Builds in screens/ and app/; in tui/ the header
 * must not be found. */
#include "screens/screens.h"

int rs_probe_includes_screens(const struct rs_wizard_options *opts);
int rs_probe_includes_screens(const struct rs_wizard_options *opts) { return rs_wizard_run(opts); }
