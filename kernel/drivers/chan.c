/*
 * UML's channel syntax for console and serial lines, parsed once for the
 * command line and mconsole config alike. Pure code (tests/unit/test_line.c).
 *   fd:N          one host fd both ways
 *   fd:IN,fd:OUT  input and output fds
 *   pty           a new host pty (its slave's name goes to the log)
 *   port:N        telnet on 127.0.0.1:N; lines may share a port
 *   xterm         an xterm on a new pty
 *   null          output dropped, input at end of file
 *   none          no line at all (con0: as null, the console must exist)
 */
#include <glass/kernel.h>
#include <glass/line.h>
#include <glass/string.h>

/* A decimal number up to limit; *end after it. -1 if none. */
static int parse_num(const char *s, const char **end, int limit)
{
	int v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s++ - '0');
		if (v > limit)
			return -1;
	}
	*end = s;
	return v;
}

static int parse_fd(const char *s, const char **end)
{
	if (strncmp(s, "fd:", 3))
		return -1;
	return parse_num(s + 3, end, 1 << 20);
}

int chan_parse(const char *s, struct chan_spec *spec)
{
	const char *end;

	memset(spec, 0, sizeof(*spec));
	spec->in = spec->out = -1;
	if (!strcmp(s, "none")) {
		spec->type = CHAN_NONE;
		return 0;
	}
	if (!strcmp(s, "null")) {
		spec->type = CHAN_NULL;
		return 0;
	}
	if (!strcmp(s, "pty")) {
		spec->type = CHAN_PTY;
		return 0;
	}
	if (!strcmp(s, "xterm")) {
		spec->type = CHAN_XTERM;
		return 0;
	}
	if (!strncmp(s, "port:", 5)) {
		spec->port = parse_num(s + 5, &end, 65535);
		if (spec->port <= 0 || *end)
			return -EINVAL;
		spec->type = CHAN_PORT;
		return 0;
	}
	spec->in = parse_fd(s, &end);
	if (spec->in < 0)
		return -EINVAL;
	spec->type = CHAN_FD;
	if (!*end) {
		spec->out = spec->in;
		return 0;
	}
	if (*end != ',')
		return -EINVAL;
	spec->out = parse_fd(end + 1, &end);
	return spec->out >= 0 && !*end ? 0 : -EINVAL;
}
