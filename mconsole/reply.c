/*
 * Printing a reply. Plain mode writes each packet with write(2) the moment
 * it arrives, so a long reply (dmesg) starts showing at once; --json mode
 * collects the packets and prints one object per command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

struct sink {
	bool json;
	bool err;
	char last;              /* last byte written (plain mode), 0: none */
	char *buf;              /* the collected output (json mode) */
	size_t len, cap;
};

static void write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= w;
	}
}

static void collect(struct sink *k, const char *data, size_t len)
{
	if (k->len + len + 1 > k->cap) {
		size_t cap = (k->len + len + 1) * 2;
		char *p = realloc(k->buf, cap);

		if (!p) {
			perror("glass-console");
			exit(2);
		}
		k->buf = p;
		k->cap = cap;
	}
	memcpy(k->buf + k->len, data, len);
	k->len += len;
}

static void on_packet(void *ctx, const char *data, size_t len, bool err, bool first,
		      bool more)
{
	struct sink *k = ctx;

	k->err = err;
	/* UML's proc sends a lone "\n" first, for uml_mconsole's "OK "
	 * prefix; here it would only be a blank line. */
	if (first && more && len == 1 && data[0] == '\n')
		return;
	if (k->json) {
		collect(k, data, len);
		return;
	}
	if (first && err) {
		write_all(2, "ERR ", 4);
		k->last = ' ';
	}
	if (len) {
		write_all(err ? 2 : 1, data, len);
		k->last = data[len - 1];
	}
}

static void print_json(const char *cmd, const struct sink *k, enum mc_result r,
		       const char *err)
{
	printf("{\"command\": \"");
	json_put_string(stdout, cmd, strlen(cmd));
	printf("\", \"ok\": %s, \"output\": \"", r == MC_OK ? "true" : "false");
	json_put_string(stdout, k->buf ? k->buf : "", k->len);
	putchar('"');
	if (r == MC_LOCAL_FAILURE) {
		printf(", \"error\": \"");
		json_put_string(stdout, err, strlen(err));
		putchar('"');
	}
	printf("}\n");
	fflush(stdout);
}

/* --json when there is no Glass to ask: the object still comes, ok false. */
void print_json_failure(const char *cmd, const char *err)
{
	struct sink k = { .json = true };

	print_json(cmd, &k, MC_LOCAL_FAILURE, err);
}

enum mc_result run_command(struct mc_conn *c, const char *cmd, bool json)
{
	struct sink k = { .json = json };
	char err[512] = "";
	enum mc_result r = mc_command(c, cmd, on_packet, &k, err, sizeof(err));

	if (json) {
		print_json(cmd, &k, r, err);
		if (r == MC_LOCAL_FAILURE)
			fprintf(stderr, "glass-console: %s\n", err);
		free(k.buf);
		return r;
	}
	/* Replies end with a newline on the terminal, as uml_mconsole's. */
	if (k.last && k.last != '\n')
		write_all(k.err ? 2 : 1, "\n", 1);
	if (r == MC_LOCAL_FAILURE)
		fprintf(stderr, "glass-console: %s\n", err);
	return r;
}
