/* generic/usb_cdc */
int x;
