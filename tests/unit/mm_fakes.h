/* What the kernel/mm unit tests can see of their fakes (mm_fakes.c). */
#ifndef MM_FAKES_H
#define MM_FAKES_H

struct mm_struct;
struct file;
struct inode;

/* Map fresh physmem of bytes at PHYSMEM_BASE and run mem_init on it. */
int fake_mem_init(unsigned long bytes);
void fake_mem_exit(void);
/* current->mm */
void fake_set_mm(struct mm_struct *mm);
/* current->signal->rlim (RLIMIT_*, glass/resource.h) */
struct rlimit64 *fake_rlimits(void);

enum { FAKE_MAP = 1, FAKE_UNMAP, FAKE_PROTECT };
struct fake_op {
	struct mm_struct *mm;
	int type;
	unsigned long addr, phys, len;
	int prot;
};
#define FAKE_MAX_OPS 4096
extern struct fake_op fake_ops[FAKE_MAX_OPS];
extern int fake_nr_ops;
extern int fake_host_errors;    /* bad host ops (mprotect of a hole, ...) */
extern int fake_host_live;      /* host processes alive */
extern int fake_host_fail_init; /* make host_mm_init fail */
void fake_host_reset(void);
/* Pages the model of mm's host process maps, and one page's prot (-1:
 * unmapped). */
int fake_host_count(struct mm_struct *mm);
int fake_host_prot(struct mm_struct *mm, unsigned long addr);
/* Mismatches between mm's PTEs (and rss) and its host process; 0 = ok. */
int fake_host_check(struct mm_struct *mm);

#define FAKE_MAX_FILES 8
extern struct file *fake_files[FAKE_MAX_FILES];
/* A regular file of size bytes at data, open with fmode, one reference. */
void fake_file_init(struct file *f, struct inode *inode, void *data,
		    unsigned long size, unsigned int fmode);
/* Drop the fake page cache of inode (its references). */
void fake_file_drop_cache(struct inode *inode);
/* i_aops with a writepage into i_private; writepage calls so far. */
extern const struct address_space_operations fake_writeback_aops;
extern int fake_writepages;

#endif
