/* Probe: a call into app/. Builds only in app/; in screens/ the header must
 * not be found. */
#include "app/cli.h"

int rs_probe_includes_app(int argc, char **argv);
int rs_probe_includes_app(int argc, char **argv) { return rs_cli_main(argc, argv); }
