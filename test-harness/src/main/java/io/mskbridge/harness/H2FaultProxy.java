package io.mskbridge.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * A proxy for the Kinesis async (Netty, HTTP/2) client, which {@link FaultProxy} (HTTP/1.1 only) cannot carry:
 * it speaks h2c with prior knowledge, as the emulator's plain port does, and injects faults into
 * SubscribeToShard calls only. A connection that does not start with the HTTP/2 preface (the sync client's
 * HTTP/1.1 calls, on the same endpoint) is relayed byte for byte to the target, untouched.
 *
 * <p>Faults are scripted, not random: each {@link #inject} queues faults for the next SubscribeToShard calls,
 * one per call, in order. Error answers ({@link Fault#RESOURCE_IN_USE}, {@link Fault#LIMIT_EXCEEDED},
 * {@link Fault#SERVER_ERROR}) are given instead of forwarding the call, in the format the SDK parses
 * ({@link FaultProxy#awsJson}); resets forward the call and cut it once {@link #resetAfterFrames} DATA frames of
 * the event stream have reached the client: {@link Fault#RESET_STREAM} with RST_STREAM (INTERNAL_ERROR) on that
 * stream only, {@link Fault#RESET_CONNECTION} with a TCP RST of the client's whole connection. A subscription that
 * ends before that many frames (the target refused it, say) leaves its reset at the head of the queue, for the
 * next call. Counters say what was injected, so a test can assert that its faults really happened.
 *
 * <p>{@link #endShardsLikeKinesis} plays the end of a closed shard as Kinesis does and the emulator (kinesis-local
 * 0.6.2) does not: from AWS docs (the SubscribeToShardEvent API reference), {@code ChildShards} is "returned only at
 * the end of the current shard"; the last event has no {@code ContinuationSequenceNumber} (an answer on AWS
 * re:Post, not the docs: the API reference marks the field required). The emulator sends one event a
 * second for ever, its continuation the last record's sequence number, {@code ChildShards} always null. In this mode
 * the proxy cuts each subscription's event stream into its messages ({@link EventStreamCodec}) and holds every
 * SubscribeToShardEvent until it has asked the emulator, over HTTP/1.1 ({@link ShardEnds}), whether the shard is
 * closed and what its last record is. The event whose continuation is the closed shard's last record's sequence
 * number (for a closed shard without records, its starting sequence number, the emulator's continuation then)
 * carries everything the shard holds: it goes out as the final event, its records kept, its continuation dropped,
 * {@code ChildShards} added (ShardId, ParentShards, HashKeyRange of each child, from ListShards), CRCs computed
 * anew, with END_STREAM, so the subscription completes; the target's stream is cancelled. No timing is guessed:
 * any other event passes through byte for byte, and a shard still open is asked about again at its next event.
 * {@link #shardEnds} counts the final events.
 *
 * <p>Each client connection gets its own h2c connection to the target; every request is one stream on it, its
 * response relayed frame by frame. Reading from the target pauses while the client's stream is not writable
 * (its flow-control window is spent), so the client's back-pressure reaches the target. One event-loop thread
 * runs everything.
 */
public class H2FaultProxy extends ManagedServer {

    /** A fault for one SubscribeToShard call. */
    public enum Fault { RESOURCE_IN_USE, LIMIT_EXCEEDED, SERVER_ERROR, RESET_STREAM, RESET_CONNECTION }

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final String SUBSCRIBE = "Kinesis_20131202.SubscribeToShard";
    /** Numbers kept exactly as they are (ApproximateArrivalTimestamp is a decimal of epoch seconds). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private final URI target;
    private final ConcurrentLinkedDeque<Fault> script = new ConcurrentLinkedDeque<>();
    private volatile int resetAfterFrames = 3;
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private final AtomicLong subscribes = new AtomicLong();
    private final AtomicLong eventFrames = new AtomicLong();
    private final AtomicLong h2Connections = new AtomicLong();
    private final AtomicLong http1Connections = new AtomicLong();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean endShards;
    private final AtomicLong shardEnds = new AtomicLong();
    private final AtomicLong endShardsErrors = new AtomicLong();
    private volatile String lastEndShardsError;
    /**
     * The emulator's view of shard ends, and the thread its blocking calls run on; made with the first use, under
     * their own lock (the event loop takes it; {@link #close} holds this object's while it waits for the loop).
     */
    private final Object lookupLock = new Object();
    private ShardEnds ends;
    private ExecutorService lookups;

    /** The SubscribeToShard streams open now; event loop only. */
    private final Set<Back> open = new LinkedHashSet<>();
    private EventLoopGroup group;
    private Channel server;

    /** One SubscribeToShard call as the proxy saw it: when, and the fault it got (null: none). */
    public record Call(long atMillis, Fault fault) {
    }

    public H2FaultProxy(URI target) {
        this.target = target;
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicLong());
        }
    }

    /** Queues {@code times} of {@code fault} for the next SubscribeToShard calls (after those already queued). */
    public H2FaultProxy inject(Fault fault, int times) {
        for (int i = 0; i < times; i++) {
            script.add(fault);
        }
        return this;
    }

    /** How many DATA frames of a subscription's event stream reach the client before a reset fault cuts it. */
    public H2FaultProxy resetAfterFrames(int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be >= 1, got " + frames);
        }
        resetAfterFrames = frames;
        return this;
    }

    /**
     * Cuts every SubscribeToShard stream open now with {@code reset} ({@link Fault#RESET_STREAM} or
     * {@link Fault#RESET_CONNECTION}); returns how many were open. For subscriptions already running, which
     * {@link #inject} (for the next calls) cannot reach.
     */
    public int cutSubscriptions(Fault reset) {
        if (reset != Fault.RESET_STREAM && reset != Fault.RESET_CONNECTION) {
            throw new IllegalArgumentException("not a reset: " + reset);
        }
        requireStarted();
        try {
            return group.submit(() -> {
                List<Back> now = List.copyOf(open);
                now.forEach(b -> b.cut(reset));
                return now.size();
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not cut the subscriptions", e);
        }
    }

    /**
     * From now on, plays what Kinesis does at the end of a closed shard, which the emulator never does: the event
     * of a SubscribeToShard stream whose continuation is the closed shard's last record becomes the final one (no
     * ContinuationSequenceNumber, ChildShards added, records kept) and the stream ends there. See the class comment.
     */
    public H2FaultProxy endShardsLikeKinesis() {
        endShards = true;
        return this;
    }

    /** Subscriptions ended with a final event naming the children ({@link #endShardsLikeKinesis}). */
    public long shardEnds() {
        return shardEnds.get();
    }

    /**
     * Subscriptions that {@link #endShardsLikeKinesis} could not follow (an event stream it could not parse, the
     * emulator not answering its lookups): each was cut with RST_STREAM. A test asserts none.
     */
    public long endShardsErrors() {
        return endShardsErrors.get();
    }

    /** Faults queued and not yet injected. */
    public int pending() {
        return script.size();
    }

    /** How many times {@code fault} was injected (a reset counts once the stream or connection was cut). */
    public long injected(Fault fault) {
        return injected.get(fault).get();
    }

    /** SubscribeToShard calls seen (faulted or not). */
    public long subscribes() {
        return subscribes.get();
    }

    /** Every SubscribeToShard call seen, in order. */
    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** DATA frames of SubscribeToShard event streams relayed to clients. */
    public long eventFrames() {
        return eventFrames.get();
    }

    /** Client connections that spoke HTTP/2 (h2c), and those relayed as they are (HTTP/1.1). */
    public long h2Connections() {
        return h2Connections.get();
    }

    public long http1Connections() {
        return http1Connections.get();
    }

    public URI endpoint() {
        requireStarted();
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort());
    }

    @Override
    protected void doStart() throws InterruptedException {
        group = new NioEventLoopGroup(1, new DefaultThreadFactory("h2-fault-proxy", true));
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Sniffer());
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    @Override
    protected void doStop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        synchronized (lookupLock) {
            if (lookups != null) {
                lookups.shutdownNow();
                ends.close();
                lookups = null;
            }
        }
    }

    /** Runs {@code lookup} off the event loop (it blocks on the emulator), in the order of the calls. */
    private <T> CompletableFuture<T> lookup(Function<ShardEnds, T> lookup) {
        synchronized (lookupLock) {
            if (lookups == null) {
                ends = new ShardEnds(target);
                lookups = Executors.newSingleThreadExecutor(new DefaultThreadFactory("h2-fault-proxy-shard-ends",
                        true));
            }
            ShardEnds e = ends;
            return CompletableFuture.supplyAsync(() -> lookup.apply(e), lookups);
        }
    }

    private Bootstrap connectTarget(Channel client, ChannelInitializer<SocketChannel> init) {
        return new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class).handler(init);
    }

    /** Looks at a new connection's first bytes: the HTTP/2 preface, or anything else (relayed as it is). */
    private final class Sniffer extends ByteToMessageDecoder {
        private boolean decided;

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (decided) {
                return;
            }
            int n = Math.min(in.readableBytes(), PREFACE.length);
            for (int i = 0; i < n; i++) {
                if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                    decided = true;
                    relay(ctx);
                    return;
                }
            }
            if (n == PREFACE.length) {
                decided = true;
                h2(ctx);
            }
        }

        private void relay(ChannelHandlerContext ctx) {
            http1Connections.incrementAndGet();
            Channel client = ctx.channel();
            client.config().setAutoRead(false);
            ChannelFuture up = connectTarget(client, new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new Pipe(client));
                }
            }).connect(target.getHost(), target.getPort());
            up.addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    client.close();
                    return;
                }
                ctx.pipeline().addLast(new Pipe(f.channel()));
                ctx.pipeline().remove(this); // hands the bytes read so far to the pipe
                client.config().setAutoRead(true);
            });
        }

        private void h2(ChannelHandlerContext ctx) {
            h2Connections.incrementAndGet();
            Connection conn = new Connection(ctx.channel());
            ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                    new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel ch) {
                            ch.pipeline().addLast(new Exchange(conn));
                        }
                    }));
            ctx.pipeline().remove(this);
        }
    }

    /** Relays bytes to the other side; closes it when this side closes. */
    private static final class Pipe extends ChannelInboundHandlerAdapter {
        private final Channel other;

        Pipe(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            other.writeAndFlush(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** A client's h2c connection and its own h2c connection to the target, opened at the first request. */
    private final class Connection {
        private final Channel client;
        private ChannelFuture up;

        Connection(Channel client) {
            this.client = client;
            client.closeFuture().addListener(f -> {
                if (up != null) {
                    up.channel().close();
                }
            });
        }

        /** On the event loop. */
        ChannelFuture upstream() {
            if (up == null) {
                up = connectTarget(client, new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                }).connect(target.getHost(), target.getPort());
                up.channel().closeFuture().addListener(f -> client.close());
            }
            return up;
        }

        void reset() {
            // SO_LINGER 0: close() sends RST instead of FIN, "connection reset by peer" on the client.
            client.config().setOption(ChannelOption.SO_LINGER, 0);
            client.close();
        }
    }

    /** One request stream of a client: collected, then answered with a fault or forwarded on a stream of its own. */
    private final class Exchange extends ChannelInboundHandlerAdapter {
        private final Connection conn;
        private Http2Headers headers;
        private CompositeByteBuf body;
        private Http2StreamChannel up;
        private boolean subscribe;

        Exchange(Connection conn) {
            this.conn = conn;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h && headers == null) {
                headers = h.headers();
                body = ctx.alloc().compositeBuffer();
                CharSequence t = headers.get("x-amz-target");
                subscribe = t != null && SUBSCRIBE.contentEquals(t);
                if (h.isEndStream()) {
                    request(ctx);
                }
            } else if (msg instanceof Http2DataFrame d && body != null && up == null) {
                body.addComponent(true, d.content());
                if (d.isEndStream()) {
                    request(ctx);
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        private void request(ChannelHandlerContext ctx) {
            Fault fault = null;
            if (subscribe) {
                subscribes.incrementAndGet();
                fault = script.poll();
                calls.add(new Call(System.currentTimeMillis(), fault));
            }
            if (fault == Fault.RESOURCE_IN_USE) {
                error(ctx, fault, 400, "ResourceInUseException",
                        "Another active subscription exists for this consumer and shard (injected)");
            } else if (fault == Fault.LIMIT_EXCEEDED) {
                error(ctx, fault, 400, "LimitExceededException",
                        "Rate exceeded for consumer and shard: 1 SubscribeToShard call per second (injected)");
            } else if (fault == Fault.SERVER_ERROR) {
                error(ctx, fault, 500, "InternalFailure", "Internal service failure (injected)");
            } else {
                forward(ctx, fault, subscribe && endShards ? ending() : null);
            }
        }

        private void error(ChannelHandlerContext ctx, Fault fault, int status, String type, String message) {
            injected.get(fault).incrementAndGet();
            body.release();
            CharSequence ct = headers.get("content-type");
            FaultProxy.Response r = FaultProxy.awsJson(ct == null ? null : ct.toString(), status, type, message,
                    "application/x-amz-json-1.1");
            Http2Headers h = new DefaultHttp2Headers().status(String.valueOf(status));
            for (String[] kv : r.headers()) {
                h.add(kv[0].toLowerCase(Locale.ROOT), kv[1]);
            }
            h.addInt("content-length", r.body().length);
            ctx.write(new DefaultHttp2HeadersFrame(h));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(r.body()), true));
        }

        /** The shard whose end is to be played; null (the call relayed as it is, an error counted) if unreadable. */
        private ShardSubscription ending() {
            try {
                return ShardSubscription.of(headers, body);
            } catch (RuntimeException e) {
                endShardsErrors.incrementAndGet();
                lastEndShardsError = "SubscribeToShard request: " + e;
                return null;
            }
        }

        private void forward(ChannelHandlerContext ctx, Fault reset, ShardSubscription ending) {
            Channel client = ctx.channel();
            conn.upstream().addListener((ChannelFutureListener) c -> {
                if (!c.isSuccess()) {
                    body.release();
                    client.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
                    return;
                }
                new Http2StreamChannelBootstrap(c.channel()).handler(new Back(conn, client, subscribe, reset, ending)).open()
                        .addListener(o -> {
                            if (!o.isSuccess()) {
                                body.release();
                                client.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
                                return;
                            }
                            up = (Http2StreamChannel) o.getNow();
                            boolean empty = !body.isReadable();
                            up.write(new DefaultHttp2HeadersFrame(headers, empty));
                            if (empty) {
                                body.release();
                            } else {
                                up.write(new DefaultHttp2DataFrame(body, true));
                            }
                            up.flush();
                            up.config().setAutoRead(client.isWritable());
                        });
            });
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (up != null) {
                up.config().setAutoRead(ctx.channel().isWritable());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // The client cancelled (or the stream ended): the target's stream goes too.
            if (up != null) {
                up.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * The stream and shard a SubscribeToShard call names, from its body: JSON ({@code application/x-amz-json-1.1},
     * what the async client of SDK 2.51 sends for this call), or CBOR should a client send that.
     */
    private record ShardSubscription(String stream, String shardId) {

        static ShardSubscription of(Http2Headers headers, ByteBuf body) {
            byte[] bytes = ByteBufUtil.getBytes(body, body.readerIndex(), body.readableBytes());
            CharSequence ct = headers.get("content-type");
            String consumerArn;
            String shardId;
            if (ct != null && ct.toString().contains("cbor")) {
                Map<?, ?> m = (Map<?, ?>) Cbor.decode(bytes);
                consumerArn = (String) m.get("ConsumerARN");
                shardId = (String) m.get("ShardId");
            } else {
                JsonNode n = readJson(bytes);
                consumerArn = n.path("ConsumerARN").asText(null);
                shardId = n.path("ShardId").asText(null);
            }
            if (consumerArn == null || shardId == null) {
                throw new IllegalArgumentException("SubscribeToShard request (" + ct + ") without ConsumerARN or ShardId");
            }
            return new ShardSubscription(ShardEnds.streamOf(consumerArn), shardId);
        }
    }

    private static JsonNode readJson(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The target's answer on one stream, relayed to the client's stream; cuts it when a reset is due. */
    private final class Back extends ChannelInboundHandlerAdapter {
        private final Connection conn;
        private final Channel client;
        private final boolean subscribe;
        private final Fault reset;
        /** With {@link #endShardsLikeKinesis}: the subscription's shard, whose end is played; else null. */
        private final ShardSubscription ending;
        private ChannelHandlerContext ctx;
        private int frames;
        private boolean cut;
        // With ending only: the event stream cut into messages, each passed on once it is known not to be the last.
        private EventStreamCodec.Splitter splitter;
        /** A shard-end lookup is under way for the message at the head; later bytes wait behind it. */
        private boolean looking;
        /** The final event was sent (or the stream was given up): the rest from the target is dropped. */
        private boolean finished;
        /** How the target ended its stream, passed on once every message before it was: END_STREAM or trailers. */
        private Object targetEnd;
        private boolean targetGone;

        Back(Connection conn, Channel client, boolean subscribe, Fault reset, ShardSubscription ending) {
            this.conn = conn;
            this.client = client;
            this.subscribe = subscribe;
            this.reset = reset;
            this.ending = ending;
            if (ending != null) {
                splitter = new EventStreamCodec.Splitter();
            }
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            if (subscribe) {
                open.add(this);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (ending != null && (finished || cut)) {
                ReferenceCountUtil.release(msg);
            } else if (msg instanceof Http2HeadersFrame h) {
                if (ending != null && (looking || splitter.buffered() > 0)) {
                    targetEnd = h; // trailers, behind the messages still held
                    pump();
                } else {
                    client.writeAndFlush(new DefaultHttp2HeadersFrame(h.headers(), h.isEndStream()));
                }
            } else if (msg instanceof Http2DataFrame d) {
                if (ending == null) {
                    relay(d.content(), d.isEndStream());
                    return;
                }
                splitter.add(ByteBufUtil.getBytes(d.content()));
                if (d.isEndStream()) {
                    targetEnd = d;
                }
                d.release();
                pump();
            } else if (msg instanceof Http2ResetFrame r) {
                finished = true;
                client.writeAndFlush(new DefaultHttp2ResetFrame(r.errorCode()));
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        /** A DATA frame to the client, counted; cuts the stream when its reset fault is due. */
        private void relay(ByteBuf content, boolean endStream) {
            client.writeAndFlush(new DefaultHttp2DataFrame(content, endStream));
            if (subscribe) {
                eventFrames.incrementAndGet();
                if (reset != null && ++frames == resetAfterFrames) {
                    cut(reset);
                }
            }
        }

        /**
         * Passes on the whole messages held, in order, each SubscribeToShardEvent only once the emulator said
         * whether it ends the shard; then how the target ended, if it did. On the event loop.
         */
        private void pump() {
            try {
                while (!looking && !finished && !cut) {
                    EventStreamCodec.Message m = splitter.next();
                    if (m == null) {
                        break;
                    }
                    String continuation = continuation(m);
                    if (continuation == null) {
                        relay(Unpooled.wrappedBuffer(m.raw()), false);
                        continue;
                    }
                    looking = true;
                    lookup(e -> e.find(ending.stream(), ending.shardId())).whenComplete((end, error) ->
                            ctx.executor().execute(() -> {
                                looking = false;
                                if (error != null) {
                                    giveUp(error);
                                    return;
                                }
                                if (!finished && !cut) {
                                    decide(m, continuation, end);
                                }
                                pump();
                            }));
                }
            } catch (RuntimeException e) {
                giveUp(e);
                return;
            }
            if (looking || finished || cut) {
                return;
            }
            if (targetEnd instanceof Http2HeadersFrame h) {
                relay(Unpooled.wrappedBuffer(splitter.drain()), false);
                client.writeAndFlush(new DefaultHttp2HeadersFrame(h.headers(), h.isEndStream()));
            } else if (targetEnd != null) {
                relay(Unpooled.wrappedBuffer(splitter.drain()), true);
            } else if (targetGone) {
                client.close();
            }
        }

        /** The continuation of a SubscribeToShardEvent message; null for any other message. */
        private String continuation(EventStreamCodec.Message m) {
            if (!"event".equals(m.header(":message-type"))
                    || !"SubscribeToShardEvent".equals(m.header(":event-type"))) {
                return null;
            }
            return event(m).path("ContinuationSequenceNumber").asText(null);
        }

        private ObjectNode event(EventStreamCodec.Message m) {
            String ct = m.header(":content-type");
            if (ct == null || !ct.contains("json")) {
                throw new IllegalStateException("SubscribeToShardEvent payload of type " + ct + " on " + ending
                        + ": only JSON events (kinesis-local's) can be rewritten");
            }
            return (ObjectNode) readJson(m.payload());
        }

        /**
         * Passes the event on as it is, or, when the shard is closed and the event's continuation is its last
         * record's (or, without records, its starting sequence number), as the final event; then ends the stream.
         */
        private void decide(EventStreamCodec.Message m, String continuation, ShardEnds.End end) {
            if (end == null || !continuation.equals(end.lastContinuation())) {
                relay(Unpooled.wrappedBuffer(m.raw()), false);
                return;
            }
            ObjectNode e = event(m);
            e.remove("ContinuationSequenceNumber");
            ArrayNode children = e.putArray("ChildShards");
            for (ShardEnds.Child c : end.children()) {
                ObjectNode child = children.addObject();
                child.put("ShardId", c.shardId());
                c.parentShards().forEach(child.putArray("ParentShards")::add);
                child.putObject("HashKeyRange").put("StartingHashKey", c.startingHashKey())
                        .put("EndingHashKey", c.endingHashKey());
            }
            byte[] last;
            try {
                last = m.withPayload(JSON.writeValueAsBytes(e));
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
            finished = true;
            open.remove(this);
            shardEnds.incrementAndGet();
            eventFrames.incrementAndGet();
            // END_STREAM with the final event: the subscription completes, as on Kinesis; the target's stream
            // (still open on the emulator, which would go on sending) is cancelled once that is written.
            client.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(last), true))
                    .addListener(f -> ctx.close());
        }

        /** The event stream could not be followed: the client's stream is cut, and the error counted. */
        private void giveUp(Throwable error) {
            if (finished || cut) {
                return;
            }
            finished = true;
            open.remove(this);
            endShardsErrors.incrementAndGet();
            lastEndShardsError = ending + ": " + error;
            client.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
            ctx.close();
        }

        /** On the event loop. */
        void cut(Fault how) {
            if (cut) {
                return;
            }
            cut = true;
            open.remove(this);
            injected.get(how).incrementAndGet();
            if (how == Fault.RESET_CONNECTION) {
                conn.reset();
            } else {
                client.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.remove(this);
            if (reset != null && !cut) {
                script.addFirst(reset);
            }
            // The target's stream ended (or was reset): the client's stream ends too, if it has not yet; after the
            // messages still held, if any.
            if (ending != null && !finished && !cut && (looking || splitter.buffered() > 0)) {
                targetGone = true;
            } else if (!finished) {
                client.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public String toString() {
        return "H2FaultProxy[-> " + target + ", subscribes=" + subscribes + ", injected=" + injected
                + ", eventFrames=" + eventFrames + ", h2Connections=" + h2Connections + ", http1Connections="
                + http1Connections + (endShards ? ", shardEnds=" + shardEnds + ", endShardsErrors=" + endShardsErrors
                + (lastEndShardsError == null ? "" : " (last: " + lastEndShardsError + ")") : "") + "]";
    }
}
