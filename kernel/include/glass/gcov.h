/*
 * gcov coverage of kernel code (coverage/README.md): the records gcc 12
 * emits for each object compiled with --coverage, and the registry that
 * dumps and resets them.
 *
 * The record layout is gcc's private ABI (gcc/libgcov.h), as Linux's
 * kernel/gcov/gcc_4_7.c copies it: it changes between gcc versions, so
 * this header names the one it is for and the build refuses another.
 */
#ifndef GLASS_GCOV_H
#define GLASS_GCOV_H

#include <glass/types.h>

#if defined(CONFIG_GCOV_KERNEL) && __GNUC__ != 12
#error "struct gcov_info is gcc 12's layout: check it against gcc's libgcov.h"
#endif

#define GCOV_COUNTERS 8         /* counter kinds gcc 12 knows */

typedef s64 gcov_type;

/* One kind of counter of one function. */
struct gcov_ctr_info {
	unsigned int num;
	gcov_type *values;
};

/* One function. key points at the record the function belongs to: a
 * COMDAT function appears in several objects and counts in one. */
struct gcov_fn_info {
	const struct gcov_info *key;
	unsigned int ident;
	unsigned int lineno_checksum;
	unsigned int cfg_checksum;
	struct gcov_ctr_info ctrs[];    /* one per merge[] that is set */
};

/* One object file: where its .gcda goes and its functions. */
struct gcov_info {
	unsigned int version;
	struct gcov_info *next;         /* the registry's chain */
	unsigned int stamp;
	unsigned int checksum;
	const char *filename;           /* absolute path of the .gcda */
	void (*merge[GCOV_COUNTERS])(gcov_type *, unsigned int);
	unsigned int n_functions;
	struct gcov_fn_info **functions;
};

/* The functions of info that count in it (COMDAT copies skipped). */
#define gcov_for_each_fn(fn, info, i)					\
	for ((i) = 0; (i) < (info)->n_functions; (i)++)			\
		if (((fn) = (info)->functions[i]) && (fn)->key == (info))

/* Counter kinds the record has: its ctrs[] entries per function. */
unsigned int gcov_nr_ctrs(const struct gcov_info *info);

/* ---- the registry (coverage/gcov.c); CPU thread ---- */

struct gcov_stats {
	unsigned int objects;           /* records registered */
	unsigned int ghosts;            /* of them, copies of unloaded modules' */
	unsigned long functions;
	unsigned long counters;
};

/* Registered records: the kernel's own (none in a build without
 * COVERAGE=1), loaded modules' and unloaded modules' kept copies. */
void gcov_stats(struct gcov_stats *st);
/* Zero every counter; the copies of unloaded modules go. */
void gcov_reset(void);
/* Write every record's .gcda: to its own path (dir NULL), or under dir
 * (kernel/os/gcov.c says where). Files written, or -errno with the path
 * that failed in failed (size bytes). */
int gcov_dump(const char *dir, char *failed, size_t size);

/* A module's records, the pointers in its section gcov_info [begin, end).
 * On load they are registered, and the kept copy of an earlier load of
 * the same object is added into them and dropped. On unload they are
 * copied (the copies registered in their place) and unregistered:
 * -ENOMEM if a copy cannot be made (those counts are lost, and logged). */
void gcov_module_load(struct gcov_info **begin, struct gcov_info **end);
int gcov_module_unload(struct gcov_info **begin, struct gcov_info **end);

#endif
