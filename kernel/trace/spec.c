/*
 * The `trace` selection: sources, pid=, comm=, follow, filter=. Pure code:
 * only its arguments and the syscall table generated from
 * kernel/proc/syscalls.tbl (names and argument kinds), no host call, no
 * allocation; unit-tested (tests/unit/test_trace_spec.c) and fuzzed.
 */
#include <glass/kernel.h>
#include <glass/trace.h>
#include "spec.h"

/* Each syscall's name and argument kinds, as the table lists them. */
static const struct {
	const char *name;
	const char *kind[6];
} sys[NR_syscalls] = {
#define __SYSCALL_ARGS(nr, nm, n, k0, k1, k2, k3, k4, k5) \
	[nr] = { #nm, { #k0, #k1, #k2, #k3, #k4, #k5 } },
#include <generated/syscall_args.h>
#undef __SYSCALL_ARGS
};

static bool has_kind(unsigned int nr, const char *kind)
{
	for (int i = 0; i < 6; i++)
		if (!strcmp(sys[nr].kind[i], kind))
			return true;
	return false;
}

static bool in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

/*
 * strace's classes, from the table where it can say: %file takes a path,
 * %desc an fd (or makes one), %signal a signal number; the rest by name,
 * as strace's own syscall table marks them (TP, TM, TS, TI).
 */
static const char *const fd_makers[] = {
	"open", "creat", "pipe", "pipe2", "socket", "socketpair", "eventfd", "eventfd2",
	"epoll_create", "epoll_create1", "memfd_create", "timerfd_create", "inotify_init",
	"inotify_init1", "pidfd_open", "select", "pselect6", "poll", "ppoll", NULL
};
static const char *const process_calls[] = {
	"clone", "clone3", "fork", "vfork", "execve", "execveat", "exit", "exit_group",
	"wait4", "waitid", "kill", "tkill", "tgkill", "rt_sigqueueinfo",
	"rt_tgsigqueueinfo", "pidfd_send_signal", "pidfd_open", NULL
};
static const char *const memory_calls[] = {
	"brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "mlock", "mlock2",
	"munlock", "mlockall", "munlockall", "msync", "mincore", "mbind",
	"get_mempolicy", "set_mempolicy", "remap_file_pages", "pkey_mprotect",
	"migrate_pages", "move_pages", "shmat", "shmdt", NULL
};
static const char *const signal_calls[] = {
	"sigaltstack", "pause", "signalfd", "signalfd4", "rt_sigreturn", NULL
};
static const char *const ipc_calls[] = {
	"msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semctl",
	"semtimedop", "shmget", "shmat", "shmdt", "shmctl", NULL
};

unsigned int trace_syscall_classes(unsigned int nr)
{
	const char *name = nr < NR_syscalls ? sys[nr].name : NULL;
	unsigned int c = 0;

	if (!name)
		return 0;
	if (has_kind(nr, "path"))
		c |= TRACE_CLASS_FILE;
	if (has_kind(nr, "fd") || has_kind(nr, "dirfd") || in_list(name, fd_makers))
		c |= TRACE_CLASS_DESC;
	if (has_kind(nr, "sig") || str_has_prefix(name, "rt_sig") || in_list(name, signal_calls))
		c |= TRACE_CLASS_SIGNAL;
	if (in_list(name, process_calls))
		c |= TRACE_CLASS_PROCESS;
	if (in_list(name, memory_calls))
		c |= TRACE_CLASS_MEMORY;
	if (in_list(name, ipc_calls))
		c |= TRACE_CLASS_IPC;
	return c;
}

static const struct {
	const char *name;
	unsigned int class;
} classes[] = {
	{ "file", TRACE_CLASS_FILE }, { "process", TRACE_CLASS_PROCESS },
	{ "memory", TRACE_CLASS_MEMORY }, { "signal", TRACE_CLASS_SIGNAL },
	{ "desc", TRACE_CLASS_DESC }, { "ipc", TRACE_CLASS_IPC },
};

/* Add a class (strace's %name is taken too) or one syscall to the set. */
static int add_filter(struct trace_spec *spec, const char *item)
{
	if (*item == '%')
		item++;
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
		if (strcmp(item, classes[i].name))
			continue;
		for (unsigned int nr = 0; nr < NR_syscalls; nr++)
			if (trace_syscall_classes(nr) & classes[i].class)
				spec->set[nr / 64] |= 1UL << (nr % 64);
		return 0;
	}
	for (unsigned int nr = 0; nr < NR_syscalls; nr++) {
		if (sys[nr].name && !strcmp(item, sys[nr].name)) {
			spec->set[nr / 64] |= 1UL << (nr % 64);
			return 0;
		}
	}
	return -EINVAL;
}

