package io.lessor.server.engine;

import com.google.protobuf.ByteString;
import io.lessor.api.KeyValue;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.context.Clock;
import io.lessor.server.ServerConfig;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link SmallHeapTest}: puts more large values than its heap could hold,
 * reads each back, reopens the engine and reads each again. Arguments: the data directory, the
 * number of values and their size in bytes. Prints {@code OK <count>} when every value read back
 * whole, and exits with 1 on the first mismatch.
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
        }
        System.out.println("OK " + count);
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
