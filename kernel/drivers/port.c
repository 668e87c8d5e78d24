/*
 * port:N channels: a telnet listener on 127.0.0.1:N shared by every line
 * configured on that port, as UML's port_kern.c. Each new connection goes
 * to the first line of the port that has no peer; with none free it is
 * told so and closed. The listener is opened with the port's first line
 * and closed with its last. CPU thread (config, interrupts).
 */
#include <glass/kernel.h>
#include <glass/line.h>
#include <glass/os.h>
#include <glass/string.h>

#define MAX_PORTS 8

struct port {
	int number;             /* 0: slot free */
	int fd;                 /* the listening socket */
	struct list_head lines;
};

static struct port ports[MAX_PORTS];

static void port_interrupt(int fd, void *arg)
{
	static const char busy[] = "Glass: no free line on this port\r\n";
	struct port *p = arg;
	struct line *l;

	for (;;) {
		int c = os_accept(fd);
		bool taken = false;

		if (c < 0)
			return;
		list_for_each_entry(l, &p->lines, port_lines) {
			if (!l->connected) {
				l->in_fd = l->out_fd = c;
				line_connect(l);
				taken = true;
				break;
			}
		}
		if (!taken) {
			os_write_wait(c, busy, sizeof(busy) - 1, 100);
			os_close(c);
		}
	}
}

int port_attach(struct line *l)
{
	struct port *p = NULL, *free = NULL;
	int fd;

	for (int i = 0; i < MAX_PORTS; i++) {
		if (ports[i].number == l->spec.port)
			p = &ports[i];
		else if (!ports[i].number && !free)
			free = &ports[i];
	}
	if (!p) {
		if (!free)
			return -ENOSPC;
		fd = os_tcp_listen(l->spec.port);
		if (fd < 0)
			return fd;
		if (os_irq_add(fd, port_interrupt, free)) {
			os_close(fd);
			return -ENOSPC;
		}
		p = free;
		p->number = l->spec.port;
		p->fd = fd;
		INIT_LIST_HEAD(&p->lines);
	}
	list_add_tail(&l->port_lines, &p->lines);
	l->port = p;
	pr_info("%s %d listening on port %d (127.0.0.1)\n", l->kind, l->index, p->number);
	return 0;
}

/* The line's connection is over: close it; the line waits for the next. */
void port_connection_closed(struct line *l)
{
	if (l->in_fd >= 0)
		os_close(l->in_fd);
	l->in_fd = l->out_fd = -1;
}

void port_detach(struct line *l)
{
	struct port *p = l->port;

	if (!p)
		return;
	if (l->in_fd >= 0)
		port_connection_closed(l);
	list_del_init(&l->port_lines);
	l->port = NULL;
	if (list_empty(&p->lines)) {
		os_irq_del(p->fd);
		os_close(p->fd);
		p->number = 0;
		p->fd = -1;
	}
}