#define WORD_MAX 64

/* The next word of s at *pos (blanks and commas separate), cut to fit
 * word; false at the end. */
static bool next_word(const char *s, size_t *pos, char *word, bool *cut)
{
	size_t n = 0, i = *pos;

	while (s[i] == ' ' || s[i] == '\t' || s[i] == ',')
		i++;
	if (!s[i])
		return false;
	*cut = false;
	for (; s[i] && s[i] != ' ' && s[i] != '\t' && s[i] != ','; i++) {
		if (n < WORD_MAX - 1)
			word[n++] = s[i];
		else
			*cut = true;
	}
	word[n] = '\0';
	*pos = i;
	return true;
}

int trace_spec_parse(const char *s, struct trace_spec *spec, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		unsigned int source;
	} sources[] = {
		{ "syscalls", TRACE_SYSCALLS }, { "faults", TRACE_FAULTS }, { "sched", TRACE_SCHED },
	};
	char word[WORD_MAX];
	bool in_filter = false, cut;
	size_t pos = 0;

	memset(spec, 0, sizeof(*spec));
	while (next_word(s, &pos, word, &cut)) {
		bool found = false;

		if (cut) {
			scnprintf(err, errlen, "trace: '%s...' is too long", word);
			return -EINVAL;
		}
		for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
			if (!strcmp(word, sources[i].name)) {
				spec->sources |= sources[i].source;
				found = true;
			}
		}
		if (found || !strcmp(word, "follow")) {
			spec->follow |= !found;
			in_filter = false;
		} else if (str_has_prefix(word, "pid=")) {
			if (kstrtoint(word + 4, 10, &spec->pid) || spec->pid <= 0) {
				scnprintf(err, errlen, "trace: pid=%s: not a pid (a number above 0)",
					  word + 4);
				return -EINVAL;
			}
			in_filter = false;
		} else if (str_has_prefix(word, "comm=")) {
			if (!word[5] || strlen(word + 5) >= TRACE_SPEC_COMM) {
				scnprintf(err, errlen, "trace: comm=%s: a command name is 1 to %d bytes",
					  word + 5, TRACE_SPEC_COMM - 1);
				return -EINVAL;
			}
			strscpy(spec->comm, word + 5, sizeof(spec->comm));
			in_filter = false;
		} else if (str_has_prefix(word, "filter=") || in_filter) {
			const char *item = in_filter ? word : word + 7;

			spec->filtered = in_filter = true;
			if (add_filter(spec, item)) {
				scnprintf(err, errlen, "trace: filter: '%s' is neither a syscall nor a "
					  "class (file, process, memory, signal, desc, ipc)", item);
				return -EINVAL;
			}
		} else {
			scnprintf(err, errlen, "trace: unknown word '%s': expected syscalls, faults, "
				  "sched, pid=N, comm=NAME, follow, filter=CLASS|SYSCALL,...", word);
			return -EINVAL;
		}
	}
	if (!spec->sources) {
		scnprintf(err, errlen, "trace: nothing to trace: name syscalls, faults or sched");
		return -EINVAL;
	}
	if (spec->pid && spec->comm[0]) {
		scnprintf(err, errlen, "trace: pid= and comm= select the same way: give one");
		return -EINVAL;
	}
	if (spec->filtered && !(spec->sources & TRACE_SYSCALLS)) {
		scnprintf(err, errlen, "trace: filter= chooses syscalls: name syscalls too");
		return -EINVAL;
	}
	return 0;
}
