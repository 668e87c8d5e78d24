/*
 * Pipes and FIFOs: a 64 KiB ring in 16 physmem pages shared by the read
 * and write ends. Linux semantics: reads return what is there (0 at EOF
 * once every writer is gone), writes of up to PIPE_BUF bytes are atomic,
 * writing with no reader raises SIGPIPE and fails with EPIPE, O_NONBLOCK
 * gives EAGAIN, opening a FIFO waits for the other end. Readers and
 * writers sleep interruptibly (-ERESTARTSYS on a signal). Task context on
 * the CPU thread.
 */
#include <glass/syscalls.h>
#include "internal.h"

#define PIPE_SIZE (64 * 1024)
#define PIPE_PAGES ((int)(PIPE_SIZE / PAGE_SIZE))

struct pipe_inode_info {
	wait_queue_head_t rd_wait;      /* readers wait for data or writers */
	wait_queue_head_t wr_wait;      /* writers wait for room or readers */
	struct page *pages[PIPE_PAGES]; /* allocated as first written */
	unsigned int head;              /* ring offset of the first byte */
	unsigned int len;               /* bytes in the ring */
	unsigned int readers, writers;
	unsigned int r_counter, w_counter;      /* opens, for FIFO open waits */
};

static struct vfsmount *pipe_mnt;
static const struct file_operations pipe_fops;

/* Sleep interruptibly on wq until cond; 0 or -ERESTARTSYS. (The entry is
 * initialized here: prepare_to_wait tests e->task.) */
#define pipe_wait(wq, cond)                                                  \
	({                                                                   \
		struct wait_queue_entry __we = { .task = NULL };             \
		int __ret = 0;                                               \
		INIT_LIST_HEAD(&__we.entry);                                 \
		for (;;) {                                                   \
			prepare_to_wait(&(wq), &__we, TASK_INTERRUPTIBLE);   \
			if (cond)                                            \
				break;                                       \
			if (signal_pending_current()) {                      \
				__ret = -ERESTARTSYS;                        \
				break;                                       \
			}                                                    \
			current->wchan = __func__;                           \
			schedule();                                          \
		}                                                            \
		finish_wait(&(wq), &__we);                                   \
		__ret;                                                       \
	})

static struct pipe_inode_info *alloc_pipe_info(void)
{
	struct pipe_inode_info *pipe = kzalloc(sizeof(*pipe), GFP_KERNEL);

	if (pipe) {
		init_waitqueue_head(&pipe->rd_wait);
		init_waitqueue_head(&pipe->wr_wait);
	}
	return pipe;
}

void free_pipe_info(struct pipe_inode_info *pipe)
{
	for (int i = 0; i < PIPE_PAGES; i++)
		if (pipe->pages[i])
			put_page(pipe->pages[i]);
	kfree(pipe);
}

/* Copy n bytes out of the ring at offset off (n <= len); bytes copied. */
static size_t ring_to_user(struct pipe_inode_info *pipe, unsigned int off,
			   char __user *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		unsigned int pos = (off + done) % PIPE_SIZE;
		unsigned int in = pos % PAGE_SIZE;
		size_t chunk = min_t(size_t, n - done, PAGE_SIZE - in);
		char *src = (char *)page_address(pipe->pages[pos / PAGE_SIZE]) + in;
		unsigned long left = copy_to_user(buf + done, src, chunk);

		done += chunk - left;
		if (left)
			break;
	}
	return done;
}

/* Copy n bytes from the guest into the ring at offset off; bytes copied
 * or -ENOMEM when a ring page cannot be allocated. */
static long ring_from_user(struct pipe_inode_info *pipe, unsigned int off,
			   const char __user *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		unsigned int pos = (off + done) % PIPE_SIZE;
		unsigned int in = pos % PAGE_SIZE;
		size_t chunk = min_t(size_t, n - done, PAGE_SIZE - in);
		struct page **pp = &pipe->pages[pos / PAGE_SIZE];
		unsigned long left;

		if (!*pp) {
			*pp = alloc_page(GFP_KERNEL);
			if (!*pp)
				return done ? (long)done : -ENOMEM;
		}
		left = copy_from_user((char *)page_address(*pp) + in, buf + done, chunk);
		done += chunk - left;
		if (left)
			break;
	}
	return done;
}

static ssize_t pipe_read(struct file *f, char __user *buf, size_t count, loff_t *ppos)
{
	struct pipe_inode_info *pipe = f->private_data;
	size_t n;
	int err;

	if (!count)
		return 0;
	while (!pipe->len) {
		if (!pipe->writers)
			return 0;
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = pipe_wait(pipe->rd_wait, pipe->len || !pipe->writers);
		if (err)
			return err;
	}
	n = ring_to_user(pipe, pipe->head, buf, min_t(size_t, count, pipe->len));
	if (!n)
		return -EFAULT;
	pipe->head = (pipe->head + n) % PIPE_SIZE;
	pipe->len -= n;
	if (!pipe->len)
		pipe->head = 0;
	wake_up(&pipe->wr_wait);
	return n;
}

