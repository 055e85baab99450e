package io.lookout.server.limits;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection state of {@link HeaderDeadline}, first in the channel pipeline (it sees raw,
 * possibly encrypted, bytes and every read request of the channel). Runs on the channel's event
 * loop only, so it needs no locking.
 *
 * <p>Two clocks: the head deadline (one timer, from accept or from the first byte of a kept-alive
 * request) and, on HTTP/1 with a minimum body rate, a {@link BodyMeter} per request body with
 * one timer set for the moment its average rate could first fall below the minimum.
 */
final class HeadDeadlineHandler extends ChannelDuplexHandler {
  static final String NAME = "lookoutHeadDeadline";
  static final String TRACKER = "lookoutHeadTracker";
  private static final Logger LOG = LoggerFactory.getLogger(HeadDeadlineHandler.class);

  private final long timeoutNanos;
  private final Runnable onTimeout;
  /** Null when the minimum body rate is off. */
  private final BodyMeter body;
  private final long minBodyRate;
  private final Runnable onBodyTimeout;
  private ChannelHandlerContext ctx;
  private ChannelHandlerContext trackerCtx;
  private ScheduledFuture<?> timer;
  private ScheduledFuture<?> bodyTimer;
  /** Set once Vert.x has set up HTTP/1: from then on, bytes after an ended response start the deadline. */
  private boolean http1;
  /** HTTP/2, upgraded or closing: no more deadlines. */
  private boolean finished;
  /** Request heads received minus responses ended. */
  private int pending;
  /** A response head (not 1xx) has been written and its response has not ended. */
  private boolean responseStarted;
  /** A request with {@code Expect: 100-continue} whose body has not started: its clock waits for 100 or the first byte. */
  private boolean awaitingContinue;

