package io.lessor.server.engine;

import com.google.protobuf.ByteString;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.KeyValue;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseRevokeRequest;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.context.Clock;
import io.lessor.server.ServerConfig;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link SmallHeapTest}: puts more large values than its heap could hold,
 * reads each back, reopens the engine and reads each again. Then it reads every key with
 * keys_only, deletes them all in one DeleteRange, and revokes a lease whose keys hold as many
 * large values. Arguments: the data directory, the number of values and their size in bytes.
 * Prints {@code OK <count>} when every step succeeded, and exits with 1 at the first mismatch.
 */
public final class LargeValuesWriter {

    private LargeValuesWriter() {
    }

    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        ServerConfig config = ServerConfig.defaults(dataDir);

        try (LocalEngine engine = LocalEngine.open(config, Clock.system())) {
            for (int i = 0; i < count; i++) {
                engine.put(PutRequest.newBuilder().setKey(key(i)).setValue(value(i, size)).build()).join();
            }
            verify(engine, count, size, "after the puts");
        }
        try (LocalEngine engine = LocalEngine.open(config, Clock.system())) {
            verify(engine, count, size, "after a restart");
            removeAll(engine, count, size);
        }
        System.out.println("OK " + count);
    }

    private static void removeAll(LocalEngine engine, int count, int size) {
        RangeRequest everyKey = RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("large/"))
                .setRangeEnd(ByteString.copyFromUtf8("large0")).setKeysOnly(true).build();
        check(engine.range(everyKey).join().getKvsCount() == count, "keys_only range");

        long deleted = engine.deleteRange(DeleteRangeRequest.newBuilder().setKey(everyKey.getKey())
                .setRangeEnd(everyKey.getRangeEnd()).build()).join().getDeleted();
        check(deleted == count, "one DeleteRange of every key");

        long leaseId = engine.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(600).build()).join().getID();
        for (int i = 0; i < count; i++) {
            engine.put(PutRequest.newBuilder().setKey(key(i)).setValue(value(i, size)).setLease(leaseId).build()).join();
        }
        engine.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(leaseId).build()).join();
        check(engine.range(everyKey).join().getKvsCount() == 0, "revoke of the lease of every key");

        engine.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("after")).setValue(ByteString.copyFromUtf8("ok"))
                .build()).join();
    }

    private static void check(boolean passed, String step) {
        if (!passed) {
            System.out.println("MISMATCH at the " + step);
            System.exit(1);
        }
    }

    private static void verify(LocalEngine engine, int count, int size, String when) {
        for (int i = 0; i < count; i++) {
            KeyValue kv = engine.range(RangeRequest.newBuilder().setKey(key(i)).build()).join().getKvs(0);
            if (!kv.getValue().equals(value(i, size))) {
                System.out.println("MISMATCH " + when + " at value " + i);
                System.exit(1);
            }
        }
    }

    private static ByteString key(int i) {
        return ByteString.copyFromUtf8(String.format("large/%05d", i));
    }

    /** Returns random bytes seeded by the index, so neither compression nor sharing can shrink them. */
    private static ByteString value(int i, int size) {
        byte[] bytes = new byte[size];
        new Random(i).nextBytes(bytes);
        return ByteString.copyFrom(bytes);
    }
}