static ssize_t pipe_write(struct file *f, const char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct pipe_inode_info *pipe = f->private_data;
	/* Up to PIPE_BUF bytes go in at once or not at all. */
	size_t need = count <= PIPE_BUF ? count : 1;
	size_t done = 0;
	long n;
	int err;

	if (!count)
		return 0;
	for (;;) {
		size_t room;

		if (!pipe->readers) {
			send_sig(SIGPIPE, current, 0);
			return done ? (ssize_t)done : -EPIPE;
		}
		room = PIPE_SIZE - pipe->len;
		if (room >= need) {
			size_t want = min(room, count - done);

			n = ring_from_user(pipe, (pipe->head + pipe->len) % PIPE_SIZE,
					   buf + done, want);
			if (n > 0) {
				pipe->len += n;
				done += n;
				wake_up(&pipe->rd_wait);
			}
			if (n < 0 || (size_t)n < want) {
				if (done)
					return done;
				return n < 0 ? n : -EFAULT;
			}
			if (done == count)
				return done;
			need = 1;
			continue;
		}
		if (f->f_flags & O_NONBLOCK)
			return done ? (ssize_t)done : -EAGAIN;
		err = pipe_wait(pipe->wr_wait,
				PIPE_SIZE - pipe->len >= need || !pipe->readers);
		if (err)
			return done ? (ssize_t)done : err;
	}
}

static unsigned int pipe_poll(struct file *f, poll_table *pt)
{
	struct pipe_inode_info *pipe = f->private_data;
	unsigned int mask = 0;

	poll_wait(f, &pipe->rd_wait, pt);
	poll_wait(f, &pipe->wr_wait, pt);
	if (f->f_mode & FMODE_READ) {
		if (pipe->len)
			mask |= POLLIN | POLLRDNORM;
		if (!pipe->writers && f->f_version != pipe->w_counter)
			mask |= POLLHUP;
	}
	if (f->f_mode & FMODE_WRITE) {
		if (PIPE_SIZE - pipe->len >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!pipe->readers)
			mask |= POLLERR;
	}
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct pipe_inode_info *pipe = f->private_data;

	if (cmd == FIONREAD)
		return put_user((int)pipe->len, (int __user *)arg);
	return -ENOTTY;
}

/* Last close of an end: wake the other side; free the ring when unused. */
static int pipe_release(struct inode *inode, struct file *f)
{
	struct pipe_inode_info *pipe = f->private_data;

	if (f->f_mode & FMODE_READ)
		pipe->readers--;
	if (f->f_mode & FMODE_WRITE)
		pipe->writers--;
	wake_up(&pipe->rd_wait);
	wake_up(&pipe->wr_wait);
	if (!pipe->readers && !pipe->writers && inode->i_pipe == pipe) {
		inode->i_pipe = NULL;
		free_pipe_info(pipe);
	}
	return 0;
}

long pipe_fcntl(struct file *f, unsigned int cmd, unsigned long arg)
{
	if (f->f_op != &pipe_fops)
		return -EBADF;
	if (cmd == F_SETPIPE_SZ && arg > (1UL << 20))
		return -EPERM;
	return PIPE_SIZE;       /* the ring does not resize */
}

static const struct file_operations pipe_fops = {
	.llseek = no_llseek,
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
};

/* Undo a FIFO open that failed after counting itself in. */
static int fifo_open_fail(struct inode *inode, struct pipe_inode_info *pipe,
			  bool rd, bool wr, int err)
{
	if (rd)
		pipe->readers--;
	if (wr)
		pipe->writers--;
	if (!pipe->readers && !pipe->writers) {
		inode->i_pipe = NULL;
		free_pipe_info(pipe);
	}
	return err;
}

/* open of a FIFO node: join its pipe (made on first open) and wait for
 * the other end unless O_NONBLOCK or O_RDWR. */
