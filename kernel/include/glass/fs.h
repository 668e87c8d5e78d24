/*
 * The VFS: inodes, dentries, mounts, open files, fd tables.
 * All on the CPU thread; operations may sleep only where they say so
 * (pipe and tty reads and writes).
 */
#ifndef GLASS_FS_H
#define GLASS_FS_H

#include <glass/kernel.h>
#include <glass/wait.h>
#include <glass/uapi_fs.h>

struct page;
struct inode;
struct dentry;
struct file;
struct super_block;
struct vfsmount;
struct poll_table_struct;
struct vm_area_struct;
struct kstat;

struct timespec64 {
	s64 tv_sec;
	long tv_nsec;
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

/* A directory entry being listed; fill returns false when the buffer is full. */
struct dir_context {
	bool (*actor)(struct dir_context *ctx, const char *name, int namelen,
		      loff_t next_pos, u64 ino, unsigned int d_type);
	loff_t pos;
};

struct file_operations {
	/* The module whose code these are (THIS_MODULE), NULL for glass's:
	 * pinned while a file uses them (fops_get below). */
	struct module *owner;
	loff_t (*llseek)(struct file *, loff_t, int);
	/* buf is a user pointer (or kernel, under KERNEL_DS); pos updated. */
	ssize_t (*read)(struct file *, char __user *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char __user *, size_t, loff_t *);
	int (*iterate)(struct file *, struct dir_context *);
	/* Returns POLL* mask; registers on wait queues via poll_wait(). */
	unsigned int (*poll)(struct file *, struct poll_table_struct *);
	/* Linux's unlocked_ioctl: either name sets it. */
	union {
		long (*ioctl)(struct file *, unsigned int, unsigned long);
		long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
	};
	int (*open)(struct inode *, struct file *);
	int (*release)(struct inode *, struct file *);
	int (*fsync)(struct file *);
	/* Check/prepare a mapping; NULL means page-cache mapping via
	 * inode->i_mapping_ops (or ENODEV when there is none). */
	int (*mmap)(struct file *, struct vm_area_struct *);
};

struct inode_operations {
	struct dentry *(*lookup)(struct inode *dir, struct dentry *d);
	int (*create)(struct inode *dir, struct dentry *d, umode_t mode);
	int (*mkdir)(struct inode *dir, struct dentry *d, umode_t mode);
	int (*mknod)(struct inode *dir, struct dentry *d, umode_t mode, dev_t rdev);
	int (*rmdir)(struct inode *dir, struct dentry *d);
	int (*unlink)(struct inode *dir, struct dentry *d);
	int (*link)(struct dentry *old, struct inode *dir, struct dentry *d);
	int (*symlink)(struct inode *dir, struct dentry *d, const char *target);
	int (*rename)(struct inode *odir, struct dentry *od, struct inode *ndir,
		      struct dentry *nd);
	/* Symlink target into buf (kernel memory); length or -errno. */
	int (*readlink)(struct dentry *d, char *buf, int size);
	/* Resolve a "magic" link (/proc/self/exe) straight to a path. */
	int (*get_link_path)(struct dentry *d, struct path *out);
	int (*setattr)(struct dentry *d, struct iattr *attr);
	int (*getattr)(const struct path *p, struct kstat *st);
};

/* The page cache of an inode, for mmap and for file data kept in pages. */
struct address_space_operations {
	/* Fill page (index page->index) from backing store. */
	int (*readpage)(struct inode *inode, struct page *page);
	/* Write a dirty shared page back (hostfs). */
	int (*writepage)(struct inode *inode, struct page *page);
};

struct inode {
	ino_t i_ino;
	umode_t i_mode;
	unsigned int i_nlink;
	uid_t i_uid;
	gid_t i_gid;
	dev_t i_rdev;
	loff_t i_size;
	struct timespec64 i_atime, i_mtime, i_ctime;
	int i_count;
	const struct inode_operations *i_op;
	const struct file_operations *i_fop;
	const struct address_space_operations *i_aops;
	struct super_block *i_sb;
	/* page cache: pages by index (i_pages[i] or NULL) */
	struct page **i_pages;
	unsigned long i_npages_cap;
	void *i_private;
	struct list_head i_sb_list;
	struct list_head i_wb_list;     /* on the dirty list: pages to write back */
	struct pipe_inode_info *i_pipe; /* FIFO: its pipe while open */
	u64 i_blocks;                   /* 512-byte units, for stat */
};

struct dentry {
	int d_count;
	unsigned int d_flags;
	struct dentry *d_parent;
	char *d_name;                   /* kmalloc'd */
	struct inode *d_inode;          /* NULL: negative */
	struct list_head d_child;       /* in parent's d_subdirs */
	struct list_head d_subdirs;
	struct super_block *d_sb;
	void *d_fsdata;
	int d_mounted;                  /* mounts on this dentry */
	unsigned long d_pos;            /* readdir position in parent (>= 2) */
	unsigned long d_next_pos;       /* dir: next d_pos to hand out */
};
#define DCACHE_DISCONNECTED 0x1
#define DCACHE_UNHASHED 0x2     /* deleted or dropped: lookups skip it */
#define DCACHE_PINNED 0x4       /* holds one extra d_count (tmpfs entries) */
#define DCACHE_PSEUDO 0x8       /* d_path is just d_name (pipe:[N]) */

struct file {
	int f_count;
	unsigned int f_flags;           /* O_* */
	unsigned int f_mode;            /* FMODE_* */
	loff_t f_pos;
	struct path f_path;
	struct inode *f_inode;
	const struct file_operations *f_op;
	void *private_data;
	u64 f_version;                  /* pipes: writer count seen at open */
};
#define FMODE_READ 0x1
#define FMODE_WRITE 0x2

/*
 * A file's operations pin their module while it is open, as Linux's:
 * vfs_open and chrdev_open take the reference (fops_get), fput drops it;
 * a driver's ->open that installs other operations does
 * replace_fops(f, fops_get(ops)) (failing with -ENODEV if that is NULL).
 */
struct module;
bool try_module_get(struct module *mod);
void module_put(struct module *mod);
#define fops_get(fops) ((fops) && try_module_get((fops)->owner) ? (fops) : NULL)
#define fops_put(fops)							\
	do {								\
		if (fops)						\
			module_put((fops)->owner);			\
	} while (0)
#define replace_fops(f, fops)						\
	do {								\
		fops_put((f)->f_op);					\
		(f)->f_op = (fops);					\
	} while (0)

struct file_system_type {
	const char *name;
	/* Fill a superblock; data is the mount(2) data string (may be NULL).
	 * A type with nodev false lives on a block device: the VFS has opened
	 * it before the call (sb->s_bdev, sb->s_dev; read-only when
	 * sb->s_flags has MS_RDONLY) and drops it when the superblock goes.
	 * It returns -EINVAL when the device holds no filesystem of its kind,
	 * so that a root= without rootfstype= tries the next type. */
	int (*fill_super)(struct super_block *sb, const char *dev, void *data);
	bool nodev;                     /* shown "nodev" in /proc/filesystems */
	struct list_head list;
};

struct super_operations {
	void (*evict_inode)(struct inode *);
	int (*statfs)(struct dentry *, struct kstatfs *);
	void (*put_super)(struct super_block *);
	/* Extra mount options for /proc/mounts ("size=1m"), without a
	 * leading comma; returns characters written, like scnprintf. */
	int (*show_options)(char *buf, size_t size, struct super_block *sb);
	/* Write what the filesystem holds back to its device (sync(2),
	 * syncfs, shutdown). */
	int (*sync_fs)(struct super_block *sb);
	/* mount -o remount: the new MS_RDONLY; an error refuses it. */
	int (*remount_fs)(struct super_block *sb, unsigned long flags);
};

struct super_block {
	struct file_system_type *s_type;
	const struct super_operations *s_op;
	struct dentry *s_root;
	unsigned long s_magic;
	dev_t s_dev;
	struct file *s_bdev;            /* the block device (types without nodev) */
	void *s_fs_info;
	unsigned long s_flags;          /* MS_RDONLY for a read-only mount */
	ino_t s_next_ino;
	struct list_head s_inodes;
	int s_active;                   /* mounts using it (bind mounts share) */
	unsigned long s_pages;          /* page-cache pages of its inodes */
	unsigned long s_max_pages;      /* their limit (tmpfs size=), 0: none */
};

struct vfsmount {
	struct dentry *mnt_root;        /* root of the mounted tree */
	struct super_block *mnt_sb;
	struct vfsmount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct list_head mnt_list;      /* all mounts, in mount order */
	char *mnt_devname;
	int mnt_flags;
	int mnt_count;
};

/* Per-process fd table. */
struct files_struct {
	int count;
	unsigned int max_fds;
	struct file **fd;
	unsigned long *close_on_exec;   /* bitmap */
};

struct fs_struct {
	int users;
	umode_t umask;
	struct path root, pwd;
};

/* ---- files and fds (fs/file.c) ---- */
struct file *fget(unsigned int fd);     /* +1 ref, NULL if not open */
struct file *get_file(struct file *f);
void fput(struct file *f);
int get_unused_fd_flags(unsigned int flags);
void fd_install(unsigned int fd, struct file *f);
int close_fd(unsigned int fd);
struct files_struct *files_alloc(void);
struct files_struct *dup_fd(struct files_struct *old);
void put_files_struct(struct files_struct *files);
void do_close_on_exec(struct files_struct *files);
struct fs_struct *copy_fs_struct(struct fs_struct *old);
void free_fs_struct(struct fs_struct *fs);
/* Allocate a file on an inode with ops; takes a ref on path. */
struct file *alloc_file(const struct path *path, unsigned int flags,
			const struct file_operations *fop);

/* ---- paths (fs/namei.c) ---- */
#define LOOKUP_FOLLOW 0x1
#define LOOKUP_DIRECTORY 0x2
int kern_path(const char *name, unsigned int flags, struct path *path);
int user_path_at(int dfd, const char __user *name, unsigned int flags,
		 struct path *path);
void path_get(const struct path *p);
void path_put(const struct path *p);
/* Write the absolute path of p into buf; returns pointer into buf. */
char *d_path(const struct path *p, char *buf, int buflen);
struct file *filp_open(const char *name, int flags, umode_t mode);
int filp_close(struct file *f);
ssize_t kernel_read(struct file *f, void *buf, size_t count, loff_t *pos);
ssize_t kernel_write(struct file *f, const void *buf, size_t count, loff_t *pos);
ssize_t vfs_read(struct file *f, char __user *buf, size_t count, loff_t *pos);
ssize_t vfs_write(struct file *f, const char __user *buf, size_t count, loff_t *pos);
int vfs_getattr(const struct path *p, struct kstat *st);
/* Permission check for exec etc.: mode bits only (all guests are root). */
int may_exec(struct inode *inode);

/* ---- inodes and dentries (fs/inode.c, fs/dcache.c) ---- */
struct inode *new_inode(struct super_block *sb);
struct inode *igrab(struct inode *i);
void iput(struct inode *i);
struct dentry *d_alloc(struct dentry *parent, const char *name, int len);
struct dentry *d_make_root(struct inode *root);
void d_instantiate(struct dentry *d, struct inode *i);
struct dentry *dget(struct dentry *d);
void dput(struct dentry *d);

/* ---- page cache (fs/filemap.c) ---- */
/* The page at index, read in if needed, with a reference; ERR_PTR. */
struct page *filemap_get_page(struct inode *inode, unsigned long index);

/* ---- mounts (fs/namespace.c) ---- */
int register_filesystem(struct file_system_type *fs);
int do_mount(const char *dev, const char __user *dir_user, const char *type,
	     unsigned long flags, void *data);
/* Boot: mount the root (tmpfs) and set init's root and cwd. */
void vfs_init(void);
void mnt_init_root(struct fs_struct *fs);

/* ---- poll (fs/select.c) ---- */
typedef struct poll_table_struct {
	void (*qproc)(struct file *, wait_queue_head_t *, struct poll_table_struct *);
	void *priv;
} poll_table;
static inline void poll_wait(struct file *f, wait_queue_head_t *wq, poll_table *p)
{
	if (p && p->qproc && wq)
		p->qproc(f, wq, p);
}

/* ---- pipes (fs/pipe.c) ---- */
int create_pipe_files(struct file **res, int flags);

/* ---- pipes (fs/pipe.c), continued ---- */
struct pipe_inode_info;
extern const struct file_operations pipefifo_fops;      /* FIFO inodes */
long pipe_fcntl(struct file *f, unsigned int cmd, unsigned long arg);
void free_pipe_info(struct pipe_inode_info *pipe);

/* ---- initramfs (init/initramfs.c) ---- */
/* Unpack a newc cpio (gzip or plain) into the root; error string or NULL. */
const char *unpack_to_rootfs(const void *buf, unsigned long len);


/* ==== Additions by the VFS (kernel/fs/README.md describes them) ==== */

#define NAME_MAX 255
#define PATH_MAX 4096
#define MAXSYMLINKS 40
#define PIPE_BUF 4096
#define NR_OPEN_MAX 1024        /* fds per process (RLIMIT_NOFILE) */
#define MAX_RW_COUNT (INT_MAX & ~4095)

/* More lookup flags (LOOKUP_FOLLOW and LOOKUP_DIRECTORY above). */
#define LOOKUP_EMPTY 0x4        /* "" means the dfd itself (AT_EMPTY_PATH) */

/* Kernel-internal device numbers (12:20 like Linux); stat and mknod
 * convert to and from the user encoding with new_encode/decode_dev. */
#define MINORBITS 20
#define MINORMASK ((1U << MINORBITS) - 1)
#define MAJOR(dev) ((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned int)((dev) & MINORMASK))
#define MKDEV(ma, mi) ((dev_t)(((dev_t)(ma) << MINORBITS) | (mi)))
static inline unsigned long new_encode_dev(dev_t dev)
{
	unsigned long major = MAJOR(dev), minor = MINOR(dev);
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffUL) << 12);
}
static inline dev_t new_decode_dev(unsigned long dev)
{
	unsigned int major = (dev & 0xfff00) >> 8;
	unsigned int minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
	return MKDEV(major, minor);
}
static inline unsigned int iminor(const struct inode *i) { return MINOR(i->i_rdev); }
static inline unsigned int imajor(const struct inode *i) { return MAJOR(i->i_rdev); }

