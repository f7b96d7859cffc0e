package io.lessor.server.gateway;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.stub.ClientCalls;
import io.lessor.api.KVGrpc;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeResponse;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health}: {@code {"health":"true"}} if a Range of key "health" succeeds within a
 * second, as etcd checks its own health with a read, else 503 with {@code {"health":"false"}}.
 */
final class HealthExchange extends Exchange {

    private static final long TIMEOUT_SECONDS = 1;

    private ListenableFuture<RangeResponse> range;

    HealthExchange(GatewayHandler handler, HttpVersion version, boolean keepAlive) {
        super(handler, version, keepAlive);
    }

    @Override
    void begin() {
        RangeRequest request = RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("health")).build();
        range = ClientCalls.futureUnaryCall(handler.gateway().channel().newCall(KVGrpc.getRangeMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS)), request);
        range.addListener(this::answer, handler.context().executor());
    }

    private void answer() {
        boolean healthy;
        try {
            range.get();
            healthy = true;
        } catch (ExecutionException | CancellationException e) {
            healthy = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            healthy = false;
        }
        String body = healthy ? "{\"health\":\"true\"}" : "{\"health\":\"false\"}";
        FullHttpResponse response = new DefaultFullHttpResponse(version,
                healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        HttpHeaders headers = response.headers();
        headers.add("Access-Control-Allow-Headers", "accept, content-type, authorization");
        headers.add("Access-Control-Allow-Methods", "POST, GET, OPTIONS, PUT, DELETE");
        headers.add("Access-Control-Allow-Origin", "*");
        headers.add("Date", DateFormatter.format(new Date()));
        headers.add("Content-Length", body.length());
        // etcd sets no content type here; Go's server sniffs one from the body and adds it last.
        headers.add("Content-Type", HttpResponses.TEXT);
        handler.writeAndFinish(this, response);
    }

    @Override
    void body(HttpContent content, boolean last) {
        // A health check has no body.
    }

    @Override
    void cancel() {
        if (range != null) {
            range.cancel(true);
        }
    }
}
