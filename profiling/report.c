/*
 * `profile dump FORMAT [FILE]`: the sampled profile as folded stacks,
 * pprof's profile.proto or a top-N table. Folded stacks and the table go
 * into the reply without FILE; pprof's binary needs a FILE. A FILE is a
 * host path, relative to glass's working directory. Safe point (CPU
 * thread).
 */
#include <glass/errno.h>
#include <glass/kernel.h>
#include <glass/os.h>
#include <glass/profile.h>
#include <glass/string.h>
#include <glass/uapi_fs.h>
#include "internal.h"

#define TOP_N 25

int profile_write_file(const char *path, const void *buf, size_t len)
{
	int fd = os_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), err = 0;
	const char *p = buf;

	if (fd < 0)
		return fd;
	while (len) {
		long n = os_write(fd, p, len);

		if (n <= 0) {
			err = n < 0 ? (int)n : -EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	os_close(fd);
	return err;
}

static void file_error(struct cmd_out *out, const char *path, int err)
{
	cmd_error(out, "profile dump: cannot write ");
	cmd_printf(out, "%s: %s", path, err == -EACCES ? "permission denied" :
		   err == -ENOENT ? "no such directory" : err == -EISDIR ? "is a directory" :
		   err == -ENOSPC ? "no space left" : "host error");
	if (err != -EACCES && err != -ENOENT && err != -EISDIR && err != -ENOSPC)
		cmd_printf(out, " %d", err);
}

static void dump_folded(struct cmd_out *out, const struct prof_data *d, const char *path)
{
	size_t total = 0, len;
	char line[1024], *buf, *p;
	int err;

	if (!*path) {
		for (u32 i = 0; i < d->nr_stacks; i++) {
			len = prof_folded_line(line, sizeof(line), d, &d->stacks[i]);
			cmd_write(out, line, min(len, sizeof(line) - 1));
		}
		return;
	}
	for (u32 i = 0; i < d->nr_stacks; i++)
		total += prof_folded_line(NULL, 0, d, &d->stacks[i]);
	buf = os_alloc_host(total + 1);
	if (!buf) {
		cmd_error(out, "profile dump: no memory for the output");
		return;
	}
	p = buf;
	for (u32 i = 0; i < d->nr_stacks; i++)
		p += prof_folded_line(p, buf + total + 1 - p, d, &d->stacks[i]);
	err = profile_write_file(path, buf, total);
	os_free_host(buf);
	if (err) {
		file_error(out, path, err);
		return;
	}
	cmd_printf(out, "wrote %s: %u stacks, folded\n", path, d->nr_stacks);
}

static void dump_pprof(struct cmd_out *out, const struct prof_data *d, const char *path)
{
	size_t len = prof_pprof_encode(NULL, 0, d);
	u8 *buf;
	int err;

	if (!*path) {
		cmd_error(out, "profile dump pprof: give a FILE (the format is binary)");
		return;
	}
	buf = os_alloc_host(len);
	if (!buf) {
		cmd_error(out, "profile dump: no memory for the output");
		return;
	}
	prof_pprof_encode(buf, len, d);
	err = profile_write_file(path, buf, len);
	os_free_host(buf);
	if (err) {
		file_error(out, path, err);
		return;
	}
	cmd_printf(out, "wrote %s: %u samples' stacks, %u functions, profile.proto "
		   "(go tool pprof %s)\n", path, d->nr_stacks, d->nr_names, path);
}

/*
 * The functions samples were taken in (the leaf of each stack), most
 * first: self samples, total samples (in any frame of the stack) and
 * where the code is. Totals count a function once per stack.
 */
struct top {
	u32 id;
	u64 self, total;
};

static void top_add(struct top *t, u32 *n, u32 id, u64 self, u64 total)
{
	u32 i;

	for (i = 0; i < *n && t[i].id != id; i++)
		;
	if (i == *n) {
		if (*n == TOP_N * 4)
			return;
		t[(*n)++] = (struct top){ id, 0, 0 };
	}
	t[i].self += self;
	t[i].total += total;
}

static void dump_top(struct cmd_out *out, const struct prof_data *d)
{
	static const char *const where[] = { "task", "user", "kernel" };
	static struct top t[TOP_N * 4];
	u64 all = 0;
	u32 n = 0;

	for (u32 i = 0; i < d->nr_stacks; i++) {
		const struct prof_stack *s = &d->stacks[i];

		all += s->count;
		top_add(t, &n, d->frames[s->first + s->nr - 1], s->count, 0);
	}
	/* Insertion sort by self samples, most first. */
	for (u32 i = 1; i < n; i++)
		for (u32 j = i; j && t[j].self > t[j - 1].self; j--) {
			struct top x = t[j];

			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	cmd_printf(out, "%8s %6s  %-6s %s\n", "samples", "%", "where", "function");
	for (u32 i = 0; i < n && i < TOP_N; i++) {
		u64 pct = all ? t[i].self * 1000 / all : 0;

		cmd_printf(out, "%8llu %3llu.%llu%%  %-6s %s\n", (unsigned long long)t[i].self,
			   (unsigned long long)(pct / 10), (unsigned long long)(pct % 10),
			   where[d->kinds[t[i].id] <= PROF_KERNEL ? d->kinds[t[i].id] : PROF_KERNEL],
			   d->names[t[i].id]);
	}
	cmd_printf(out, "%8llu total\n", (unsigned long long)all);
}

void profile_dump(struct cmd_out *out, const char *args)
{
	static const char usage[] = "usage: profile dump folded|pprof|top [FILE]";
	struct prof_data d;
	const char *path = args;
	size_t n = 0;

	while (path[n] && path[n] != ' ')
		n++;
	path += n;
	while (*path == ' ')
		path++;
	profile_collect();
	if (!n) {
		cmd_error(out, usage);
		return;
	}
	if (!profile_data(&d) || !profile_samples()) {
		cmd_error(out, "profile dump: no samples (profile start first, and let it run)");
		return;
	}
	if (n == 6 && !strncmp(args, "folded", 6))
		dump_folded(out, &d, path);
	else if (n == 5 && !strncmp(args, "pprof", 5))
		dump_pprof(out, &d, path);
	else if (n == 3 && !strncmp(args, "top", 3) && !*path)
		dump_top(out, &d);
	else
		cmd_error(out, usage);
}