/* ---- inodes, dentries (inode.c, dcache.c) ---- */
struct timespec64 current_time(struct inode *inode);
/* Mode, ops and rdev for a device node, FIFO or socket inode. */
void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev);
/* Apply attr to the inode's fields (the default ->setattr, no ATTR_SIZE). */
void setattr_copy(struct inode *inode, const struct iattr *attr);
/* Change attributes through ->setattr or setattr_copy. */
int notify_change(struct dentry *d, struct iattr *attr);
void generic_fillattr(struct inode *inode, struct kstat *st);
struct dentry *d_lookup(struct dentry *parent, const char *name, int len);
/* Pin d in the tree (an extra reference) until d_delete: how in-memory
 * filesystems keep their entries. */
void d_pin(struct dentry *d);
/* Unlink d from the tree: lookups no longer find it; drops a pin. */
void d_delete(struct dentry *d);
/* Move d to target's place and name (rename); target stays for the caller. */
int d_move(struct dentry *d, struct dentry *target);
/* A dentry with no parent for files not in any tree (pipes). */
struct dentry *d_alloc_pseudo(struct super_block *sb, const char *name);
/* Drop every pin below root (superblock teardown). */
void d_unpin_tree(struct dentry *root);
/* Is d (or one of its ancestors) ancestor? */
bool is_subdir(struct dentry *d, struct dentry *ancestor);

