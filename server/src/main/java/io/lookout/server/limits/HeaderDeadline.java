package io.lookout.server.limits;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.impl.transports.NioTransport;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.transport.Transport;

/**
 * A deadline on the request head, against clients that trickle their request line and headers a
 * byte at a time (each within the idle timeout) to hold connections open ("slowloris"), and a
 * minimum data rate of HTTP/1 request bodies, against clients that declare a body and then send
 * it a byte at a time ("R.U.D.Y.").
 *
 * <p>The rule, per connection of every HTTP server created through it:
 *
 * <ul>
 *   <li>the first request head must be complete within the deadline after the TCP connection was
 *       accepted (a TLS handshake counts against it); on HTTP/2, the connection preface and the
 *       client's first SETTINGS must arrive within it instead;
 *   <li>HTTP/1.1 keep-alive: after a response has ended and no other request is pending, the
 *       next request head must be complete within the deadline after its first byte arrives. A
 *       connection waiting for that first byte is idle and left to the idle timeout;
 *   <li>HTTP/1.x request bodies (Content-Length above 0, or chunked): once the body grace has
 *       passed since the request head, the body's average rate since the head (bytes received
 *       over elapsed time) must stay at or above the minimum; below it, the client is answered
 *       {@code 408 Request Timeout} with a JSON error (or, when another response is under way on
 *       the connection, not answered), the connection is closed and counted in
 *       {@code lookout_http_body_timeouts_total}. Time while the server does not read the
 *       connection (Vert.x turns auto-read off when a handler has paused the request and not
 *       taken what arrived, e.g. while authentication is pending or a pipelined request waits)
 *       does not count, nor does the wait for {@code 100 Continue} when the client asked for one
 *       and sends nothing before it. Bytes are counted as decoded by the HTTP codec (chunk
 *       framing excluded; no Lookout port inflates request bodies in Vert.x);
 *   <li>HTTP/2 streams and upgraded connections are not timed further: one HTTP/2 connection
 *       carries many requests and clients keep it open with PINGs, which the idle timeout
 *       cannot tell from an attack; the header size bounds still apply.
 * </ul>
 *
 * <p>How: Vert.x 5 exposes no hook at accept ({@code HttpServer.connectionHandler} fires only once
 * the first HTTP/1 request head is parsed when h2c is enabled, as it is on every Lookout port), so
 * {@link #newVertx()} builds Vert.x on the NIO transport with a Netty handler first in the pipeline
 * of every accepted HTTP connection. It starts the deadline at accept; {@link #install} adds a
 * connection handler that, once Vert.x has set up HTTP/1, watches request heads and response ends.
 * A connection past its deadline is closed and counted in
 * {@code lookout_http_header_timeouts_total}. Every HTTP server of the returned Vert.x must be
 * installed; a server that is not would have all its connections closed at the deadline.
 */
public final class HeaderDeadline {
  private final long timeoutNanos;
  private final long minBodyRate;
  private final long bodyGraceNanos;
  private final Counter timeouts;
  private final Counter bodyTimeouts;

  /** The head deadline, minimum body rate and grace of {@code hardening}; counters registered on {@code registry}. */
  public HeaderDeadline(HttpHardening hardening, PrometheusRegistry registry) {
    this.timeoutNanos = hardening.headerTimeout().toNanos();
    this.minBodyRate = hardening.minBodyRate();
    this.bodyGraceNanos = hardening.bodyGrace().toNanos();
    this.timeouts = Counter.builder()
        .name("lookout_http_header_timeouts_total")
        .help("Connections closed because a request head was not complete within LOOKOUT_HTTP_HEADER_TIMEOUT")
        .register(registry);
    this.bodyTimeouts = Counter.builder()
        .name("lookout_http_body_timeouts_total")
        .help("HTTP/1 connections answered 408 and closed because a request body arrived below"
            + " LOOKOUT_HTTP_MIN_BODY_RATE after LOOKOUT_HTTP_BODY_GRACE")
        .register(registry);
  }

  /** A Vert.x instance (NIO transport) whose HTTP servers start the deadline of each connection at accept. */
  public Vertx newVertx() {
    return Vertx.builder().withTransport(new DeadlineTransport()).build();
  }

  /** Adds the connection handler that hands each HTTP/1 connection over to the keep-alive rule. Returns {@code server}. */
  public HttpServer install(HttpServer server) {
    return server.connectionHandler(this::connected);
  }

  private void connected(HttpConnection conn) {
    if (!(conn instanceof ConnectionBase base)) {
      return;
    }
    Channel ch = base.channel();
    if (!(ch.pipeline().get(HeadDeadlineHandler.NAME) instanceof HeadDeadlineHandler deadline)) {
      return; // not accepted through newVertx()
    }
    if (conn instanceof Http1xServerConnection) {
      deadline.http1(ch.pipeline());
    } else {
      deadline.finished(); // HTTP/2: preface and settings arrived in time
    }
  }

  /** NIO with {@link HeadDeadlineHandler} first in the pipeline of every accepted HTTP connection. */
  private final class DeadlineTransport implements Transport {
    private final io.vertx.core.spi.transport.Transport implementation = new NioTransport() {
      @Override
      public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
        super.configure(options, domainSocket, bootstrap);
        if (!(options instanceof HttpServerOptions)) {
          return;
        }
        ChannelHandler vertxInitializer = bootstrap.config().childHandler();
        bootstrap.childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(HeadDeadlineHandler.NAME, new HeadDeadlineHandler(timeoutNanos, minBodyRate,
                bodyGraceNanos, timeouts::inc, bodyTimeouts::inc));
            ch.pipeline().addLast(vertxInitializer);
          }
        });
      }
    };

    @Override
    public String name() {
      return "nio";
    }

    @Override
    public boolean available() {
      return true;
    }

    @Override
    public Throwable unavailabilityCause() {
      return null;
    }

    @Override
    public io.vertx.core.spi.transport.Transport implementation() {
      return implementation;
    }
  }
}
