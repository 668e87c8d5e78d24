/* Private to kernel/fs: helpers shared between the VFS files. */
#ifndef FS_INTERNAL_H
#define FS_INTERNAL_H

#include <glass/fs.h>
#include <glass/mm.h>
#include <glass/sched.h>
#include <glass/uaccess.h>

/* namei.c */
/* Start point for a walk: fs root or cwd of current, or the dfd's dir. */
int path_init_at(int dfd, const char *name, unsigned int flags, struct path *start);
/* The process root (or the global root before init has an fs_struct). */
void get_fs_root(struct path *root);
void get_fs_pwd(struct path *pwd);
bool path_equal(const struct path *a, const struct path *b);
/* Look name up in dir: the cached or freshly looked-up child, positive or
 * negative, with a reference; ERR_PTR on failure. */
struct dentry *lookup_one_len(const char *name, int len, struct dentry *dir);
/* Cross the mounts stacked on path (replaces it; references moved). */
void follow_mounts(struct path *path);
bool mnt_is_readonly(const struct vfsmount *m);

/* open.c */
/* Reference-counted file from an inode's ops; calls ->open. */
struct file *vfs_open(const struct path *path, int flags);

/* file.c */
struct file *alloc_empty_file(int flags);

/* char_dev.c */
int chrdev_open(struct inode *inode, struct file *f);

/* inode.c */
void inode_set_now(struct inode *inode, unsigned int which);
#define TIME_A 1
#define TIME_M 2
#define TIME_C 4

/* pipe.c */
void pipefs_init(void);

/* tmpfs.c */
void init_tmpfs(void);

/* namespace.c */
void mnt_release_sb(struct super_block *sb);

#endif
