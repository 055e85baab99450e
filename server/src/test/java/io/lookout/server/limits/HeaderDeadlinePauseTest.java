package io.lookout.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The body clock of {@link HeadDeadlineHandler} on a mock clock, with Netty's HTTP codec standing
 * in for Vert.x's: time while the server does not read (auto-read off, as Vert.x sets it when a
 * handler is paused) and the wait for {@code 100 Continue} do not count against the client, and
 * the 408 is only written when no other response is under way. 1024 B/s after a 1 s grace.
 */
class HeaderDeadlinePauseTest {
  private final MockTicker ticker = Ticker.newMockTicker();
  private final AtomicInteger bodyTimeouts = new AtomicInteger();
  private final App app = new App();
  private final EmbeddedChannel ch;

  HeaderDeadlinePauseTest() {
    HeadDeadlineHandler deadline = new HeadDeadlineHandler(TimeUnit.SECONDS.toNanos(600), 1024,
        TimeUnit.SECONDS.toNanos(1), () -> { }, bodyTimeouts::incrementAndGet);
    ch = EmbeddedChannel.builder().ticker(ticker).handlers(deadline).build();
    ch.pipeline().addLast("httpDecoder", new HttpRequestDecoder());
    ch.pipeline().addLast("httpEncoder", new HttpResponseEncoder());
    ch.pipeline().addLast("handler", app);
    deadline.http1(ch.pipeline());
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  /** Stands in for Vert.x's handler: drops what it reads; when paused, turns auto-read off at read complete. */
  private static final class App extends ChannelInboundHandlerAdapter {
    boolean paused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (paused) {
        ctx.channel().config().setAutoRead(false);
      }
    }
  }

  private void send(String s) {
    ch.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
  }

  private void advanceMillis(long ms) {
    ticker.advanceMillis(ms);
    ch.runScheduledPendingTasks();
  }

  private String written() {
    StringBuilder out = new StringBuilder();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      out.append(b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    return out.toString();
  }

  @Test
  void aBodyBelowTheRateIsCutWhenTheGraceEnds() {
    send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10240\r\n\r\n");
    for (int i = 0; i < 4; i++) {
      send("0123456789");
      advanceMillis(200);
    }
    assertThat(ch.isOpen()).isTrue();
    send("0123456789");
    advanceMillis(201); // 50 bytes in just over 1 s
    assertThat(ch.isOpen()).isFalse();
    assertThat(written()).startsWith("HTTP/1.1 408 Request Timeout\r\n")
        .contains("request body arrived at 49 bytes per second over 1s, below the minimum of 1024");
    assertThat(bodyTimeouts).hasValue(1);
  }

  @Test
  void aBodyAtTheRateIsNotCut() {
    send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 20480\r\n\r\n");
    for (int i = 0; i < 18; i++) { // 1024 B/s for 18 s, in 512-byte steps
      send("x".repeat(512));
      advanceMillis(500);
      send("x".repeat(512));
      advanceMillis(500);
    }
    assertThat(ch.isOpen()).isTrue();
    send("x".repeat(20480 - 18 * 1024));
    advanceMillis(60_000); // body complete: no more checks
    assertThat(ch.isOpen()).isTrue();
    assertThat(bodyTimeouts).hasValue(0);
  }

  @Test
  void timeWhileTheServerDoesNotReadDoesNotCount() {
    app.paused = true; // e.g. authentication pending: Vert.x stops reading at the next read complete
    send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10240\r\n\r\n" + "x".repeat(100));
    assertThat(ch.config().isAutoRead()).isFalse();
    advanceMillis(60_000);
    assertThat(ch.isOpen()).isTrue();

    app.paused = false;
    ch.config().setAutoRead(true); // resumed: the clock runs again from here
    advanceMillis(900);
    assertThat(ch.isOpen()).isTrue();
    advanceMillis(200); // 100 bytes in 1.1 s of reading time
    assertThat(ch.isOpen()).isFalse();
    assertThat(written()).startsWith("HTTP/1.1 408");
    assertThat(bodyTimeouts).hasValue(1);
  }

  @Test
  void aPauseNoticedLateCountsFromTheLastTimeTheServerWasSeenReading() {
    send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10240\r\n\r\n" + "x".repeat(2048)); // good for 2 s
    advanceMillis(500);
    ch.config().setAutoRead(false); // not at a read complete: the handler only finds out at its next check
    advanceMillis(60_000);
    assertThat(ch.isOpen()).isTrue();

    ch.config().setAutoRead(true);
    advanceMillis(1_900); // the 500 ms before the pause went unseen: given to the client
    assertThat(ch.isOpen()).isTrue();
    advanceMillis(200);
    assertThat(ch.isOpen()).isFalse();
    assertThat(bodyTimeouts).hasValue(1);
  }

  @Test
  void theWaitFor100ContinueIsTheServers() {
    send("POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1000\r\n\r\n");
    advanceMillis(30_000);
    assertThat(ch.isOpen()).isTrue();
    ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    advanceMillis(900);
    assertThat(ch.isOpen()).isTrue();
    advanceMillis(200); // nothing in 1.1 s after 100 Continue
    assertThat(ch.isOpen()).isFalse();
    assertThat(written()).startsWith("HTTP/1.1 100 Continue\r\n").contains("HTTP/1.1 408 Request Timeout\r\n");
  }

  @Test
  void aClientThatDoesNotWaitFor100ContinueIsTimedFromItsFirstByte() {
    send("POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1000\r\n\r\n");
    advanceMillis(30_000);
    send("x");
    advanceMillis(1_100);
    assertThat(ch.isOpen()).isFalse();
    assertThat(bodyTimeouts).hasValue(1);
  }

  @Test
  void noRequestTimeoutIsWrittenOverAResponseUnderWay() {
    send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
    ch.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK)); // head only, streaming
    advanceMillis(1_100);
    assertThat(ch.isOpen()).isFalse();
    assertThat(written()).startsWith("HTTP/1.1 200 OK").doesNotContain("408");
    assertThat(bodyTimeouts).hasValue(1);
  }

  @Test
  void aHeadWithABadLengthIsLeftToTheDecodersRefusal() {
    send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n");
    advanceMillis(60_000);
    assertThat(bodyTimeouts).hasValue(0);
  }

  @Test
  void aBodyWithoutLengthOrChunksIsNotTimed() {
    send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    advanceMillis(60_000);
    send("GET /y HTTP/1.1\r\nHost: x\r\n\r\n");
    advanceMillis(60_000);
    assertThat(ch.isOpen()).isTrue();
    assertThat(bodyTimeouts).hasValue(0);
  }
}
