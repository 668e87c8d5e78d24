/*
 * seq_file, the single-record part of Linux's: a procfs file whose whole
 * text one show(m, v) function prints with seq_printf. single_open() in
 * the file's open, seq_read/seq_lseek/single_release as its other
 * operations (proc_create_single does all of it). The text is generated
 * at the read at offset 0 and served from the buffer after that, so one
 * reader sees one consistent snapshot. Task context.
 */
#ifndef GLASS_SEQ_FILE_H
#define GLASS_SEQ_FILE_H

#include <glass/fs.h>

struct seq_file {
	char *buf;
	size_t size;            /* of buf */
	size_t count;           /* bytes of text in buf */
	bool overflow;          /* the show did not fit: grow and run it again */
	int (*show)(struct seq_file *m, void *v);
	void *private;          /* single_open's data */
	struct file *file;
};

__printf(2, 3) void seq_printf(struct seq_file *m, const char *fmt, ...);
void seq_vprintf(struct seq_file *m, const char *fmt, va_list ap);
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);

int single_open(struct file *f, int (*show)(struct seq_file *, void *), void *data);
int single_release(struct inode *inode, struct file *f);
ssize_t seq_read(struct file *f, char __user *buf, size_t size, loff_t *pos);
loff_t seq_lseek(struct file *f, loff_t off, int whence);

#endif
