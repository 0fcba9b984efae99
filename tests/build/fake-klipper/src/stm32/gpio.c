/* stm32/gpio */
int x;
