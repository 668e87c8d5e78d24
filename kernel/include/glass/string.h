/*
 * String and memory functions. The mem and str functions are the host
 * libc's (pure, async-signal-safe); kernel code only declares them and
 * never defines a symbol with a libc name (rule host-boundary).
 */
#ifndef GLASS_STRING_H
#define GLASS_STRING_H

#include <glass/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t n);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *h, const char *n);

/* Kernel's own (lib/string.c). */
size_t strscpy(char *dst, const char *src, size_t size);
char *kstrdup(const char *s, gfp_t gfp);
char *kstrndup(const char *s, size_t n, gfp_t gfp);
void *kmemdup(const void *p, size_t n, gfp_t gfp);
bool str_has_prefix(const char *s, const char *prefix);

#endif
