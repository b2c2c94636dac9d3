package io.nex.node.function;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.impl.Headers;
import io.nats.client.support.IncomingHeadersProcessor;
import io.nex.api.Json;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A NATS client connection of the node's own, for function triggers: the plain client protocol
 * over a {@link SocketChannel}, with no thread of its own. jnats hands every message from its
 * reader thread to a dispatcher thread, and every publish to its writer thread; on the trigger
 * path those hand-offs cost more than the work between them. Here one thread, the trigger loop
 * with its Selector, calls every method; nothing is thread-safe.
 */
final class TriggerConnection implements AutoCloseable {
  /** What the loop is told of each MSG and HMSG. */
  interface Messages {
    /**
     * {@code headers} is null for a MSG and never null for an HMSG (empty when the block held a
     * status line alone); {@code payload} is never null.
     */
    void message(long sid, String subject, String replyTo, Headers headers, byte[] payload);
  }

  private static final int DEFAULT_PORT = 4222;
  /** nats-server's own default, assumed until a server tells us its max_payload. */
  private static final long DEFAULT_MAX_PAYLOAD = 1024 * 1024;
  /** The read buffer's size, and the longest protocol line we take. */
  private static final int BUFFER_SIZE = 64 * 1024;
  private static final int MAX_MESSAGE = 64 * 1024 * 1024;
  private static final int MAX_QUEUED_WHILE_DISCONNECTED = 8 * 1024 * 1024;
  /**
   * The most one read or write system call is asked for: the JDK moves a heap buffer through a
   * temporary direct buffer as large as the call, kept per thread, so bounding the call bounds it.
   */
  private static final int IO_CHUNK = 256 * 1024;
  /** How much one read() takes, so that a flood of messages cannot keep the loop from its writes. */
  private static final int READ_BUDGET = 1024 * 1024;
  /** HMSG subject sid reply-to header-size total-size: the most tokens of a line we look at. */
  private static final int MAX_TOKENS = 6;

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] PING = "PING\r\n".getBytes(US_ASCII);
  private static final byte[] PONG = "PONG\r\n".getBytes(US_ASCII);
  private static final byte[] CONNECT = "CONNECT ".getBytes(US_ASCII);
  private static final byte[] SUB = "SUB ".getBytes(US_ASCII);
  private static final byte[] UNSUB = "UNSUB ".getBytes(US_ASCII);
  private static final byte[] PUB = "PUB ".getBytes(US_ASCII);
  private static final byte[] HPUB = "HPUB ".getBytes(US_ASCII);
  private static final byte[] EMPTY = {};

  private record Subscription(String subject, String queueGroup) {}

  private record Held(long sid, String subject, String replyTo, Headers headers, byte[] payload) {}

  private final String host;
  private final int port;
  private final String connectionName;
  private final String user;
  private final String password;
  private final String token;
  private final Map<Long, Subscription> subscriptions = new LinkedHashMap<>();
  private final ArrayDeque<Runnable> pongs = new ArrayDeque<>();
  /** Messages that came during open(), before its PONG, for the next read(). */
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private final Messages hold = (sid, subject, replyTo, headers, payload) ->
      held.add(new Held(sid, subject, replyTo, headers, payload));
  /** Start and end of each token of the line being parsed, so that parsing allocates nothing. */
  private final int[] tokens = new int[2 * MAX_TOKENS];
  private SocketChannel channel;
  /** Bytes read and not parsed yet, from index 0 to position. */
  private ByteBuffer in = ByteBuffer.allocate(BUFFER_SIZE);
  /** Output from index {@link #sent} to position. */
  private ByteBuffer out = ByteBuffer.allocate(BUFFER_SIZE);
  private int sent;
  private long nextSid = 1;
  private long maxPayload = DEFAULT_MAX_PAYLOAD;
  private boolean infoSeen;
  private long droppedWhileDisconnected;

  /**
   * Parses {@code url} without any I/O: {@code nats://host:port} or {@code host:port}, with an
   * optional {@code user:password@} or {@code token@} (URL-encoded). The port defaults to 4222.
   * Messages of the IllegalArgumentException never quote the URL, which may hold a secret.
   */
  TriggerConnection(String url, String connectionName) {
    URI uri = uri(url.contains("://") ? url : "nats://" + url);
    if (!"nats".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("the trigger connection speaks plain nats://, not " + uri.getScheme()
          + "://" + ("tls".equalsIgnoreCase(uri.getScheme()) ? " (it has no TLS)" : ""));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("the trigger connection URL has no host");
    }
    this.host = uri.getHost();
    this.port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
    this.connectionName = connectionName;
    String userInfo = uri.getRawUserInfo();
    int colon = userInfo == null ? -1 : userInfo.indexOf(':');
    this.user = colon < 0 ? null : decode(userInfo.substring(0, colon));
    this.password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    this.token = userInfo != null && colon < 0 ? decode(userInfo) : null;
  }

  private static URI uri(String url) {
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      // not e.getMessage(): it quotes the URL, password and all
      throw new IllegalArgumentException("malformed trigger connection URL: " + e.getReason());
    }
  }

  /** Percent-decodes a part of the user info, split at its first raw ':'; '+' stays a plus there. */
  private static String decode(String raw) {
    // the URI parser has checked the escapes, so URLDecoder cannot fail on them
    return URLDecoder.decode(raw.replace("+", "%2B"), UTF_8);
  }

  /**
   * Opens a fresh socket and makes the handshake within {@code timeout}, blocking: INFO, then
   * CONNECT, a SUB for every subscription, and a PING whose PONG tells us the server took all of
   * them (a -ERR before it fails the open with the server's text). Output queued while
   * disconnected stays queued, behind the SUBs, for the loop to flush; messages that came before
   * the PONG are kept for the next {@link #read}, and then a PING is queued for the loop to flush,
   * so that the socket becomes readable for it. Returns the channel, non-blocking.
   */
  SocketChannel open(Duration timeout) throws IOException {
    if (channel != null) {
      throw new IllegalStateException("the trigger connection is open already");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    int queued = out.position();
    channel = SocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      // the socket adaptor's connect and reads honour timeouts, a blocking channel's do not
      channel.socket().connect(new InetSocketAddress(host, port), (int) Math.max(1, millisLeft(deadline)));
      infoSeen = false;
      while (!infoSeen) {
        awaitInput(deadline, timeout);
      }
      writeHandshake();
      while (!pongs.isEmpty()) {
        awaitInput(deadline, timeout);
      }
      if (!held.isEmpty() || in.position() > 0) {
        // input read along with the PONG would wait in our buffers for a readiness the socket
        // never reports: the answer to this PING, once the loop flushes, makes it readable
        ping(() -> { });
      }
      channel.configureBlocking(false);
      return channel;
    } catch (IOException | RuntimeException e) {
      disconnect();
      // a PONG we queued in answer to the server's PING was for that socket
      out.position(queued);
      throw e;
    }
  }

  private static long millisLeft(long deadline) {
    return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
  }

  private void awaitInput(long deadline, Duration timeout) throws IOException {
    long left = millisLeft(deadline);
    if (left <= 0) {
      throw handshakeTimeout(timeout);
    }
    channel.socket().setSoTimeout((int) left);
    int n;
    try {
      n = channel.socket().getInputStream().read(in.array(), in.position(), in.remaining());
    } catch (SocketTimeoutException e) {
      throw handshakeTimeout(timeout);
    }
    if (n < 0) {
      throw new EOFException(host + ":" + port + " closed the connection during the handshake");
    }
    in.position(in.position() + n);
    parse(hold);
  }

  private SocketTimeoutException handshakeTimeout(Duration timeout) {
    return new SocketTimeoutException("no NATS handshake from " + host + ":" + port + " within "
        + timeout.toMillis() + " ms");
  }

  /**
   * Written in a buffer of its own, ahead of the output queued while disconnected, and at once:
   * the handshake is small enough for the socket's send buffer, so the blocking write cannot hang.
   */
  private void writeHandshake() throws IOException {
    Map<String, Object> connect = new LinkedHashMap<>();
    connect.put("verbose", false);
    connect.put("pedantic", false);
    connect.put("tls_required", false);
    if (connectionName != null) {
      connect.put("name", connectionName);
    }
    connect.put("lang", "java");
    connect.put("version", "nex");
    connect.put("protocol", 1);
    connect.put("headers", true);
    connect.put("no_responders", true);
    if (user != null) {
      connect.put("user", user);
      connect.put("pass", password);
    } else if (token != null) {
      connect.put("auth_token", token);
    }
    ByteBuffer queued = out;
    out = ByteBuffer.allocate(BUFFER_SIZE);
    try {
      put(CONNECT);
      put(Json.write(connect));
      put(CRLF);
      subscriptions.forEach(this::putSub);
      put(PING);
      pongs.add(() -> { });
      out.flip();
      while (out.hasRemaining()) {
        channel.write(out);
      }
    } finally {
      out = queued;
    }
  }

  /** Whether a socket is open: open() succeeded, and neither lost() nor close() came since. */
  boolean connected() {
    return channel != null;
  }

  /**
   * The socket failed: closes it and runs the pong callbacks waiting, so that their waiters are not
   * stuck. The subscriptions stay, for the next open() to send again. The output queued for the
   * socket goes with it, as jnats drops what its writer held: a command may be half written, and
   * PINGs, PONGs and SUBs were for that socket. What is published from now on is queued for the
   * next one. Does nothing while disconnected, so it may follow a failed open().
   */
  void lost() {
    if (channel != null) {
      disconnect();
      out.clear();
      sent = 0;
    }
  }

  private void disconnect() {
    try {
      channel.close();
    } catch (IOException e) {
      // the socket is gone either way
    }
    channel = null;
    in.clear();
    held.clear();
    for (Runnable onPong; (onPong = pongs.poll()) != null; ) {
      onPong.run();
    }
  }

  /**
   * Returns a new sid (1, 2, ...) for {@code subject}, in {@code queueGroup} unless null; it is
   * subscribed again by every open() until {@link #unsubscribe}d.
   */
  long subscribe(String subject, String queueGroup) {
    requireToken(subject, "subject");
    if (queueGroup != null) {
      requireToken(queueGroup, "queue group");
    }
    long sid = nextSid++;
    Subscription subscription = new Subscription(subject, queueGroup);
    subscriptions.put(sid, subscription);
    if (connected()) {
      putSub(sid, subscription);
    }
    return sid;
  }

  /**
   * Forgets {@code sid}. Its messages read from now on are dropped, including those the server
   * sent before it had our UNSUB.
   */
  void unsubscribe(long sid) {
    if (subscriptions.remove(sid) != null && connected()) {
      put(UNSUB);
      putNumber(sid);
      put(CRLF);
    }
  }

  /**
   * Queues a PUB, or an HPUB when {@code headers} has any; {@code replyTo} may be null. While
   * disconnected, up to 8 MiB is queued, for the next socket; publishes beyond are dropped and
   * counted ({@link #droppedWhileDisconnected}). A message over {@link #maxPayload} is refused
   * with an IllegalArgumentException, as the server would close the connection on it.
   */
  void publish(String subject, String replyTo, Headers headers, byte[] payload) {
    requireToken(subject, "subject");
    if (replyTo != null) {
      requireToken(replyTo, "reply subject");
    }
    int headerSize = headers == null || headers.isEmpty() ? 0 : headers.serializedLength();
    long size = (long) headerSize + payload.length;
    if (size > maxPayload) {
      throw new IllegalArgumentException("a message of " + size + " bytes is over the server's max_payload of "
          + maxPayload);
    }
    if (!connected() && out.position() + size > MAX_QUEUED_WHILE_DISCONNECTED) {
      droppedWhileDisconnected++;
      return;
    }
    put(headerSize == 0 ? PUB : HPUB);
    putToken(subject);
    out.put((byte) ' ');
    if (replyTo != null) {
      putToken(replyTo);
      out.put((byte) ' ');
    }
    if (headerSize > 0) {
      putNumber(headerSize);
      out.put((byte) ' ');
    }
    putNumber(size);
    put(CRLF);
    if (headerSize > 0) {
      ensure(headerSize);
      headers.serializeToArray(out.position(), out.array());
      out.position(out.position() + headerSize);
    }
    put(payload);
    put(CRLF);
  }

  /** The server's max_payload as its latest INFO said (nats-server's default of 1 MiB before any). */
  long maxPayload() {
    return maxPayload;
  }

  /**
   * Reads what the socket holds, up to 1 MiB so that the loop gets to its writes in a flood (the
   * selector reports the rest), and hands every complete MSG and HMSG to {@code messages} in
   * order. Also answers PINGs (queued for the loop to flush), runs the oldest pong callback on a
   * PONG, and takes new INFOs. A -ERR fails with its text: the server closes the connection after
   * most of them, and the others (a permissions violation) mean a subscription or reply that
   * silently does not work. Partial lines and payloads wait for the next call. Returns false at
   * the end of the stream.
   */
  boolean read(Messages messages) throws IOException {
    if (channel == null) {
      throw new IllegalStateException("the trigger connection is not open");
    }
    for (Held m; (m = held.poll()) != null; ) {
      if (subscriptions.containsKey(m.sid())) {
        messages.message(m.sid(), m.subject(), m.replyTo(), m.headers(), m.payload());
      }
    }
    for (int budget = READ_BUDGET; budget > 0; ) {
      in.limit(Math.min(in.capacity(), in.position() + IO_CHUNK));
      int n;
      try {
        n = channel.read(in);
      } finally {
        in.limit(in.capacity());
      }
      if (n <= 0) {
        return n == 0;
      }
      budget -= n;
      parse(messages);
    }
    return true;
  }

  /**
   * Runs every complete command in {@link #in} and moves what is left to its start, growing it
   * when a message does not fit. Leaves room for more input in any case.
   */
  private void parse(Messages messages) throws IOException {
    byte[] b = in.array();
    int end = in.position();
    int pos = 0;
    int needed = 0;
    // pos moves past each command before it is run, so that a callback's exception loses no input
    try {
      for (int eol; (eol = indexOf(b, pos, end, (byte) '\n')) >= 0; ) {
        int lineEnd = eol > pos && b[eol - 1] == '\r' ? eol - 1 : eol;
        int next = eol + 1;
        int count = tokenize(b, pos, lineEnd);
        if (count == 0) {
          throw new IOException("empty line from the server");
        }
        int op = tokens[0];
        int opEnd = tokens[1];
        boolean msg = is(b, op, opEnd, "msg");
        if (msg || is(b, op, opEnd, "hmsg")) {
          int sizes = msg ? 1 : 2;
          if (count != 3 + sizes && count != 4 + sizes) {
            throw malformed(b, pos, lineEnd);
          }
          long total = number(b, count - 1);
          long headerSize = msg ? 0 : number(b, count - 2);
          if (total > MAX_MESSAGE || headerSize > total) {
            throw new IOException("a message of " + total + " bytes from the server (at most " + MAX_MESSAGE
                + " are taken)");
          }
          int payloadEnd = next + (int) total;
          if (payloadEnd + CRLF.length > end) {
            needed = payloadEnd + CRLF.length - pos;
            break;
          }
          if (b[payloadEnd] != '\r' || b[payloadEnd + 1] != '\n') {
            throw new IOException("a message from the server not ended by CRLF: " + line(b, pos, lineEnd));
          }
          pos = payloadEnd + CRLF.length;
          long sid = number(b, 2);
          if (subscriptions.containsKey(sid)) {
            int payloadStart = next + (int) headerSize;
            messages.message(sid, string(b, 1), count == 4 + sizes ? string(b, 3) : null,
                msg ? null : headers(b, next, payloadStart),
                payloadStart == payloadEnd ? EMPTY : Arrays.copyOfRange(b, payloadStart, payloadEnd));
          }
          continue;
        }
        pos = next;
        if (is(b, op, opEnd, "ping")) {
          put(PONG);
        } else if (is(b, op, opEnd, "pong")) {
          Runnable onPong = pongs.poll();
          if (onPong != null) {
            onPong.run();
          }
        } else if (is(b, op, opEnd, "info")) {
          info(b, opEnd, lineEnd);
        } else if (is(b, op, opEnd, "-err")) {
          throw new IOException("nats-server at " + host + ":" + port + ": " + errorText(b, opEnd, lineEnd));
        } else if (!is(b, op, opEnd, "+ok")) {
          throw new IOException("unexpected from the server: " + line(b, op, lineEnd));
        }
      }
      if (needed == 0 && end - pos >= BUFFER_SIZE) {
        throw new IOException("a protocol line from the server is longer than " + BUFFER_SIZE + " bytes");
      }
    } finally {
      int left = end - pos;
      ByteBuffer into = needed > in.capacity() ? ByteBuffer.allocate(Math.max(needed, 2 * in.capacity())) : in;
      System.arraycopy(b, pos, into.array(), 0, left);
      in = into;
      in.clear().position(left);
    }
  }

  private static int indexOf(byte[] b, int from, int to, byte wanted) {
    for (int i = from; i < to; i++) {
      if (b[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  /** Finds the first {@value #MAX_TOKENS} tokens of a line; returns how many it has, at most one more. */
  private int tokenize(byte[] b, int from, int to) {
    int count = 0;
    int i = from;
    while (count <= MAX_TOKENS) {
      while (i < to && (b[i] == ' ' || b[i] == '\t')) {
        i++;
      }
      if (i == to) {
        break;
      }
      int start = i;
      while (i < to && b[i] != ' ' && b[i] != '\t') {
        i++;
      }
      if (count < MAX_TOKENS) {
        tokens[2 * count] = start;
        tokens[2 * count + 1] = i;
      }
      count++;
    }
    return count;
  }

  /** Whether b[from, to) is {@code lowercase}, whatever its case (the server may send either). */
  private static boolean is(byte[] b, int from, int to, String lowercase) {
    if (to - from != lowercase.length()) {
      return false;
    }
    for (int i = from; i < to; i++) {
      // setting 0x20 lowers an ASCII letter, and leaves '+' and '-' as they are
      if ((b[i] | 0x20) != lowercase.charAt(i - from)) {
        return false;
      }
    }
    return true;
  }

  private long number(byte[] b, int token) throws IOException {
    int from = tokens[2 * token];
    int to = tokens[2 * token + 1];
    if (to - from > 18) {
      throw new IOException("a number too large from the server: " + line(b, from, to));
    }
    long n = 0;
    for (int i = from; i < to; i++) {
      int digit = b[i] - '0';
      if (digit < 0 || digit > 9) {
        throw new IOException("not a number from the server: " + line(b, from, to));
      }
      n = 10 * n + digit;
    }
    return n;
  }

  private String string(byte[] b, int token) {
    return new String(b, tokens[2 * token], tokens[2 * token + 1] - tokens[2 * token], UTF_8);
  }

  private static Headers headers(byte[] b, int from, int to) throws IOException {
    try {
      Headers headers = new IncomingHeadersProcessor(Arrays.copyOfRange(b, from, to)).getHeaders();
      return headers == null ? new Headers() : headers;
    } catch (IllegalArgumentException e) {
      throw new IOException("malformed message headers from the server: " + e.getMessage());
    }
  }

  private void info(byte[] b, int from, int to) throws IOException {
    JsonNode info = Json.mapper().readTree(b, from, to - from);
    if (info.path("tls_required").asBoolean()) {
      throw new IOException("nats-server at " + host + ":" + port
          + " requires TLS, which the trigger connection does not speak");
    }
    maxPayload = info.path("max_payload").asLong(maxPayload);
    infoSeen = true;
  }

  /** The text of a -ERR line, without the quotes nats-server puts around it. */
  private static String errorText(byte[] b, int from, int to) {
    String text = line(b, from, to).trim();
    return text.length() >= 2 && text.startsWith("'") && text.endsWith("'")
        ? text.substring(1, text.length() - 1) : text;
  }

  private static IOException malformed(byte[] b, int from, int to) {
    return new IOException("malformed from the server: " + line(b, from, to));
  }

  /** A line (or its first 200 bytes) for an error message. */
  private static String line(byte[] b, int from, int to) {
    return new String(b, from, Math.min(to - from, 200), UTF_8);
  }

  /** Whether output is queued. */
  boolean hasOutput() {
    return out.position() > sent;
  }

  /**
   * Writes the queued output as far as the socket takes it now; true when all of it went. While
   * disconnected, writes nothing and returns whether nothing is queued.
   */
  boolean flush() throws IOException {
    if (channel == null) {
      return !hasOutput();
    }
    int end = out.position();
    try {
      while (sent < end) {
        out.limit(Math.min(end, sent + IO_CHUNK)).position(sent);
        int n = channel.write(out);
        sent += n;
        if (n == 0) {
          break;
        }
      }
    } finally {
      out.limit(out.capacity()).position(end);
    }
    if (sent < end) {
      return false;
    }
    out.clear();
    sent = 0;
    return true;
  }

  /**
   * Queues a PING; {@code onPong} runs, on the caller's thread inside read(), when its PONG comes,
   * or from lost() or close(). The server answers in order, so the PONG tells that it has taken
   * everything sent before, SUBs included. While disconnected, runs {@code onPong} at once.
   */
  void ping(Runnable onPong) {
    if (!connected()) {
      onPong.run();
      return;
    }
    put(PING);
    pongs.add(onPong);
  }

  /** Pings sent and not answered yet. */
  int pingsOutstanding() {
    return pongs.size();
  }

  /** Publishes dropped because 8 MiB was queued already while disconnected. */
  long droppedWhileDisconnected() {
    return droppedWhileDisconnected;
  }

  /** Closes the socket and runs the pong callbacks waiting, as {@link #lost} does; idempotent. */
  @Override
  public void close() {
    lost();
  }

  /** Refuses what would break the protocol line it goes in (or inject commands into it). */
  private static void requireToken(String token, String what) {
    if (token.isEmpty()) {
      throw new IllegalArgumentException("empty " + what);
    }
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) <= ' ' || token.charAt(i) == 0x7f) {
        throw new IllegalArgumentException("a " + what + " with white space or a control character");
      }
    }
  }

  private void putSub(long sid, Subscription subscription) {
    put(SUB);
    putToken(subscription.subject());
    out.put((byte) ' ');
    if (subscription.queueGroup() != null) {
      putToken(subscription.queueGroup());
      out.put((byte) ' ');
    }
    putNumber(sid);
    put(CRLF);
  }

  /** Makes room for {@code n} more bytes (and the one-byte separators written after a put). */
  private void ensure(int n) {
    if (out.remaining() > n) {
      return;
    }
    int queued = out.position() - sent;
    ByteBuffer into = queued + n < out.capacity() ? out
        : ByteBuffer.allocate(Math.max(2 * out.capacity(), queued + n + 1));
    System.arraycopy(out.array(), sent, into.array(), 0, queued);
    out = into;
    out.clear().position(queued);
    sent = 0;
  }

  private void put(byte[] bytes) {
    ensure(bytes.length);
    out.put(bytes);
  }

  /** Subjects are nearly always ASCII: they go in without an encoder or a byte array of their own. */
  private void putToken(String token) {
    ensure(3 * token.length());
    int start = out.position();
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c >= 0x80) {
        out.position(start).put(token.getBytes(UTF_8));
        return;
      }
      out.put((byte) c);
    }
  }

  private void putNumber(long n) {
    ensure(20);
    int digits = 1;
    for (long rest = n / 10; rest > 0; rest /= 10) {
      digits++;
    }
    int at = out.position() + digits;
    for (long rest = n; at > out.position(); rest /= 10) {
      out.put(--at, (byte) ('0' + rest % 10));
    }
    out.position(out.position() + digits);
  }
}
