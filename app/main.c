#include "app/cli.h"

int main(int argc, char **argv)
{
	return rs_cli_main(argc, argv);
}