/* ---- libfs.c: helpers for simple filesystems (procfs, devfs) ---- */
/* Lookup that finds nothing beyond the dcache (entries are pinned). */
struct dentry *simple_lookup(struct inode *dir, struct dentry *d);
/* Readdir over the dcache children: ".", "..", then each positive child. */
int dcache_readdir(struct file *f, struct dir_context *ctx);
extern const struct file_operations simple_dir_operations;
extern const struct inode_operations simple_dir_inode_operations;
/* Attribute files (sysctls, sysfs): `echo N >` opens with O_TRUNC, and
 * the size, which they do not have, stays. */
extern const struct inode_operations simple_attr_inode_operations;
loff_t generic_file_llseek(struct file *f, loff_t off, int whence);
loff_t noop_llseek(struct file *f, loff_t off, int whence);
loff_t no_llseek(struct file *f, loff_t off, int whence);
/* Read from a kernel buffer at *pos, as a ->read of a generated file. */
ssize_t simple_read_from_buffer(char __user *to, size_t count, loff_t *pos,
				const void *from, size_t available);
int simple_statfs(struct dentry *d, struct kstatfs *buf);
/* Emit one directory entry to ctx; false when the caller's buffer is full. */
static inline bool dir_emit(struct dir_context *ctx, const char *name, int len,
			    u64 ino, unsigned int type)
{
	return ctx->actor(ctx, name, len, ctx->pos + 1, ino, type);
}
static inline unsigned int dt_type(const struct inode *i) { return (i->i_mode >> 12) & 15; }
/* "." and ".." at positions 0 and 1 (ctx->pos becomes 2); false if the
 * caller's buffer filled up first. Linux's name. */
