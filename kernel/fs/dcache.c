/*
 * Dentries: the name tree. A dentry names an inode (or nothing: negative)
 * under its parent and holds a reference on both. There is no LRU: an
 * unused dentry is freed at once, so filesystems that want their entries
 * to stay (tmpfs, pseudo trees) pin them with d_pin(). CPU thread only.
 */
#include "internal.h"

/* Allocate a child dentry called name[0..len) under parent (negative,
 * one reference). parent may be NULL for a root. NULL on ENOMEM. */
struct dentry *d_alloc(struct dentry *parent, const char *name, int len)
{
	struct dentry *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return NULL;
	d->d_name = kstrndup(name, len, GFP_KERNEL);
	if (!d->d_name) {
		kfree(d);
		return NULL;
	}
	d->d_count = 1;
	INIT_LIST_HEAD(&d->d_subdirs);
	INIT_LIST_HEAD(&d->d_child);
	d->d_next_pos = 2;
	if (parent) {
		d->d_parent = dget(parent);
		d->d_sb = parent->d_sb;
		d->d_pos = parent->d_next_pos++;
		list_add_tail(&d->d_child, &parent->d_subdirs);
	} else {
		d->d_parent = d;
	}
	return d;
}

/* A root dentry for a new superblock, owning the caller's inode ref. */
struct dentry *d_make_root(struct inode *root)
{
	struct dentry *d;

	if (!root)
		return NULL;
	d = d_alloc(NULL, "/", 1);
	if (!d) {
		iput(root);
		return NULL;
	}
	d->d_sb = root->i_sb;
	d->d_inode = root;
	return d;
}

/* A dentry outside any tree, named name (pipes, anonymous files). */
struct dentry *d_alloc_pseudo(struct super_block *sb, const char *name)
{
	struct dentry *d = d_alloc(NULL, name, strlen(name));

	if (d) {
		d->d_sb = sb;
		d->d_flags |= DCACHE_PSEUDO;
	}
	return d;
}

/* Attach inode to a negative dentry; consumes the caller's inode ref. */
void d_instantiate(struct dentry *d, struct inode *i)
{
	BUG_ON(d->d_inode);
	d->d_inode = i;
}

struct dentry *dget(struct dentry *d)
{
	if (d)
		d->d_count++;
	return d;
}

/* Drop a reference; at zero free the dentry, its inode ref and its parent
 * ref (iteratively up the tree). */
void dput(struct dentry *d)
{
	while (d) {
		struct dentry *parent;

		BUG_ON(d->d_count <= 0);
		if (--d->d_count > 0)
			return;
		BUG_ON(d->d_mounted);
		parent = d->d_parent == d ? NULL : d->d_parent;
		list_del(&d->d_child);
		if (d->d_inode)
			iput(d->d_inode);
		kfree(d->d_name);
		kfree(d);
		d = parent;
	}
}

/* Find a hashed positive child called name under parent; +1 ref or NULL. */
struct dentry *d_lookup(struct dentry *parent, const char *name, int len)
{
	struct dentry *d;

	list_for_each_entry(d, &parent->d_subdirs, d_child) {
		if (!d->d_inode || (d->d_flags & DCACHE_UNHASHED))
			continue;
		if (strncmp(d->d_name, name, len) == 0 && d->d_name[len] == '\0')
			return dget(d);
	}
	return NULL;
}

void d_pin(struct dentry *d)
{
	if (!(d->d_flags & DCACHE_PINNED)) {
		d->d_flags |= DCACHE_PINNED;
		dget(d);
	}
}

static void d_unpin(struct dentry *d)
{
	if (d->d_flags & DCACHE_PINNED) {
		d->d_flags &= ~DCACHE_PINNED;
		dput(d);
	}
}

/* Take d out of the tree after unlink/rmdir/rename-over; holders keep it
 * alive (an open file on a deleted file). The caller still holds a ref. */
void d_delete(struct dentry *d)
{
	d->d_flags |= DCACHE_UNHASHED;
	list_del(&d->d_child);
	d_unpin(d);
}

/* Rename: give d the name and parent of target. NULL-safe on ENOMEM:
 * returns -ENOMEM with nothing changed. */
int d_move(struct dentry *d, struct dentry *target)
{
	char *name = kstrdup(target->d_name, GFP_KERNEL);
	struct dentry *oldp = d->d_parent, *newp = target->d_parent;

	if (!name)
		return -ENOMEM;
	kfree(d->d_name);
	d->d_name = name;
	list_del(&d->d_child);
	if (oldp != newp) {
		d->d_parent = dget(newp);
		dput(oldp);
	}
	d->d_pos = newp->d_next_pos++;
	list_add_tail(&d->d_child, &newp->d_subdirs);
	return 0;
}

/* Make a pinned child called name under parent for inode (consumes the
 * inode reference). Returns the dentry (no extra reference) or NULL. */
struct dentry *d_add_child(struct dentry *parent, const char *name,
			   struct inode *inode)
{
	struct dentry *d = d_alloc(parent, name, strlen(name));

	if (!d) {
		iput(inode);
		return NULL;
	}
	d_instantiate(d, inode);
	d_pin(d);
	dput(d);
	return d;
}

/* Unpin every dentry below root, deepest first (superblock teardown). */
void d_unpin_tree(struct dentry *root)
{
	struct dentry *d, *n;

	list_for_each_entry_safe(d, n, &root->d_subdirs, d_child) {
		dget(d);
		d_unpin_tree(d);
		if (d->d_flags & DCACHE_PINNED) {
			d->d_flags &= ~DCACHE_PINNED;
			d->d_count--;
		}
		/* n may go away with d only if it was d's child: it is not. */
		dput(d);
	}
}

/* True if d is ancestor or lies below it (within one superblock). */
bool is_subdir(struct dentry *d, struct dentry *ancestor)
{
	for (;;) {
		if (d == ancestor)
			return true;
		if (d->d_parent == d)
			return false;
		d = d->d_parent;
	}
}