static int fifo_open(struct inode *inode, struct file *f)
{
	struct pipe_inode_info *pipe = inode->i_pipe;
	bool rd = f->f_mode & FMODE_READ, wr = f->f_mode & FMODE_WRITE;
	unsigned int seen;

	if (!rd && !wr)
		return -EINVAL;
	if (!pipe) {
		pipe = alloc_pipe_info();
		if (!pipe)
			return -ENOMEM;
		inode->i_pipe = pipe;
	}
	f->private_data = pipe;
	f->f_op = &pipe_fops;
	if (rd && wr) {
		pipe->readers++;
		pipe->writers++;
		pipe->r_counter++;
		pipe->w_counter++;
		wake_up(&pipe->rd_wait);
		wake_up(&pipe->wr_wait);
		return 0;
	}
	if (rd) {
		pipe->r_counter++;
		pipe->readers++;
		wake_up(&pipe->wr_wait);
		if (!pipe->writers) {
			if (f->f_flags & O_NONBLOCK) {
				f->f_version = pipe->w_counter;
			} else {
				seen = pipe->w_counter;
				if (pipe_wait(pipe->rd_wait, pipe->w_counter != seen))
					return fifo_open_fail(inode, pipe, true, false,
							      -ERESTARTSYS);
			}
		}
		return 0;
	}
	if ((f->f_flags & O_NONBLOCK) && !pipe->readers)
		return fifo_open_fail(inode, pipe, false, false, -ENXIO);
	pipe->w_counter++;
	pipe->writers++;
	wake_up(&pipe->rd_wait);
	if (!pipe->readers) {
		seen = pipe->r_counter;
		if (pipe_wait(pipe->wr_wait, pipe->r_counter != seen))
			return fifo_open_fail(inode, pipe, false, true, -ERESTARTSYS);
	}
	return 0;
}

const struct file_operations pipefifo_fops = {
	.open = fifo_open,
};

/* Two files on a new anonymous pipe: res[0] reads, res[1] writes. flags
 * may hold O_NONBLOCK (O_CLOEXEC is the caller's business). */
int create_pipe_files(struct file **res, int flags)
{
	struct inode *inode = new_inode(pipe_mnt->mnt_sb);
	struct pipe_inode_info *pipe;
	struct dentry *d;
	struct path path;
	char name[32];

	if (!inode)
		return -ENOMEM;
	pipe = alloc_pipe_info();
	if (!pipe) {
		iput(inode);
		return -ENOMEM;
	}
	inode->i_mode = S_IFIFO | 0600;
	inode->i_fop = &pipefifo_fops;
	inode->i_pipe = pipe;
	pipe->readers = pipe->writers = 1;
	pipe->r_counter = pipe->w_counter = 1;
	scnprintf(name, sizeof(name), "pipe:[%lu]", inode->i_ino);
	d = d_alloc_pseudo(pipe_mnt->mnt_sb, name);
	if (!d) {
		iput(inode);
		return -ENOMEM;
	}
	d_instantiate(d, inode);
	path.mnt = pipe_mnt;
	path.dentry = d;
	res[0] = alloc_file(&path, O_RDONLY | (flags & O_NONBLOCK), &pipe_fops);
	if (IS_ERR(res[0])) {
		pipe->readers = pipe->writers = 0;
		dput(d);
		return PTR_ERR(res[0]);
	}
	res[0]->private_data = pipe;
	res[1] = alloc_file(&path, O_WRONLY | (flags & O_NONBLOCK), &pipe_fops);
	if (IS_ERR(res[1])) {
		pipe->writers = 0;
		fput(res[0]);
		dput(d);
		return PTR_ERR(res[1]);
	}
	res[1]->private_data = pipe;
	dput(d);
	return 0;
}

static long do_pipe2(int __user *fildes, int flags)
{
	struct file *files[2];
	int fd[2], err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	err = create_pipe_files(files, flags);
	if (err)
		return err;
	fd[0] = get_unused_fd_flags(flags);
	if (fd[0] < 0) {
		err = fd[0];
		goto fail_both;
	}
	fd_install(fd[0], files[0]);
	fd[1] = get_unused_fd_flags(flags);
	if (fd[1] < 0) {
		err = fd[1];
		close_fd(fd[0]);
		fput(files[1]);
		return err;
	}
	fd_install(fd[1], files[1]);
	if (copy_to_user(fildes, fd, sizeof(fd))) {
		close_fd(fd[0]);
		close_fd(fd[1]);
		return -EFAULT;
	}
	return 0;
fail_both:
	fput(files[0]);
	fput(files[1]);
	return err;
}

SYSCALL_DEFINE2(pipe2, int __user *, fildes, int, flags)
{
	return do_pipe2(fildes, flags);
}

SYSCALL_DEFINE1(pipe, int __user *, fildes)
{
	return do_pipe2(fildes, 0);
}

static int pipefs_fill_super(struct super_block *sb, const char *dev, void *data)
{
	struct inode *root = new_inode(sb);

	if (!root)
		return -ENOMEM;
	root->i_mode = S_IFDIR | 0700;
	sb->s_magic = PIPEFS_MAGIC;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct file_system_type pipefs_type = {
	.name = "pipefs", .fill_super = pipefs_fill_super, .nodev = true,
};

/* Boot: the internal mount anonymous pipes live on. */
void pipefs_init(void)
{
	pipe_mnt = kern_mount(&pipefs_type, NULL);
	if (IS_ERR(pipe_mnt))
		panic("pipefs_init: cannot mount pipefs: %ld", PTR_ERR(pipe_mnt));
}