bool dir_emit_dots(struct file *f, struct dir_context *ctx);
/* Make a child called name under parent with inode (for building
 * pseudo-filesystem trees); the dentry is pinned. */
struct dentry *d_add_child(struct dentry *parent, const char *name,
			   struct inode *inode);

/* ---- superblocks and mounts (namespace.c, filesystems.c, super.c) ---- */
struct file_system_type *get_fs_type(const char *name);
int unregister_filesystem(struct file_system_type *fs);
/* "nodev\ttmpfs\n" lines; returns the length the whole text needs. */
int show_filesystems(char *buf, size_t size);
/* /proc/mounts text; returns the length the whole text needs (output is
 * cut at size - 1 and NUL-terminated, like snprintf). */
int show_mounts(char *buf, size_t size);
/* f(sb, arg) once per mounted superblock of type (NULL: all); f must not
 * mount or unmount. */
void iterate_supers_type(struct file_system_type *type,
			 void (*f)(struct super_block *, void *), void *arg);
/* Mount a filesystem that no path refers to (pipefs); ERR_PTR. */
struct vfsmount *kern_mount(struct file_system_type *type, void *data);
/* A mount of type attached nowhere (one reference); bdev: the opened
 * device of a type without nodev, else NULL. ERR_PTR. */
struct vfsmount *vfs_kern_mount(struct file_system_type *type, int flags,
				const char *dev, struct file *bdev, void *data);
