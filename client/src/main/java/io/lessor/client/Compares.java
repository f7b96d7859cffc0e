package io.lessor.client;

import com.google.protobuf.ByteString;
import io.lessor.api.Compare;
import java.util.Objects;

/**
 * The compares of a {@link Txn}, as etcd's {@link Compare} messages: pick what to compare, the
 * key or range it applies to, then the operator and the operand.
 *
 * <pre>{@code
 * Compares.value(key).equal(expected)               // the key's value is `expected`
 * Compares.version(key).equal(0)                    // the key does not exist
 * Compares.modRevision(key).less(revision)          // not changed since `revision`
 * Compares.lease(key).notEqual(0)                   // attached to a lease
 * Compares.createRevision(prefix).withPrefix().greater(0)  // every key under `prefix`
 * }</pre>
 *
 * <p>A compare on a missing key compares against version, create revision, mod revision and
 * lease 0, so {@code version(key).equal(0)} holds for a key that does not exist. A compare of
 * the value of a missing key always fails, whatever the operator, because etcd 3.4 has no way to
 * express a missing value. A compare on a range holds only if it holds for every key in it, and
 * on an empty range it behaves as on a missing key.
 */
public final class Compares {

    private Compares() {
    }

    /** Compares the value of the key, as bytes in unsigned lexicographic order. */
    public static ValueOperand value(ByteString key) {
        return new ValueOperand(key, ByteString.EMPTY);
    }

    /** Compares the version of the key: how many times it was written since it was created; 0 if absent. */
    public static NumberOperand version(ByteString key) {
        return new NumberOperand(key, ByteString.EMPTY, Compare.CompareTarget.VERSION);
    }

    /** Compares the revision at which the key was created; 0 if absent. */
    public static NumberOperand createRevision(ByteString key) {
        return new NumberOperand(key, ByteString.EMPTY, Compare.CompareTarget.CREATE);
    }

    /** Compares the revision at which the key was last modified; 0 if absent. */
    public static NumberOperand modRevision(ByteString key) {
        return new NumberOperand(key, ByteString.EMPTY, Compare.CompareTarget.MOD);
    }

    /** Compares the id of the lease the key is attached to; 0 if none or absent. */
    public static NumberOperand lease(ByteString key) {
        return new NumberOperand(key, ByteString.EMPTY, Compare.CompareTarget.LEASE);
    }

    private static Compare.Builder compare(ByteString key, ByteString rangeEnd, Compare.CompareTarget target,
            Compare.CompareResult result) {
        return Compare.newBuilder().setKey(key).setRangeEnd(rangeEnd).setTarget(target).setResult(result);
    }

    /** A compare of a value, waiting for its operator. */
    public static final class ValueOperand {
        private final ByteString key;
        private final ByteString rangeEnd;

        private ValueOperand(ByteString key, ByteString rangeEnd) {
            this.key = Objects.requireNonNull(key, "key");
            this.rangeEnd = rangeEnd;
        }

        /** Returns a copy that compares every key starting with the key. */
        public ValueOperand withPrefix() {
            return new ValueOperand(key, KeyRanges.prefixEnd(key));
        }

        /** Returns a copy that compares every key greater than or equal to the key. */
        public ValueOperand withFromKey() {
            return new ValueOperand(key, KeyRanges.FROM_KEY_END);
        }

        /** Returns a copy that compares the keys from the key up to {@code rangeEnd}, exclusive. */
        public ValueOperand until(ByteString rangeEnd) {
            return new ValueOperand(key, Objects.requireNonNull(rangeEnd, "rangeEnd"));
        }

        /** Holds if the value is {@code value}. */
        public Compare equal(ByteString value) {
            return build(Compare.CompareResult.EQUAL, value);
        }

        /** Holds if the value is not {@code value}. */
        public Compare notEqual(ByteString value) {
            return build(Compare.CompareResult.NOT_EQUAL, value);
        }

        /** Holds if the value sorts after {@code value}. */
        public Compare greater(ByteString value) {
            return build(Compare.CompareResult.GREATER, value);
        }

        /** Holds if the value sorts before {@code value}. */
        public Compare less(ByteString value) {
            return build(Compare.CompareResult.LESS, value);
        }

        private Compare build(Compare.CompareResult result, ByteString value) {
            Objects.requireNonNull(value, "value");
            return compare(key, rangeEnd, Compare.CompareTarget.VALUE, result).setValue(value).build();
        }
    }

    /** A compare of a version, a revision or a lease id, waiting for its operator. */
    public static final class NumberOperand {
        private final ByteString key;
        private final ByteString rangeEnd;
        private final Compare.CompareTarget target;

        private NumberOperand(ByteString key, ByteString rangeEnd, Compare.CompareTarget target) {
            this.key = Objects.requireNonNull(key, "key");
            this.rangeEnd = rangeEnd;
            this.target = target;
        }

        /** Returns a copy that compares every key starting with the key. */
        public NumberOperand withPrefix() {
            return new NumberOperand(key, KeyRanges.prefixEnd(key), target);
        }

        /** Returns a copy that compares every key greater than or equal to the key. */
        public NumberOperand withFromKey() {
            return new NumberOperand(key, KeyRanges.FROM_KEY_END, target);
        }

        /** Returns a copy that compares the keys from the key up to {@code rangeEnd}, exclusive. */
        public NumberOperand until(ByteString rangeEnd) {
            return new NumberOperand(key, Objects.requireNonNull(rangeEnd, "rangeEnd"), target);
        }

        /** Holds if the number is {@code number}. */
        public Compare equal(long number) {
            return build(Compare.CompareResult.EQUAL, number);
        }

        /** Holds if the number is not {@code number}. */
        public Compare notEqual(long number) {
            return build(Compare.CompareResult.NOT_EQUAL, number);
        }

        /** Holds if the number is greater than {@code number}. */
        public Compare greater(long number) {
            return build(Compare.CompareResult.GREATER, number);
        }

        /** Holds if the number is less than {@code number}. */
        public Compare less(long number) {
            return build(Compare.CompareResult.LESS, number);
        }

        private Compare build(Compare.CompareResult result, long number) {
            Compare.Builder builder = compare(key, rangeEnd, target, result);
            switch (target) {
                case VERSION -> builder.setVersion(number);
                case CREATE -> builder.setCreateRevision(number);
                case MOD -> builder.setModRevision(number);
                case LEASE -> builder.setLease(number);
                default -> throw new IllegalStateException("not a numeric compare target: " + target);
            }
            return builder.build();
        }
    }
}
