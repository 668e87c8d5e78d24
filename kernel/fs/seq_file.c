/*
 * seq_file for single-record files (glass/seq_file.h), as Linux's
 * fs/seq_file.c: show() prints into a page-sized buffer that doubles
 * until the text fits, then reads copy out of it.
 */
#include <glass/export.h>
#include <glass/mm.h>
#include <glass/seq_file.h>

#define SEQ_BUF_MAX (256 << 10)         /* as procfs's generated files */

void seq_vprintf(struct seq_file *m, const char *fmt, va_list ap)
{
	size_t room = m->size - m->count;
	int n;

	if (m->overflow)
		return;
	n = kvsnprintf(m->buf + m->count, room, fmt, ap);
	if ((size_t)n >= room)
		m->overflow = true;
	else
		m->count += n;
}
EXPORT_SYMBOL(seq_vprintf);

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	seq_vprintf(m, fmt, ap);
	va_end(ap);
}
EXPORT_SYMBOL(seq_printf);

void seq_puts(struct seq_file *m, const char *s)
{
	seq_printf(m, "%s", s);
}
EXPORT_SYMBOL(seq_puts);

void seq_putc(struct seq_file *m, char c)
{
	seq_printf(m, "%c", c);
}
EXPORT_SYMBOL(seq_putc);

/* Run show into a buffer that holds all it prints: 0, -ENOMEM, -EFBIG
 * past SEQ_BUF_MAX, or show's own error. */
static int seq_fill(struct seq_file *m)
{
	size_t size = m->size ? m->size : PAGE_SIZE;
	int err;

	for (;;) {
		if (size != m->size) {
			kfree(m->buf);
			m->size = 0;
			m->buf = kmalloc(size, GFP_KERNEL);
			if (!m->buf)
				return -ENOMEM;
			m->size = size;
		}
		m->count = 0;
		m->overflow = false;
		err = m->show(m, m->private);
		if (err || !m->overflow)
			return err;
		if (size >= SEQ_BUF_MAX)
			return -EFBIG;
		size *= 2;
	}
}

ssize_t seq_read(struct file *f, char __user *buf, size_t size, loff_t *pos)
{
	struct seq_file *m = f->private_data;

	if (*pos == 0 || !m->buf) {
		int err = seq_fill(m);

		if (err)
			return err;
	}
	return simple_read_from_buffer(buf, size, pos, m->buf, m->count);
}
EXPORT_SYMBOL(seq_read);

loff_t seq_lseek(struct file *f, loff_t off, int whence)
{
	return generic_file_llseek(f, off, whence);
}
EXPORT_SYMBOL(seq_lseek);

int single_open(struct file *f, int (*show)(struct seq_file *, void *), void *data)
{
	struct seq_file *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return -ENOMEM;
	m->show = show;
	m->private = data;
	m->file = f;
	f->private_data = m;
	return 0;
}
EXPORT_SYMBOL(single_open);

int single_release(struct inode *inode, struct file *f)
{
	struct seq_file *m = f->private_data;

	kfree(m->buf);
	kfree(m);
	f->private_data = NULL;
	return 0;
}
EXPORT_SYMBOL(single_release);
