/*
 * Folded stacks, the text format of Brendan Gregg's flamegraph.pl that
 * speedscope and most flame-graph tools read: one line per distinct
 * stack, frames root first, separated by ';', then a blank and the count.
 * Pure: no host call, no allocation.
 */
#include <glass/profile_format.h>

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* A name with the format's separators replaced. */
static void put_name(struct out *o, const char *s)
{
	for (; *s; s++)
		put(o, *s == ';' || *s == ' ' || *s == '\n' ? '_' : *s);
}

static void put_u64(struct out *o, u64 v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		put(o, tmp[--n]);
}

size_t prof_folded_line(char *buf, size_t size, const struct prof_data *p,
			const struct prof_stack *s)
{
	struct out o = { buf, size, 0 };

	for (u32 i = 0; i < s->nr; i++) {
		u32 id = p->frames[s->first + i];

		if (i)
			put(&o, ';');
		put_name(&o, id < p->nr_names ? p->names[id] : "?");
	}
	put(&o, ' ');
	put_u64(&o, s->count);
	put(&o, '\n');
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}
