package io.lessor.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import io.lessor.compat.support.Differential;
import io.lessor.compat.support.OnBothTargets;
import io.lessor.compat.support.TargetKind;
import io.lessor.testing.LeakCheck;
import io.lessor.testing.LeakCheckExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** jetcd-core 0.8.6 as a client: grant, put with a lease, keep-alive, revoke. */
@ExtendWith(LeakCheckExtension.class)
// jetcd's close submits work to Netty's JVM-wide GlobalEventExecutor. Its thread exits after
// a second without tasks, which on a loaded machine can exceed the check's wait.
@LeakCheck(ignoreThreads = "globalEventExecutor-\\d+-\\d+")
class JetcdCompatTest {

    private static final long TTL_SECONDS = 2;
    private static final long CALL_TIMEOUT_SECONDS = 10;

    @RegisterExtension
    final Differential differential = new Differential();

    @OnBothTargets
    void keepAliveHoldsKeyUntilStopped(TargetKind kind) throws Exception {
        differential.withTarget(kind, target -> {
            try (Client client = Client.builder().endpoints(target.endpoint()).build()) {
                Lease lease = client.getLeaseClient();
                KV kv = client.getKVClient();
                ByteSequence key = bytes("jetcd/held");

                // given a key on a lease with the minimum TTL
                long id = lease.grant(TTL_SECONDS).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getID();
                kv.put(key, bytes("v"), PutOption.builder().withLeaseId(id).build())
                        .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);

                // when jetcd keeps the lease alive for three TTLs
                AtomicInteger renewals = new AtomicInteger();
                AtomicReference<Throwable> keepAliveError = new AtomicReference<>();
                CloseableClient keepAlive = lease.keepAlive(id, new StreamObserver<>() {
                    @Override
                    public void onNext(LeaseKeepAliveResponse response) {
                        renewals.incrementAndGet();
                    }

                    @Override
                    public void onError(Throwable t) {
                        keepAliveError.set(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
                try {
                    // then the key stays the whole time
                    await().during(Duration.ofSeconds(3 * TTL_SECONDS))
                            .atMost(Duration.ofSeconds(3 * TTL_SECONDS + 2))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> count(kv, key) == 1);
                } finally {
                    keepAlive.close();
                }
                long stoppedNanos = System.nanoTime();
                assertThat(keepAliveError.get()).isNull();
                assertThat(renewals.get()).isGreaterThanOrEqualTo(3);

                // and once keep-alive stops, the key goes within TTL + 1 s
                await().atMost(Duration.ofSeconds(TTL_SECONDS + 1))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> count(kv, key) == 0);
                assertThat(Duration.ofNanos(System.nanoTime() - stoppedNanos))
                        .isLessThanOrEqualTo(Duration.ofSeconds(TTL_SECONDS + 1));
                LeaseTimeToLiveResponse ttl = lease.timeToLive(id, LeaseOption.DEFAULT)
                        .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertThat(ttl.getTTL()).isEqualTo(-1);
            }
            return null;
        });
    }

    @OnBothTargets
    void revokeDeletesKeys(TargetKind kind) throws Exception {
        differential.withTarget(kind, target -> {
            try (Client client = Client.builder().endpoints(target.endpoint()).build()) {
                Lease lease = client.getLeaseClient();
                KV kv = client.getKVClient();

                long id = lease.grant(60).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getID();
                for (String name : new String[] {"jetcd/a", "jetcd/b"}) {
                    kv.put(bytes(name), bytes("v"), PutOption.builder().withLeaseId(id).build())
                            .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
                LeaseTimeToLiveResponse before = lease.timeToLive(id, LeaseOption.builder().withAttachedKeys().build())
                        .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertThat(before.getKeys()).hasSize(2);

                lease.revoke(id).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);

                assertThat(count(kv, bytes("jetcd/a"))).isZero();
                assertThat(count(kv, bytes("jetcd/b"))).isZero();
                LeaseTimeToLiveResponse after = lease.timeToLive(id, LeaseOption.DEFAULT)
                        .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertThat(after.getTTL()).isEqualTo(-1);
                assertThat(after.getGrantedTTL()).isZero();
            }
            return null;
        });
    }

    private static long count(KV kv, ByteSequence key) throws Exception {
        return kv.get(key).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getCount();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
