package io.nex.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Replies by key, completed, failed, or failed by the sweeper once overdue. */
class PendingRepliesTest {
  private static final Duration LONG = Duration.ofMinutes(5);
  private final PendingReplies<String, String> replies = new PendingReplies<>("no reply in time");

  @AfterEach
  void close() {
    replies.close();
  }

  @Test
  void aReplyCompletesItsOwnKeyOnly() throws Exception {
    CompletableFuture<String> a = replies.expect("a", LONG);
    CompletableFuture<String> b = replies.expect("b", LONG);
    replies.complete("a", "for a");
    assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("for a");
    assertThat(b).isNotDone();
    replies.complete("unknown", "dropped");
    assertThat(b).isNotDone();
  }

  @Test
  void aFailedRequestFailsWithItsCause() {
    CompletableFuture<String> a = replies.expect("a", LONG);
    replies.fail("a", new IOException("cannot send"));
    assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class).hasRootCauseMessage("cannot send");
    replies.complete("a", "too late");
    assertThat(a).isCompletedExceptionally();
  }

  @Test
  void failAllFailsEveryReplyStillExpected() throws Exception {
    CompletableFuture<String> answered = replies.expect("a", LONG);
    CompletableFuture<String> b = replies.expect("b", LONG);
    CompletableFuture<String> c = replies.expect("c", LONG);
    replies.complete("a", "done");
    replies.failAll(new IOException("agent gone"));
    assertThat(answered.get(5, TimeUnit.SECONDS)).isEqualTo("done");
    for (CompletableFuture<String> reply : new CompletableFuture[] {b, c}) {
      assertThatThrownBy(() -> reply.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("agent gone");
    }
    // nothing left to fail: a later reply is a new one
    CompletableFuture<String> later = replies.expect("b", LONG);
    replies.complete("b", "new");
    assertThat(later.get(5, TimeUnit.SECONDS)).isEqualTo("new");
  }

  @Test
  void anOverdueReplyFailsWithATimeoutAndALateAnswerIsDropped() {
    CompletableFuture<String> overdue = replies.expect("slow", Duration.ofMillis(100));
    CompletableFuture<String> patient = replies.expect("patient", LONG);
    // the sweeper runs every 50 ms; seconds of slack keep a busy machine from failing this
    assertThatThrownBy(() -> overdue.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class).hasRootCauseMessage("no reply in time");
    assertThat(patient).as("a reply still in time is left alone").isNotDone();
    replies.complete("slow", "late");
    assertThat(overdue).isCompletedExceptionally();
    replies.complete("patient", "in time");
    assertThat(patient).isCompletedWithValue("in time");
  }

  @Test
  void closingCancelsWhatIsStillExpected() {
    CompletableFuture<String> a = replies.expect("a", LONG);
    replies.close();
    assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
  }
}