/* The block device node at p opened for a filesystem (read-only with
 * MS_RDONLY in flags); ERR_PTR(-ENOTBLK) for anything else. */
struct file *open_bdev(const struct path *p, int flags);
/* Boot: m (its reference given) mounted over rootfs's "/". */
void mnt_attach_root(struct vfsmount *m);
/* A fresh device number for a filesystem without a device. */
dev_t new_anon_dev(void);
/* The registered type after prev (the first for NULL), or NULL. */
struct file_system_type *next_filesystem(struct file_system_type *prev);
struct vfsmount *mntget(struct vfsmount *m);
void mntput(struct vfsmount *m);
/* The mount on top of (mnt, dentry), or NULL; no reference taken. */
struct vfsmount *lookup_mnt(struct vfsmount *mnt, struct dentry *d);
int do_umount(struct vfsmount *mnt, int flags);
/* mount(2) with all arguments in kernel memory (boot code). */
int init_mount(const char *dev, const char *dir, const char *type,
	       unsigned long flags, void *data);
extern struct vfsmount *root_mnt;    /* the rootfs mount */

/* ---- char and block devices (char_dev.c) ---- */
/* Register fops for a major (0: pick a free one); returns the major or
 * 0, or -EBUSY. open of a node with that major lands in fops->open,
 * which can dispatch on iminor(inode) and replace file->f_op. */
int register_chrdev(unsigned int major, const char *name,
		    const struct file_operations *fops);
void unregister_chrdev(unsigned int major, const char *name);
int register_blkdev(unsigned int major, const char *name,
		    const struct file_operations *fops);
void unregister_blkdev(unsigned int major, const char *name);
extern const struct file_operations def_chr_fops, def_blk_fops;
/* Device nodes a driver adds at run time (devtmpfs.c): in every mounted
 * devtmpfs now and in later mounts, until deleted. delete removes the
 * node only where it is still a device node with that number. */
int devtmpfs_create_node(const char *name, umode_t mode, dev_t dev);
void devtmpfs_delete_node(const char *name, dev_t dev);
/* "  1 mem\n" lines for /proc/devices; length needed. */
int show_devices(char *buf, size_t size);

/* ---- files (file.c, open.c, read_write.c) ---- */
struct file *fget_raw(unsigned int fd);    /* also O_PATH files */
int replace_fd(unsigned int fd, struct file *f, unsigned int flags);
int f_dupfd(unsigned int from, struct file *f, unsigned int flags);
void set_close_on_exec(unsigned int fd, bool on);
bool get_close_on_exec(unsigned int fd);
/* Open a path already looked up (takes its own reference). */
struct file *dentry_open(const struct path *path, int flags);
struct file *do_filp_open(int dfd, const char *name, int flags, umode_t mode);
long do_sys_open(int dfd, const char __user *filename, int flags, umode_t mode);
int do_truncate(struct dentry *d, loff_t length);
loff_t vfs_llseek(struct file *f, loff_t off, int whence);
int vfs_fsync(struct file *f);
int vfs_statfs(const struct path *p, struct kstatfs *buf);
/* Copy a user path name into a kmalloc'd buffer: ERR_PTR(-ENOENT) for ""
 * unless empty_ok, -ENAMETOOLONG, -EFAULT. */
