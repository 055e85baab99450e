package io.lookout.server.limits;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection state of {@link HeaderDeadline}, first in the channel pipeline (it sees raw,
 * possibly encrypted, bytes). Runs on the channel's event loop only, so it needs no locking.
 */
final class HeadDeadlineHandler extends ChannelDuplexHandler {
  static final String NAME = "lookoutHeadDeadline";
  static final String TRACKER = "lookoutHeadTracker";
  private static final Logger LOG = LoggerFactory.getLogger(HeadDeadlineHandler.class);

  private final long timeoutNanos;
  private final Runnable onTimeout;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  /** Set once Vert.x has set up HTTP/1: from then on, bytes after an ended response start the deadline. */
  private boolean http1;
  /** HTTP/2 or upgraded: no more deadlines. */
  private boolean finished;
  /** Request heads received minus responses ended. */
  private int pending;

  HeadDeadlineHandler(long timeoutNanos, Runnable onTimeout) {
    this.timeoutNanos = timeoutNanos;
    this.onTimeout = onTimeout;
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
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (http1 && !finished && pending == 0 && timer == null && msg instanceof ByteBuf b && b.isReadable()) {
      arm(); // the first byte of the next request on a kept-alive connection
    }
    super.channelRead(ctx, msg);
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
  }

  private void headReceived() {
    pending++;
    cancel();
  }

  private void responseEnded() {
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
    onTimeout.run();
    LOG.debug("closing connection from {}: request head not complete within {} ms", ctx.channel().remoteAddress(),
        TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
    ctx.channel().close();
  }

  /**
   * Just before Vert.x's HTTP/1 handler: sees each decoded request head coming in and each response
   * part going out, before the encoder turns them into bytes.
   */
  private final class Tracker extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof HttpRequest) {
        headReceived();
      }
      super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
      if (msg instanceof HttpResponse r && r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        finished(); // WebSocket or other upgrade: no longer HTTP/1 requests
        ctx.pipeline().remove(this);
      } else if (msg instanceof LastHttpContent
          && !(msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
        responseEnded(); // a 100 Continue or 103 is not the end of the response
      }
      super.write(ctx, msg, promise);
    }
  }
}
