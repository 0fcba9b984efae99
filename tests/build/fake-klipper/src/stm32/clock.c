/* stm32/clock */
int x;
