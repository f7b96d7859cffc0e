package io.lessor.server.engine;

import com.google.protobuf.ByteString;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.PutRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.context.Clock;
import io.lessor.server.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of {@link CrashSafetyTest}: writes from several threads until it is killed,
 * and prints one line per acknowledged write. Arguments: the data directory and the first
 * operation number.
 *
 * <p>Lines: {@code ACK PUT <key> <revision>}, {@code ACK TXN <prefix> <revision>} for a txn that
 * wrote {@code <prefix>/a} and {@code <prefix>/b}, and {@code ACK LEASE <id>}.
 */
public final class CrashWriter {

    private static final int THREADS = 8;

    private CrashWriter() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(args[0]);
        AtomicLong next = new AtomicLong(Long.parseLong(args[1]));
        LocalEngine engine = LocalEngine.open(ServerConfig.defaults(dataDir), Clock.system());
        System.out.println("READY");

        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (true) {
                    writeOne(engine, next.getAndIncrement());
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private static void writeOne(LocalEngine engine, long n) {
        switch ((int) (n % 3)) {
            case 0 -> {
                String key = "k/" + n;
                long revision = engine.put(put(key, "v/" + n, 0)).join().getHeader().getRevision();
                print("ACK PUT " + key + " " + revision);
            }
            case 1 -> {
                String prefix = "t/" + n;
                TxnRequest txn = TxnRequest.newBuilder()
                        .addSuccess(RequestOp.newBuilder().setRequestPut(put(prefix + "/a", "v/" + n, 0)))
                        .addSuccess(RequestOp.newBuilder().setRequestPut(put(prefix + "/b", "v/" + n, 0)))
                        .build();
                long revision = engine.txn(txn).join().getHeader().getRevision();
                print("ACK TXN " + prefix + " " + revision);
            }
            default -> {
                long id = n + 1;
                engine.leaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(600).build()).join();
                print("ACK LEASE " + id);
                String key = "l/" + n;
                long revision = engine.put(put(key, "v/" + n, id)).join().getHeader().getRevision();
                print("ACK PUT " + key + " " + revision);
            }
        }
    }

    private static PutRequest put(String key, String value, long leaseId) {
        return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))
                .setLease(leaseId).build();
    }

    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
        }
    }
}