  /**
   * @param minBodyRate bytes per second a request body must average once {@code bodyGraceNanos}
   *     of reading time have passed since its head; 0 for no minimum
   */
  HeadDeadlineHandler(long timeoutNanos, long minBodyRate, long bodyGraceNanos, Runnable onTimeout,
      Runnable onBodyTimeout) {
    this.timeoutNanos = timeoutNanos;
    this.onTimeout = onTimeout;
    this.minBodyRate = minBodyRate;
    this.body = minBodyRate > 0 ? new BodyMeter(minBodyRate, bodyGraceNanos) : null;
    this.onBodyTimeout = onBodyTimeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) {
      arm(); // accepted sockets are active when registered: the deadline starts at accept
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (timer == null && !finished && !http1) {
      arm();
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    finished();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
    cancelBody();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (http1 && !finished && pending == 0 && timer == null && msg instanceof ByteBuf b && b.isReadable()) {
      arm(); // the first byte of the next request on a kept-alive connection
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    readingChanged(); // the server was reading until now
    super.channelReadComplete(ctx);
    // Vert.x turns auto-read off here, when its handler saw the read complete and the request's
    // handler has not taken what was read (paused): the body clock stops
    readingChanged();
  }

  @Override
  public void read(ChannelHandlerContext ctx) throws Exception {
    // Every read of the channel passes here, also the one Netty issues when Vert.x turns
    // auto-read back on: the body clock runs again
    readingChanged();
    super.read(ctx);
  }

  /** Vert.x set up HTTP/1 on this connection: watch heads and responses from just before its handler. */
  void http1(ChannelPipeline pipeline) {
    if (finished || http1) {
      return;
    }
    http1 = true;
    pipeline.addBefore("handler", TRACKER, new Tracker());
  }

  /** No more deadlines on this connection. */
  void finished() {
    finished = true;
    cancel();
    cancelBody();
  }

  private void headReceived(HttpRequest head) {
    pending++;
    cancel();
    awaitingContinue = false;
    if (body == null || finished || head instanceof LastHttpContent || !head.decoderResult().isSuccess()) {
      return; // no body, or a bad request Vert.x answers 400 and closes
    }
    if (HttpUtil.isTransferEncodingChunked(head) || declaredLength(head) > 0) {
      if (HttpUtil.is100ContinueExpected(head)) {
        awaitingContinue = true; // the client may wait for 100 Continue: that wait is the server's
      } else {
        startBody();
      }
    }
  }

  private static long declaredLength(HttpRequest head) {
    try {
      return HttpUtil.getContentLength(head, 0L);
    } catch (NumberFormatException e) {
      return 0; // the decoder refuses such heads before this; never throw into the pipeline
    }
  }

  private void contentReceived(HttpContent content) {
    if (body == null) {
      return;
    }
    int n = content.content().readableBytes();
    if (awaitingContinue && n > 0) {
      startBody(); // sent without waiting for 100 Continue
    }
    if (body.running()) {
      body.received(n);
    }
    if (content instanceof LastHttpContent) {
      awaitingContinue = false;
      body.stop();
      cancelBody();
    }
  }

  private void responseHeadWritten(HttpResponse r) {
    if (r.status().code() == HttpResponseStatus.CONTINUE.code()) {
      if (awaitingContinue) {
        startBody();
      }
    } else if (r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      responseStarted = true;
    }
  }

  private void responseEnded() {
    responseStarted = false;
    if (pending > 0) {
      pending--;
    }
  }

  private void arm() {
    cancel();
    timer = ctx.executor().schedule(this::expired, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expired() {
    timer = null;
    if (finished || !ctx.channel().isActive()) {
      return;
    }
    finished = true;
    cancelBody();
    onTimeout.run();
    LOG.debug("closing connection from {}: request head not complete within {} ms", ctx.channel().remoteAddress(),
        TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
    ctx.channel().close();
  }

  /** The event loop's clock (a mock one in tests), the one its timers run on. */
  private long now() {
    return ctx.executor().ticker().nanoTime();
  }

  private boolean serverReads() {
    return ctx.channel().config().isAutoRead();
  }

  private void startBody() {
    awaitingContinue = false;
    if (finished) {
      return;
    }
    body.start(now(), serverReads());
    scheduleBodyCheck();
  }

  /** Samples whether the server reads; a body clock that starts running again gets its timer back. */
  private void readingChanged() {
    if (body == null || !body.running() || finished) {
      return;
    }
    body.reading(now(), serverReads());
    if (body.reading() && bodyTimer == null) {
      scheduleBodyCheck();
    }
  }

  private void scheduleBodyCheck() {
    cancelBody();
    long left = body.check(now());
    if (left == BodyMeter.TOO_SLOW) {
      bodyTooSlow();
    } else if (body.reading()) {
      bodyTimer = ctx.executor().schedule(this::bodyCheckDue, left, TimeUnit.NANOSECONDS);
    } // paused: readingChanged() schedules the check when the server reads again
  }

  private void cancelBody() {
    if (bodyTimer != null) {
      bodyTimer.cancel(false);
      bodyTimer = null;
    }
  }

  private void bodyCheckDue() {
    bodyTimer = null;
    if (finished || body == null || !body.running() || !ctx.channel().isActive()) {
      return;
    }
    body.reading(now(), serverReads());
    scheduleBodyCheck();
  }

  /** Answers 408 when no other response is under way (else just closes), counts and closes. */
  private void bodyTooSlow() {
    long now = now();
    long rate = body.rate(now);
    long seconds = TimeUnit.NANOSECONDS.toSeconds(body.elapsed(now));
    body.stop();
    finished();
    onBodyTimeout.run();
    LOG.debug("closing connection from {}: request body at {} B/s over {} s, below the minimum of {} B/s",
        ctx.channel().remoteAddress(), rate, seconds, minBodyRate);
    if (pending == 1 && !responseStarted && trackerCtx != null && ctx.channel().isWritable()) {
      trackerCtx.writeAndFlush(timeoutResponse(rate, seconds)).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.channel().close();
    }
  }

  private FullHttpResponse timeoutResponse(long rate, long seconds) {
    String message = "request body arrived at " + rate + " bytes per second over " + seconds + "s, below the minimum of "
        + minBodyRate + " (" + HttpHardening.MIN_BODY_RATE_ENV + "): send the body faster";
    String json = "{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"" + message + "\"}";
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
        Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        // what HttpHardening.mount puts on every API response; harmless on the ingest ports
        .set("Content-Security-Policy", HttpHardening.CSP)
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("X-Frame-Options", "DENY");
    return r;
  }

  /**
   * Just before Vert.x's HTTP/1 handler: sees each decoded request head and body part coming in
   * and each response part going out, before the encoder turns them into bytes.
   */
  private final class Tracker extends ChannelDuplexHandler {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      trackerCtx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof HttpRequest head) {
        headReceived(head);
      }
      if (msg instanceof HttpContent content) {
        contentReceived(content);
      }
      super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
      if (msg instanceof HttpResponse r && r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        finished(); // WebSocket or other upgrade: no longer HTTP/1 requests
        ctx.pipeline().remove(this);
      } else {
        if (msg instanceof HttpResponse r) {
          responseHeadWritten(r);
        }
        if (msg instanceof LastHttpContent
            && !(msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
          responseEnded(); // a 100 Continue or 103 is not the end of the response
        }
      }
      super.write(ctx, msg, promise);
    }
  }
}