char *getname_flags(const char __user *name, bool empty_ok);
void putname(char *name);

/* ---- names (namei.c, namei_ops.c) with kernel-space names ---- */
int filename_lookup(int dfd, const char *name, unsigned int flags, struct path *path);
/* dir's child called name[0..len), positive or negative, with a reference. */
struct dentry *lookup_one_len(const char *name, int len, struct dentry *dir);
/* Parent of name and its last component (into *last, pointing into name). */
int filename_parentat(int dfd, const char *name, struct path *parent,
		      const char **last, int *last_len, int *last_type);
#define LAST_NORM 0
#define LAST_ROOT 1
#define LAST_DOT 2
#define LAST_DOTDOT 3
int vfs_create(struct inode *dir, struct dentry *d, umode_t mode);
int vfs_mkdir(struct inode *dir, struct dentry *d, umode_t mode);
int vfs_mknod(struct inode *dir, struct dentry *d, umode_t mode, dev_t dev);
int vfs_symlink(struct inode *dir, struct dentry *d, const char *target);
int vfs_link(struct dentry *old, struct inode *dir, struct dentry *d);
int vfs_unlink(struct inode *dir, struct dentry *d);
int vfs_rmdir(struct inode *dir, struct dentry *d);
int vfs_rename(struct inode *odir, struct dentry *od, struct inode *ndir,
	       struct dentry *nd, unsigned int flags);
int vfs_readlink(struct dentry *d, char *buf, int size);
int do_mkdirat(int dfd, const char *name, umode_t mode);
int do_mknodat(int dfd, const char *name, umode_t mode, dev_t dev);
int do_symlinkat(const char *target, int dfd, const char *name);
int do_linkat(int odfd, const char *oldname, int ndfd, const char *newname, int flags);
int do_unlinkat(int dfd, const char *name, int flags);
int do_renameat2(int odfd, const char *oldname, int ndfd, const char *newname,
		 unsigned int flags);
int vfs_chmod(const struct path *p, umode_t mode);
int vfs_chown(const struct path *p, uid_t uid, gid_t gid);
/* times[0] atime, times[1] mtime; NULL: both now; tv_nsec UTIME_NOW/OMIT. */
int vfs_utimes(const struct path *p, const struct timespec64 *times);
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4

/* ---- readdir.c ---- */
int iterate_dir(struct file *f, struct dir_context *ctx);

/* ---- select.c ---- */
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
unsigned int vfs_poll(struct file *f, poll_table *pt);


/* ---- page cache I/O (filemap.c) ---- */
/* Largest file the page cache holds (i_pages is a flat array). */
#define MAX_FILEMAP_BYTES (4UL << 30)
/* The cached page at index without a reference, or NULL. */
struct page *find_page(struct inode *inode, unsigned long index);
/* ->read/->write over the page cache (holes read as zeros; pages come
 * from ->readpage when the inode has one). write honours O_APPEND. */
ssize_t generic_file_read(struct file *f, char __user *buf, size_t count, loff_t *pos);
ssize_t generic_file_write(struct file *f, const char __user *buf, size_t count,
			   loff_t *pos);
ssize_t kernel_write_bulk(struct file *f, const void *buf, size_t count, loff_t *pos);
/* Drop cached pages wholly beyond newsize and zero the tail of the last;
 * guest mappings of the dropped pages go too (a later access: SIGBUS). */
void truncate_inode_pages(struct inode *inode, loff_t newsize);

/* ---- writeback of shared mappings (writeback.c) ---- */
/* Does the inode have a backing store that dirty pages go back to? */
static inline bool mapping_cap_writeback(const struct inode *inode)
{
	return inode && inode->i_aops && inode->i_aops->writepage;
}
/* A guest is about to write the page-cache page through a shared mapping:
 * mark it dirty and queue its inode for writeback. */
void set_page_dirty(struct page *page);
/* Write back the dirty pages of index [first, last] (write-protecting their
 * shared mappings first, so the next write marks them dirty again).
 * 0 or the first error. */
int filemap_write_range(struct inode *inode, unsigned long first, unsigned long last);
/* Every dirty page of the inode. */
int filemap_write_inode(struct inode *inode);
/* Every inode with dirty pages, then every filesystem's ->sync_fs (sync,
 * the writeback timer, shutdown). */
void writeback_inodes(void);

#endif
