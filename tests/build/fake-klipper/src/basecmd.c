/* basecmd */
int x;
