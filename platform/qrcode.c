#include "platform/qrcode.h"

#include <errno.h>
#include <string.h>

#include "core/xalloc.h"

#ifdef RS_HAVE_QRENCODE
#include <qrencode.h>

bool rs_qrcode_available(void)
{
	return true;
}

static QRcode *encode_at(const char *text, int version, QRecLevel level)
{
	return QRcode_encodeString(text, version, level, QR_MODE_8, 1);
}

bool rs_qrcode_encode(const char *text, struct rs_qr *out, char **why)
{
	*out = (struct rs_qr){ 0 };
	/* The smallest code first (level L): it must fit an 80x24 terminal.
	 * Then more error correction while the size stays the same, for a
	 * phone held at an angle to a screen that reflects. */
	QRcode *best = encode_at(text, 0, QR_ECLEVEL_L);
	if (!best) {
		int err = errno;
		*why = rs_xasprintf("cannot make a QR code of this text: %s",
				    err == ERANGE ? "too long" : strerror(err));
		return false;
	}
	static const QRecLevel stronger[] = { QR_ECLEVEL_H, QR_ECLEVEL_Q, QR_ECLEVEL_M };
	for (size_t i = 0; i < sizeof(stronger) / sizeof(stronger[0]); i++) {
		QRcode *c = encode_at(text, best->version, stronger[i]);
		if (c && c->width == best->width) {
			QRcode_free(best);
			best = c;
			break;
		}
		if (c)
			QRcode_free(c);
	}
	size_t n = (size_t)best->width * (size_t)best->width;
	out->size = best->width;
	out->dark = rs_xmalloc(n);
	for (size_t i = 0; i < n; i++)
		out->dark[i] = best->data[i] & 1; /* the other bits say what the module is for */
	QRcode_free(best);
	return true;
}

#else

bool rs_qrcode_available(void)
{
	return false;
}

bool rs_qrcode_encode(const char *text, struct rs_qr *out, char **why)
{
	(void)text;
	*out = (struct rs_qr){ 0 };
	*why = rs_xstrdup("QR codes are not available in this build (built without libqrencode)");
	return false;
}

#endif
