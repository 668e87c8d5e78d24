/* Shared by the profiling/ files only. */
#ifndef PROFILING_INTERNAL_H
#define PROFILING_INTERNAL_H

#include <glass/command.h>
#include <glass/profile_format.h>

/* The sampled profile so far, as the encoders take it; false when no
 * profile was ever started. The idle samples are a stack of their own. */
bool profile_data(struct prof_data *d);
/* Samples in it (idle included). */
u64 profile_samples(void);

/* `profile dump FORMAT [FILE]` (report.c). */
void profile_dump(struct cmd_out *out, const char *args);

/* Write len bytes of buf to the host file path, made or truncated (0600);
 * 0 or -errno (report.c). */
int profile_write_file(const char *path, const void *buf, size_t len);

#endif
