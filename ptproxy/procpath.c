/*
 * /proc path classification for glass-ptproxy (procpath.h): pure.
 */
#include <ptproxy/procpath.h>

static const struct {
	const char *name;
	enum ptp_path_kind kind;
} proc_files[] = {
	{ "mem", PTP_PATH_MEM },
	{ "exe", PTP_PATH_EXE },
	{ "status", PTP_PATH_STATUS },
	{ "stat", PTP_PATH_STAT },
	{ "maps", PTP_PATH_MAPS },
	{ "comm", PTP_PATH_COMM },
	{ "task", PTP_PATH_TASKDIR },
	{ "ns/mnt", PTP_PATH_NS_MNT },
	{ "ns/pid", PTP_PATH_NS_PID },
};

/* Match literal lit at s[0..end): the bytes after it, or NULL. */
static const char *skip(const char *s, const char *end, const char *lit)
{
	for (; *lit; lit++, s++)
		if (s >= end || *s != *lit)
			return NULL;
	return s;
}

/* A pid in decimal (1..2^31-1, no leading zero): the bytes after it, or NULL. */
static const char *parse_pid(const char *s, const char *end, int *pid)
{
	long v = 0;
	const char *p = s;

	if (p >= end || *p < '1' || *p > '9')
		return NULL;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > 0x7fffffffL)
			return NULL;
	}
	*pid = v;
	return p;
}

/* The file named by s[0..end), allowing one trailing '/' (task/). */
static enum ptp_path_kind file_kind(const char *s, const char *end)
{
	if (end > s && end[-1] == '/')
		end--;
	for (size_t i = 0; i < sizeof(proc_files) / sizeof(proc_files[0]); i++) {
		const char *q = skip(s, end, proc_files[i].name);

		if (q == end)
			return proc_files[i].kind;
	}
	return PTP_PATH_OTHER;
}

enum ptp_path_kind ptp_parse_proc_path(const char *path, size_t len, struct ptp_path *p)
{
	const char *end = path, *s;

	while ((size_t)(end - path) < len && *end)
		end++;
	p->kind = PTP_PATH_OTHER;
	s = skip(path, end, "/proc/");
	if (!s || !(s = parse_pid(s, end, &p->pid)))
		return PTP_PATH_OTHER;
	p->tid = p->pid;
	if (s == end)
		return PTP_PATH_OTHER;  /* /proc/N itself: the tools only stat it */
	if (*s++ != '/')
		return PTP_PATH_OTHER;
	const char *t = skip(s, end, "task/");

	if (t && t < end && (t = parse_pid(t, end, &p->tid)) && t < end && *t == '/')
		s = t + 1;
	else
		p->tid = p->pid;
	p->kind = file_kind(s, end);
	return p->kind;
}
