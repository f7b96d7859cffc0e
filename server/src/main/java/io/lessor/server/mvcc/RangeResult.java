package io.lessor.server.mvcc;

import io.lessor.api.KeyValue;
import java.util.List;

/**
 * The live keys of a range at one revision.
 *
 * @param kvs the live keys in ascending key order, at most the limit that was requested; empty
 *     for a count-only read
 * @param count the number of live keys in the range, regardless of the limit
 * @param revision the revision to report in the response header
 */
public record RangeResult(List<KeyValue> kvs, long count, long revision) {
}
