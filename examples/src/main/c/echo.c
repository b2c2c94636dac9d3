/*
 * echo-native: the echo service as one statically linked executable. It speaks the NATS text
 * protocol itself so that the file runs on any Linux of its architecture with nothing installed.
 *
 * Usage: echo-native [subject]   (default subject "echo")
 * Server: NATS_URL, nats://[user:pass@|token@]host[:port], default nats://127.0.0.1:4222;
 * credentials may instead come from NATS_USER/NATS_PASSWORD or NATS_TOKEN. Plain TCP only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#define DEFAULT_URL "nats://127.0.0.1:4222"
#define DEFAULT_PORT "4222"
#define MAX_PAYLOAD (8u * 1024 * 1024)
#define MAX_LINE (64u * 1024)
/* Room for one whole MSG: its control line, payload and CRLF, so a request is never split. */
#define BUF_SIZE (MAX_LINE + MAX_PAYLOAD + 2)
#define HANDSHAKE_TIMEOUT_S 5

struct server {
    char *host, *port;
    char *user, *pass, *token;
    char *shown; /* the URL without credentials, for messages */
};

static char buf[BUF_SIZE];
static size_t head, tail; /* unread input is buf[head, tail) */
static const char *shown_url;

static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("echo-native: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* Nothing is buffered for the server and it drops our subscription with the socket: just go. */
static void on_stop(int sig)
{
    (void) sig;
    _exit(0);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static struct server parse_url(const char *url)
{
    struct server s = {0};
    const char *scheme_end = strstr(url, "://");
    const char *authority = scheme_end ? scheme_end + 3 : url;
    char *hostport = strndup(authority, strcspn(authority, "/"));
    char *at = strrchr(hostport, '@');

    if (at) {
        char *userinfo = hostport;
        char *colon;
        *at = '\0';
        hostport = at + 1;
        colon = strchr(userinfo, ':');
        if (colon) {
            *colon = '\0';
            s.user = userinfo;
            s.pass = colon + 1;
        } else {
            s.token = userinfo;
        }
    } else if (getenv("NATS_TOKEN")) {
        s.token = getenv("NATS_TOKEN");
    } else if (getenv("NATS_USER")) {
        s.user = getenv("NATS_USER");
        s.pass = getenv("NATS_PASSWORD") ? getenv("NATS_PASSWORD") : "";
    }

    if (asprintf(&s.shown, "%.*s%s", scheme_end ? (int) (authority - url) : 0, url, hostport) < 0)
        die("out of memory");

    if (hostport[0] == '[') { /* [IPv6]:port */
        char *close = strchr(hostport, ']');
        if (!close)
            die("bad NATS_URL %s", s.shown);
        *close = '\0';
        s.host = hostport + 1;
        s.port = close[1] == ':' ? close + 2 : DEFAULT_PORT;
    } else {
        char *colon = strrchr(hostport, ':');
        s.host = hostport;
        s.port = DEFAULT_PORT;
        if (colon) {
            *colon = '\0';
            s.port = colon + 1;
        }
    }
    if (!*s.host || !*s.port)
        die("bad NATS_URL %s", s.shown);
    return s;
}

/* Bounds connect(), the INFO wait and the first PONG, so a silent peer cannot hang us. */
static void set_timeouts(int fd, int seconds)
{
    struct timeval tv = {.tv_sec = seconds};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static int dial(const struct server *s)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *list, *ai;
    int fd = -1, err = 0;
    int rc = getaddrinfo(s->host, s->port, &hints, &list);

    if (rc)
        die("cannot connect to %s: %s", s->shown, gai_strerror(rc));
    for (ai = list; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        set_timeouts(fd, HANDSHAKE_TIMEOUT_S); /* Linux applies SO_SNDTIMEO to connect() */
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            /* a connect() cut short by SO_SNDTIMEO reports EINPROGRESS, which reads oddly */
            err = errno == EINPROGRESS ? ETIMEDOUT : errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(list);
    if (fd < 0)
        die("cannot connect to %s: %s", s->shown, strerror(err));
    return fd;
}

static void send_all(int fd, struct iovec *iov, int count)
{
    while (count > 0) {
        ssize_t n = writev(fd, iov, count);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("cannot write to %s: %s", shown_url, strerror(errno));
        }
        for (; count > 0 && (size_t) n >= iov->iov_len; iov++, count--)
            n -= iov->iov_len;
        if (count > 0) {
            iov->iov_base = (char *) iov->iov_base + n;
            iov->iov_len -= n;
        }
    }
}

static void send_str(int fd, const char *s)
{
    struct iovec iov = {(void *) s, strlen(s)};
    send_all(fd, &iov, 1);
}

/* Reads more input, first moving what is unread to the front so a whole MSG always fits. */
static void fill(int fd)
{
    ssize_t n;

    if (head > 0) {
        memmove(buf, buf + head, tail - head);
        tail -= head;
        head = 0;
    }
    do
        n = read(fd, buf + tail, BUF_SIZE - tail);
    while (n < 0 && errno == EINTR);
    if (n == 0)
        die("connection to %s closed", shown_url);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        die("no answer from %s within %d s", shown_url, HANDSHAKE_TIMEOUT_S);
    if (n < 0)
        die("cannot read from %s: %s", shown_url, strerror(errno));
    tail += n;
}

static void put_json_string(FILE *out, const char *key, const char *value)
{
    fprintf(out, ",\"%s\":\"", key);
    for (; *value; value++) {
        unsigned char c = *value;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void send_connect(int fd, const struct server *s, const char *subject)
{
    char *text;
    size_t len;
    FILE *out = open_memstream(&text, &len);

    if (!out)
        die("out of memory");
    fputs("CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"echo-native\",\"lang\":\"c\","
          "\"version\":\"1.0.0\",\"protocol\":1,\"headers\":false",
          out);
    if (s->token)
        put_json_string(out, "auth_token", s->token);
    if (s->user) {
        put_json_string(out, "user", s->user);
        put_json_string(out, "pass", s->pass);
    }
    /* The PING's PONG tells us the server has processed CONNECT and SUB: then we are ready. */
    fprintf(out, "}\r\nSUB %s 1\r\nPING\r\n", subject);
    fclose(out);
    send_str(fd, text);
    free(text);
}

/*
 * MSG <subject> <sid> [reply-to] <#bytes>: waits for the payload, answers it if it has a reply
 * subject and consumes it. body is the payload's offset from head.
 */
static void handle_msg(int fd, char *args, size_t body)
{
    char *tok[4];
    int n = 0;
    char *end;
    unsigned long size;
    size_t reply_at = 0, need;
    char *p = strtok(args, " \t");

    for (; p; p = strtok(NULL, " \t")) {
        if (n == 4)
            die("malformed MSG from %s", shown_url);
        tok[n++] = p;
    }
    if (n < 3)
        die("malformed MSG from %s", shown_url);
    size = strtoul(tok[n - 1], &end, 10);
    if (*end || end == tok[n - 1])
        die("malformed MSG size from %s", shown_url);
    if (size > MAX_PAYLOAD)
        die("a %lu-byte message exceeds the %u bytes this service takes", size, MAX_PAYLOAD);
    if (n == 4)
        reply_at = tok[2] - (buf + head); /* an offset survives fill() moving the buffer */

    need = body + size + 2;
    while (tail - head < need)
        fill(fd);
    if (memcmp(buf + head + body + size, "\r\n", 2) != 0)
        die("MSG payload from %s not followed by CRLF", shown_url);

    if (n == 4) {
        char size_crlf[32];
        struct iovec iov[5] = {
            {"PUB ", 4},
            {buf + head + reply_at, strlen(buf + head + reply_at)},
            {" ", 1},
            {size_crlf, (size_t) snprintf(size_crlf, sizeof size_crlf, "%lu\r\n", size)},
            {buf + head + body, size + 2}, /* the payload with its CRLF, as received */
        };
        send_all(fd, iov, 5);
    }
    head += need;
}

static void serve(int fd, const struct server *s, const char *subject)
{
    enum { AWAIT_INFO, AWAIT_PONG, SERVING } state = AWAIT_INFO;

    for (;;) {
        char *line = buf + head;
        char *eol = memmem(line, tail - head, "\r\n", 2);
        size_t body;

        if (!eol) {
            if (tail - head > MAX_LINE)
                die("protocol line from %s longer than %u bytes", shown_url, MAX_LINE);
            fill(fd);
            continue;
        }
        *eol = '\0';
        body = eol + 2 - line;

        if (state == AWAIT_INFO) {
            if (!starts_with(line, "INFO"))
                die("%s did not greet like a NATS server", shown_url);
            send_connect(fd, s, subject);
            state = AWAIT_PONG;
        } else if (starts_with(line, "MSG ")) {
            handle_msg(fd, line + 4, body);
            continue;
        } else if (starts_with(line, "PING")) {
            send_str(fd, "PONG\r\n");
        } else if (starts_with(line, "PONG") && state == AWAIT_PONG) {
            set_timeouts(fd, 0); /* from now on the server may stay quiet for as long as it likes */
            printf("echo service listening on '%s' at %s\n", subject, shown_url);
            fflush(stdout);
            state = SERVING;
        } else if (starts_with(line, "-ERR")) {
            die("%s", line);
        }
        /* +OK and INFO updates need no answer */
        head += body;
    }
}

int main(int argc, char **argv)
{
    const char *subject = argc > 1 ? argv[1] : "echo";
    const char *url = getenv("NATS_URL") ? getenv("NATS_URL") : DEFAULT_URL;
    struct server s;

    if (!*subject || strpbrk(subject, " \t\r\n"))
        die("invalid subject '%s'", subject);
    signal(SIGTERM, on_stop);
    signal(SIGINT, on_stop);
    signal(SIGPIPE, SIG_IGN); /* a dropped connection is reported by write(), not by dying silently */

    s = parse_url(url);
    shown_url = s.shown;
    serve(dial(&s), &s, subject);
}
