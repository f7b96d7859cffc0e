package io.lessor.server.mvcc;

import com.google.protobuf.ByteString;
import io.lessor.api.KeyValue;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeRequest.SortOrder;
import io.lessor.api.RangeRequest.SortTarget;
import io.lessor.api.RangeResponse;
import io.lessor.api.ResponseHeader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Runs a {@link RangeRequest} against a {@link ReadView} with etcd's rules for limits,
 * revision filters, sorting and {@code keys_only}.
 *
 * <p>etcd's rules, as of etcd 3.4 to 3.6 ({@code server/etcdserver/txn/range.go}):
 * <ul>
 *   <li>{@code count} is the number of keys in the range at the revision, before the
 *       min/max revision filters and before the limit;
 *   <li>with a sort other than ascending by key, or with a revision filter, every key is read,
 *       then filtered, sorted and cut to the limit; {@code more} is set when the cut dropped keys;
 *   <li>sort order NONE with a target other than KEY sorts ascending; KEY with NONE or ASCEND
 *       keeps the natural ascending key order;
 *   <li>{@code keys_only} clears the values.
 * </ul>
 *
 * <p>Thread-safety: stateless.
 */
public final class RangeQuery {

    private RangeQuery() {
    }

    /**
     * Runs {@code request}; the response header holds only the revision.
     *
     * @throws io.lessor.server.EtcdException as {@link ReadView#range} does
     */
    public static RangeResponse execute(ReadView view, RangeRequest request) {
        SortTarget target = request.getSortTarget();
        SortOrder order = request.getSortOrder();
        if (target != SortTarget.KEY && order == SortOrder.NONE) {
            order = SortOrder.ASCEND;
        }
        boolean naturalOrder = order == SortOrder.NONE || (target == SortTarget.KEY && order == SortOrder.ASCEND);
        boolean filtered = request.getMinModRevision() != 0 || request.getMaxModRevision() != 0
                || request.getMinCreateRevision() != 0 || request.getMaxCreateRevision() != 0;

        // Read one key past the limit, so that `more` is set only when keys were left out.
        long readLimit = naturalOrder && !filtered ? request.getLimit() : 0;
        if (readLimit > 0 && readLimit < Long.MAX_VALUE) {
            readLimit++;
        }
        // Sorting by value needs the values even when only the keys are returned.
        boolean keysOnly = request.getKeysOnly() && target != SortTarget.VALUE;
        RangeResult result = view.range(request.getKey(), request.getRangeEnd(), request.getRevision(), readLimit,
                request.getCountOnly(), keysOnly);

        List<KeyValue> kvs = result.kvs();
        if (filtered) {
            kvs = new ArrayList<>(kvs);
            removeIf(kvs, request.getMaxModRevision() != 0, kv -> kv.getModRevision() > request.getMaxModRevision());
            removeIf(kvs, request.getMinModRevision() != 0, kv -> kv.getModRevision() < request.getMinModRevision());
            removeIf(kvs, request.getMaxCreateRevision() != 0,
                    kv -> kv.getCreateRevision() > request.getMaxCreateRevision());
            removeIf(kvs, request.getMinCreateRevision() != 0,
                    kv -> kv.getCreateRevision() < request.getMinCreateRevision());
        }
        if (!naturalOrder) {
            kvs = sorted(kvs, target, order);
        }

        RangeResponse.Builder response = RangeResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(result.revision()))
                .setCount(result.count());
        long limit = request.getLimit();
        if (limit > 0 && kvs.size() > limit) {
            kvs = kvs.subList(0, (int) limit);
            response.setMore(true);
        }
        if (request.getKeysOnly()) {
            for (KeyValue kv : kvs) {
                response.addKvs(kv.toBuilder().clearValue());
            }
        } else {
            response.addAllKvs(kvs);
        }
        return response.build();
    }

    private static void removeIf(List<KeyValue> kvs, boolean active, Predicate<KeyValue> drop) {
        if (active) {
            kvs.removeIf(drop);
        }
    }

    private static List<KeyValue> sorted(List<KeyValue> kvs, SortTarget target, SortOrder order) {
        List<KeyValue> copy = new ArrayList<>(kvs);
        if (target == SortTarget.KEY && order == SortOrder.DESCEND) {
            // The view returns keys in ascending order already.
            Collections.reverse(copy);
            return copy;
        }
        Comparator<KeyValue> comparator = switch (target) {
            case KEY -> Comparator.comparing(KeyValue::getKey, ByteString.unsignedLexicographicalComparator());
            case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
            case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
            case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
            case VALUE -> Comparator.comparing(KeyValue::getValue, ByteString.unsignedLexicographicalComparator());
            case UNRECOGNIZED -> throw new IllegalArgumentException("unknown sort target; validate requests first");
        };
        copy.sort(order == SortOrder.DESCEND ? comparator.reversed() : comparator);
        return copy;
    }
}
