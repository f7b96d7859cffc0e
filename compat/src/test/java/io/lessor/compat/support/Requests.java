package io.lessor.compat.support;

import com.google.protobuf.ByteString;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseKeepAliveRequest;
import io.lessor.api.LeaseLeasesRequest;
import io.lessor.api.LeaseRevokeRequest;
import io.lessor.api.LeaseTimeToLiveRequest;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;

/** Builders for the requests that scenarios send most, so the scenarios read as steps. */
public final class Requests {

    private Requests() {
    }

    /** Returns the UTF-8 bytes of {@code text}. */
    public static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    /** Returns the key just after every key that starts with {@code prefix}, for range_end. */
    public static ByteString prefixEnd(String prefix) {
        byte[] end = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        // Every byte is 0xff: the range runs to the end of the key space.
        return ByteString.copyFrom(new byte[] {0});
    }

    public static LeaseGrantRequest grant(long ttlSeconds) {
        return LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build();
    }

    public static LeaseGrantRequest grant(long id, long ttlSeconds) {
        return LeaseGrantRequest.newBuilder().setID(id).setTTL(ttlSeconds).build();
    }

    public static LeaseRevokeRequest revoke(long id) {
        return LeaseRevokeRequest.newBuilder().setID(id).build();
    }

    public static LeaseTimeToLiveRequest timeToLive(long id) {
        return LeaseTimeToLiveRequest.newBuilder().setID(id).build();
    }

    public static LeaseTimeToLiveRequest timeToLiveWithKeys(long id) {
        return LeaseTimeToLiveRequest.newBuilder().setID(id).setKeys(true).build();
    }

    public static LeaseKeepAliveRequest keepAlive(long id) {
        return LeaseKeepAliveRequest.newBuilder().setID(id).build();
    }

    public static LeaseLeasesRequest leases() {
        return LeaseLeasesRequest.getDefaultInstance();
    }

    public static PutRequest put(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
    }

    public static PutRequest put(String key, String value, long leaseId) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).setLease(leaseId).build();
    }

    public static RangeRequest get(String key) {
        return RangeRequest.newBuilder().setKey(bytes(key)).build();
    }

    public static RangeRequest getPrefix(String prefix) {
        return RangeRequest.newBuilder().setKey(bytes(prefix)).setRangeEnd(prefixEnd(prefix)).build();
    }

    public static RangeRequest countPrefix(String prefix) {
        return getPrefix(prefix).toBuilder().setCountOnly(true).build();
    }

    public static DeleteRangeRequest delete(String key) {
        return DeleteRangeRequest.newBuilder().setKey(bytes(key)).build();
    }
}
