/* An argv as one line a user can paste into a shell: for logs and plans. */
#ifndef RS_CORE_SHELL_WORDS_H
#define RS_CORE_SHELL_WORDS_H

/* "a b 'c d'" (single quotes where needed); caller frees. */
char *rs_shell_join(const char *const argv[]);

#endif
