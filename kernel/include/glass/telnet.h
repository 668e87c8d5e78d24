/*
 * The telnet side of a port: channel (RFC 854/855/857/858/1073), as pure
 * code so unit tests and a fuzzer drive it without sockets.
 *
 * The server asks for what gives the `telnet` client a character-at-a-time
 * console with remote echo: WILL ECHO, WILL SUPPRESS-GO-AHEAD, and DO NAWS
 * for the window size. Input is parsed as a state machine that survives
 * any split of the byte stream: option requests are answered (agreeing
 * only to those options, refusing others, never acknowledging a state
 * already in effect, so no negotiation loops), IAC sequences are removed,
 * IAC IAC is a data 0xff, CR NUL and CR LF are a CR, IAC IP is ^C, and
 * IAC BRK followed by a key is a sysrq request (Linux's serial break).
 */
#ifndef GLASS_TELNET_H
#define GLASS_TELNET_H

#include <glass/types.h>

#define TN_IAC 255
#define TN_DONT 254
#define TN_DO 253
#define TN_WONT 252
#define TN_WILL 251
#define TN_SB 250
#define TN_GA 249
#define TN_EL 248
#define TN_EC 247
#define TN_AYT 246
#define TN_AO 245
#define TN_IP 244
#define TN_BRK 243
#define TN_DM 242
#define TN_NOP 241
#define TN_SE 240

#define TELOPT_BINARY 0
#define TELOPT_ECHO 1
#define TELOPT_SGA 3
#define TELOPT_NAWS 31

#define TELNET_SB_MAX 16        /* longest subnegotiation kept (NAWS: 4) */
#define TELNET_REPLY_MAX 3      /* reply bytes per input byte, at most */

enum telnet_state {
	TN_DATA, TN_CR, TN_GOT_IAC, TN_GOT_VERB, TN_SUB, TN_SUB_IAC,
};

struct telnet {
	enum telnet_state state;
	u8 verb;                /* WILL/WONT/DO/DONT being read */
	bool us[256];           /* options on at our side (we WILL) */
	bool him[256];          /* options on at the client's side (he WILL) */
	bool asked_us[256];     /* we sent WILL, no answer yet */
	bool asked_him[256];    /* we sent DO, no answer yet */
	u8 sb[TELNET_SB_MAX];
	unsigned int sb_len;
	bool sb_overflow;
	/* A BREAK (IAC BRK, telnet's `send brk`) makes the next data byte a
	 * sysrq key, taken out of the data: sysrq_key, till the caller
	 * clears it. */
	bool brk;
	u8 sysrq_key;
	/* NAWS result: set when the client reported a window size. */
	bool winsize_changed;
	u16 rows, cols;
};

/* Fresh state; writes the server's opening requests to out (at most
 * TELNET_HELLO_MAX bytes) and returns their length. */
#define TELNET_HELLO_MAX 9
size_t telnet_init(struct telnet *tn, u8 *out);

/*
 * Parse n bytes from the client. Data goes to data (room for n bytes),
 * answers to reply (room for TELNET_REPLY_MAX * n bytes). Returns the
 * data length; *reply_len is the answer's.
 */
size_t telnet_receive(struct telnet *tn, const u8 *in, size_t n, u8 *data,
		      u8 *reply, size_t *reply_len);

/* Output to the client: 0xff doubled, a bare CR followed by NUL. out has
 * room for 2 * n bytes; returns its length. */
size_t telnet_escape(const u8 *in, size_t n, u8 *out);

#endif
