/* command */
int x;
