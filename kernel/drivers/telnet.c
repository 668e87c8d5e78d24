/*
 * Telnet option negotiation and the NVT byte stream for port: channels.
 * Pure code: no host calls, no allocation, no globals (tests/unit/
 * test_telnet.c, tests/fuzz/fuzz_telnet.c). See glass/telnet.h.
 */
#include <glass/string.h>
#include <glass/telnet.h>

/* Options we agree to turn on: ours, and the client's. */
static bool our_option(u8 opt)
{
	return opt == TELOPT_ECHO || opt == TELOPT_SGA;
}

static bool his_option(u8 opt)
{
	return opt == TELOPT_SGA || opt == TELOPT_NAWS;
}

static size_t put3(u8 *out, u8 verb, u8 opt)
{
	out[0] = TN_IAC;
	out[1] = verb;
	out[2] = opt;
	return 3;
}

size_t telnet_init(struct telnet *tn, u8 *out)
{
	size_t n = 0;

	memset(tn, 0, sizeof(*tn));
	tn->state = TN_DATA;
	/* Echo and no go-aheads from us put the client in character mode. */
	tn->asked_us[TELOPT_ECHO] = tn->us[TELOPT_ECHO] = true;
	n += put3(out + n, TN_WILL, TELOPT_ECHO);
	tn->asked_us[TELOPT_SGA] = tn->us[TELOPT_SGA] = true;
	n += put3(out + n, TN_WILL, TELOPT_SGA);
	tn->asked_him[TELOPT_NAWS] = true;
	n += put3(out + n, TN_DO, TELOPT_NAWS);
	return n;
}

/*
 * One option request from the client; returns reply bytes (0 or 3).
 * An answer to our own request is not answered again (RFC 854: "if a party
 * receives what appears to be a request to enter some mode it is already
 * in, the request should not be acknowledged").
 */
static size_t negotiate(struct telnet *tn, u8 verb, u8 opt, u8 *reply)
{
	switch (verb) {
	case TN_WILL:
		if (tn->asked_him[opt]) {
			tn->asked_him[opt] = false;
			if (his_option(opt)) {
				tn->him[opt] = true;
				return 0;
			}
			return put3(reply, TN_DONT, opt);
		}
		if (tn->him[opt])
			return 0;
		if (his_option(opt)) {
			tn->him[opt] = true;
			return put3(reply, TN_DO, opt);
		}
		return put3(reply, TN_DONT, opt);
	case TN_WONT:
		tn->asked_him[opt] = false;
		if (!tn->him[opt])
			return 0;
		tn->him[opt] = false;
		return put3(reply, TN_DONT, opt);
	case TN_DO:
		/* Our WILL turns the option on when sent: DO just answers it. */
		tn->asked_us[opt] = false;
		if (tn->us[opt])
			return 0;
		if (our_option(opt)) {
			tn->us[opt] = true;
			return put3(reply, TN_WILL, opt);
		}
		return put3(reply, TN_WONT, opt);
	case TN_DONT:
		if (tn->asked_us[opt]) {
			/* A refusal of our WILL: just note it. */
			tn->asked_us[opt] = false;
			tn->us[opt] = false;
			return 0;
		}
		if (!tn->us[opt])
			return 0;
		tn->us[opt] = false;
		return put3(reply, TN_WONT, opt);
	}
	return 0;
}

/* IAC SB ... IAC SE ended: NAWS is the only one we asked for. */
static void subnegotiation(struct telnet *tn)
{
	if (tn->sb_overflow || tn->sb_len != 5 || tn->sb[0] != TELOPT_NAWS)
		return;
	tn->cols = (u16)(tn->sb[1] << 8 | tn->sb[2]);
	tn->rows = (u16)(tn->sb[3] << 8 | tn->sb[4]);
	tn->winsize_changed = true;
}

static void sb_add(struct telnet *tn, u8 c)
{
	if (tn->sb_len < TELNET_SB_MAX)
		tn->sb[tn->sb_len++] = c;
	else
		tn->sb_overflow = true;
}

size_t telnet_receive(struct telnet *tn, const u8 *in, size_t n, u8 *data,
		      u8 *reply, size_t *reply_len)
{
	size_t d = 0, r = 0;

	for (size_t i = 0; i < n; i++) {
		u8 c = in[i];

		switch (tn->state) {
		case TN_CR:
			tn->state = TN_DATA;
			/* CR NUL and CR LF are the NVT's CR: the tty's ICRNL
			 * makes the line end, so the LF would be a second one. */
			if (c == '\0' || c == '\n')
				break;
			/* fall through */
		case TN_DATA:
			if (c == TN_IAC) {
				tn->state = TN_GOT_IAC;
			} else if (tn->brk) {
				tn->brk = false;
				tn->sysrq_key = c;
			} else {
				data[d++] = c;
				if (c == '\r')
					tn->state = TN_CR;
			}
			break;
		case TN_GOT_IAC:
			tn->state = TN_DATA;
			switch (c) {
			case TN_IAC:
				data[d++] = TN_IAC;
				break;
			case TN_WILL:
			case TN_WONT:
			case TN_DO:
			case TN_DONT:
				tn->verb = c;
				tn->state = TN_GOT_VERB;
				break;
			case TN_SB:
				tn->sb_len = 0;
				tn->sb_overflow = false;
				tn->state = TN_SUB;
				break;
			case TN_IP:
				data[d++] = 0x03;       /* as ^C typed */
				break;
			case TN_BRK:
				tn->brk = true;
				break;
			default:
				break;  /* NOP, DM, AYT, AO, EC, EL, GA, SE */
			}
			break;
		case TN_GOT_VERB:
			r += negotiate(tn, tn->verb, c, reply + r);
			tn->state = TN_DATA;
			break;
		case TN_SUB:
			if (c == TN_IAC)
				tn->state = TN_SUB_IAC;
			else
				sb_add(tn, c);
			break;
		case TN_SUB_IAC:
			if (c == TN_SE) {
				subnegotiation(tn);
				tn->state = TN_DATA;
			} else if (c == TN_IAC) {
				sb_add(tn, c);
				tn->state = TN_SUB;
			} else {
				/* Not allowed inside SB: end it, as BSD's telnetd. */
				subnegotiation(tn);
				tn->state = TN_GOT_IAC;
				i--;
			}
			break;
		}
	}
	*reply_len = r;
	return d;
}

size_t telnet_escape(const u8 *in, size_t n, u8 *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		out[o++] = in[i];
		if (in[i] == TN_IAC)
			out[o++] = TN_IAC;
		else if (in[i] == '\r' && (i + 1 == n || in[i + 1] != '\n'))
			out[o++] = '\0';
	}
	return o;
}
