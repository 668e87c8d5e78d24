/* err_text: the host's words for the errors a user meets opening or
 * writing host files, for command replies (ubd's config, gcov dump). */
#include <glass/errno.h>

const char *err_text(int err)
{
	switch (-err) {
	case ENOENT: return "No such file or directory";
	case EACCES: return "Permission denied";
	case EISDIR: return "Is a directory";
	case ENOTDIR: return "Not a directory";
	case EROFS: return "Read-only file system";
	case EEXIST: return "File exists";
	case ENAMETOOLONG: return "File name too long";
	case EIO: return "Input/output error";
	case ENOSPC: return "No space left on device";
	default: return "host error";
	}
}
