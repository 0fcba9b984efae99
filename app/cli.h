#ifndef RS_APP_CLI_H
#define RS_APP_CLI_H

int rs_cli_main(int argc, char **argv);

#endif
