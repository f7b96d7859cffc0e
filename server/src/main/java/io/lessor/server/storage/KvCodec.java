package io.lessor.server.storage;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.lessor.api.KeyValue;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The layout of the {@code kv} column family. A record's key is its revision: 8 bytes of main
 * revision then 8 bytes of sub revision, both big-endian, so RocksDB's bytewise order is
 * revision order. A record's value is one marker byte ({@link #PUT} or {@link #TOMBSTONE})
 * followed by the serialized {@link KeyValue}; a tombstone's {@code KeyValue} holds only the
 * key and the mod revision of the delete.
 *
 * <p>Thread-safety: stateless.
 */
public final class KvCodec {

    /** The marker byte of a record written by a put. */
    public static final byte PUT = 'p';
    /** The marker byte of a record written by a delete. */
    public static final byte TOMBSTONE = 't';

    private static final int REVISION_KEY_BYTES = 16;

    private KvCodec() {
    }

    /** A decoded record of the kv column family. */
    public record Record(long mainRevision, long subRevision, boolean tombstone, KeyValue kv) {
    }

    /** Encodes a revision as the 16-byte record key. */
    public static byte[] revisionKey(long mainRevision, long subRevision) {
        byte[] key = new byte[REVISION_KEY_BYTES];
        putLong(key, 0, mainRevision);
        putLong(key, 8, subRevision);
        return key;
    }

    /** Returns the main revision of a record key. */
    public static long mainRevision(byte[] revisionKey) {
        return getLong(revisionKey, 0);
    }

    /** Returns the sub revision of a record key. */
    public static long subRevision(byte[] revisionKey) {
        return getLong(revisionKey, 8);
    }

    /** Encodes the value of a record: the marker byte, then {@code kv}. */
    public static byte[] encodeValue(boolean tombstone, KeyValue kv) {
        int size = kv.getSerializedSize();
        byte[] value = new byte[1 + size];
        value[0] = tombstone ? TOMBSTONE : PUT;
        CodedOutputStream out = CodedOutputStream.newInstance(value, 1, size);
        try {
            kv.writeTo(out);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("serializing a KeyValue into a sized array failed", e);
        }
        return value;
    }

    /** Returns whether an encoded record value is a tombstone. */
    public static boolean isTombstone(byte[] value) {
        return value[0] == TOMBSTONE;
    }

    /** Decodes the {@code KeyValue} of an encoded record value. */
    public static KeyValue decodeKeyValue(byte[] value) {
        if (value.length == 0 || (value[0] != PUT && value[0] != TOMBSTONE)) {
            throw new IllegalStateException("kv record has no valid marker byte; the data is corrupt");
        }
        try {
            return KeyValue.parser().parseFrom(value, 1, value.length - 1);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("kv record does not parse as a KeyValue; the data is corrupt", e);
        }
    }

    /** Decodes a whole record from its key and value. */
    public static Record decode(byte[] key, byte[] value) {
        return new Record(mainRevision(key), subRevision(key), isTombstone(value), decodeKeyValue(value));
    }

    /** Encodes a long as 8 big-endian bytes. */
    public static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        putLong(bytes, 0, value);
        return bytes;
    }

    /** Decodes 8 big-endian bytes at {@code offset}. */
    public static long getLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xff);
        }
        return value;
    }

    static void putLong(byte[] bytes, int offset, long value) {
        for (int i = 7; i >= 0; i--) {
            bytes[offset + i] = (byte) value;
            value >>>= 8;
        }
    }

    /** Decodes 4 big-endian bytes at {@code offset}. */
    static int getInt(byte[] bytes, int offset) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xff);
        }
        return value;
    }

    static void putInt(byte[] bytes, int offset, int value) {
        for (int i = 3; i >= 0; i--) {
            bytes[offset + i] = (byte) value;
            value >>>= 8;
        }
    }
}
