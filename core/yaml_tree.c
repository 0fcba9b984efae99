#include "core/yaml_tree.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/xalloc.h"

/* Board files are a few levels deep; anything deeper is hostile input. */
#define MAX_DEPTH 16

struct builder {
	yaml_parser_t parser;
	const char *file;
	struct rs_errors *errs;
	bool failed;
};

static void fail_at(struct builder *b, enum rs_error_code code, yaml_mark_t m, const char *what)
{
	rs_errors_add(b->errs, code, b->file, (int)m.line + 1, (int)m.column + 1, "%s", what);
	b->failed = true;
}

static bool next_event(struct builder *b, yaml_event_t *ev)
{
	if (yaml_parser_parse(&b->parser, ev))
		return true;
	const yaml_parser_t *p = &b->parser;
	yaml_mark_t m = p->problem_mark;
	if (p->error == YAML_READER_ERROR) {
		/* The reader reports a byte offset, not a line. */
		m.line = 0;
		m.column = p->problem_offset;
	}
	rs_errors_add(b->errs, RS_ERR_SYNTAX, b->file, (int)m.line + 1, (int)m.column + 1,
		      "YAML syntax error: %s%s%s", p->problem ? p->problem : "invalid YAML",
		      p->context ? " " : "", p->context ? p->context : "");
	b->failed = true;
	return false;
}

static struct rs_ynode *new_node(enum rs_ynode_kind kind, yaml_mark_t m)
{
	struct rs_ynode *n = rs_xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->line = (int)m.line + 1;
	n->col = (int)m.column + 1;
	return n;
}

static void add_kid(struct rs_ynode *parent, struct rs_ynode *kid)
{
	parent->kids = rs_xrealloc(parent->kids, (parent->count + 1) * sizeof(*parent->kids));
	parent->kids[parent->count++] = kid;
}

static bool reject_decorations(struct builder *b, const yaml_event_t *ev,
			       const yaml_char_t *anchor, const yaml_char_t *tag, int implicit)
{
	if (anchor) {
		fail_at(b, RS_ERR_ALIAS, ev->start_mark, "anchors (&name) are not allowed");
		return false;
	}
	if (tag && !implicit) {
		fail_at(b, RS_ERR_TYPE, ev->start_mark, "explicit YAML tags are not allowed");
		return false;
	}
	return true;
}

/* Builds the node that starts with ev (already read). Returns NULL on error. */
static struct rs_ynode *build(struct builder *b, yaml_event_t *ev, int depth)
{
	if (depth > MAX_DEPTH) {
		fail_at(b, RS_ERR_RANGE, ev->start_mark, "nesting is too deep");
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		fail_at(b, RS_ERR_ALIAS, ev->start_mark, "aliases (*name) are not allowed");
		return NULL;
	case YAML_SCALAR_EVENT: {
		__typeof__(ev->data.scalar) *s = &ev->data.scalar;
		if (!reject_decorations(b, ev, s->anchor, s->tag,
					s->plain_implicit || s->quoted_implicit))
			return NULL;
		struct rs_ynode *n = new_node(RS_YSCALAR, ev->start_mark);
		n->value = rs_xstrndup((const char *)s->value, s->length);
		n->plain = s->style == YAML_PLAIN_SCALAR_STYLE;
		if (strlen(n->value) != s->length) {
			fail_at(b, RS_ERR_ENCODING, ev->start_mark, "NUL character in a value");
			rs_ytree_free(n);
			return NULL;
		}
		return n;
	}
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT: {
		bool map = ev->type == YAML_MAPPING_START_EVENT;
		const yaml_char_t *anchor = map ? ev->data.mapping_start.anchor
						: ev->data.sequence_start.anchor;
		const yaml_char_t *tag = map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
		int implicit = map ? ev->data.mapping_start.implicit : ev->data.sequence_start.implicit;
		if (!reject_decorations(b, ev, anchor, tag, implicit))
			return NULL;
		struct rs_ynode *n = new_node(map ? RS_YMAP : RS_YSEQ, ev->start_mark);
		yaml_event_type_t end = map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
		for (;;) {
			yaml_event_t kid_ev;
			if (!next_event(b, &kid_ev))
				break;
			if (kid_ev.type == end) {
				yaml_event_delete(&kid_ev);
				return n;
			}
			struct rs_ynode *kid = build(b, &kid_ev, depth + 1);
			yaml_event_delete(&kid_ev);
			if (!kid)
				break;
			add_kid(n, kid);
		}
		rs_ytree_free(n);
		return NULL;
	}
	default:
		fail_at(b, RS_ERR_SYNTAX, ev->start_mark, "unexpected YAML event");
		return NULL;
	}
}

/* Reads events up to and including one of the expected type. */
static bool expect(struct builder *b, yaml_event_type_t type)
{
	yaml_event_t ev;
	if (!next_event(b, &ev))
		return false;
	bool ok = ev.type == type;
	if (!ok)
		fail_at(b, RS_ERR_SYNTAX, ev.start_mark, "only one YAML document is allowed");
	yaml_event_delete(&ev);
	return ok;
}

struct rs_ynode *rs_ytree_parse(const char *file, const char *buf, size_t len,
				struct rs_errors *errs)
{
	struct builder b = { .file = file, .errs = errs };
	struct rs_ynode *root = NULL;
	yaml_event_t ev;

	if (!yaml_parser_initialize(&b.parser))
		abort();
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&b.parser, YAML_UTF8_ENCODING);

	if (!expect(&b, YAML_STREAM_START_EVENT) || !next_event(&b, &ev))
		goto out;
	if (ev.type == YAML_STREAM_END_EVENT) {
		fail_at(&b, RS_ERR_EMPTY, ev.start_mark, "the file is empty");
		yaml_event_delete(&ev);
		goto out;
	}
	yaml_event_delete(&ev); /* document start */
	if (!next_event(&b, &ev))
		goto out;
	root = build(&b, &ev, 0);
	yaml_event_delete(&ev);
	if (root && !(expect(&b, YAML_DOCUMENT_END_EVENT) && expect(&b, YAML_STREAM_END_EVENT))) {
		rs_ytree_free(root);
		root = NULL;
	}
out:
	yaml_parser_delete(&b.parser);
	return root;
}

void rs_ytree_free(struct rs_ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->count; i++)
		rs_ytree_free(n->kids[i]);
	free(n->kids);
	free(n->value);
	free(n);
}

/* Length of the UTF-8 sequence at s (1..4), or 0 when it is not valid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool rs_utf8_check(const char *file, const char *buf, size_t len, struct rs_errors *errs)
{
	const unsigned char *s = (const unsigned char *)buf;
	int line = 1, col = 1;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(s + i, len - i);
		if (n == 0) {
			rs_errors_add(errs, RS_ERR_ENCODING, file, line, col,
				      "invalid UTF-8 (byte 0x%02x)", s[i]);
			return false;
		}
		if (n == 1 && s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
			rs_errors_add(errs, RS_ERR_ENCODING, file, line, col,
				      "control character 0x%02x is not allowed", s[i]);
			return false;
		}
		if (s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
		i += n;
	}
	return true;
}
