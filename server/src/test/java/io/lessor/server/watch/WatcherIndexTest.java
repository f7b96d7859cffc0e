package io.lessor.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lessor.api.WatchCreateRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The synced-watcher index: which watchers a written key finds, for each shape of range, with
 * the ranges in the form {@link WatchStream#create} stores them (no end for a single key, an
 * empty end for "from the key on").
 */
class WatcherIndexTest {

    private final WatcherIndex index = new WatcherIndex();
    private long nextId;

    private static ByteString bytes(int... values) {
        byte[] array = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            array[i] = (byte) values[i];
        }
        return ByteString.copyFrom(array);
    }

    private static ByteString utf8(String text) {
        return ByteString.copyFromUtf8(text);
    }

    private Watcher watcher(ByteString key, ByteString rangeEnd) {
        return new Watcher(nextId++, null, key, rangeEnd, WatchCreateRequest.getDefaultInstance());
    }

    private Watcher added(ByteString key, ByteString rangeEnd) {
        Watcher watcher = watcher(key, rangeEnd);
        index.add(watcher);
        return watcher;
    }

    private List<Watcher> matching(ByteString key) {
        List<Watcher> found = new ArrayList<>();
        index.forEachMatching(key, found::add);
        return found;
    }

    @Test
    void singleKeyMatchesOnlyThatKey() {
        Watcher watcher = added(utf8("a"), null);

        assertThat(watcher.kind()).isEqualTo(Watcher.Kind.KEY);
        assertThat(matching(utf8("a"))).containsExactly(watcher);
        assertThat(matching(utf8("ab"))).isEmpty();
        assertThat(matching(ByteString.EMPTY)).isEmpty();
    }

    @Test
    void fromKeyRangeHasNoEnd() {
        Watcher watcher = added(utf8("m"), ByteString.EMPTY);

        assertThat(watcher.kind()).isEqualTo(Watcher.Kind.RANGE);
        assertThat(matching(utf8("m"))).containsExactly(watcher);
        assertThat(matching(bytes(0xff, 0xff, 0xff))).containsExactly(watcher);
        assertThat(matching(utf8("l\u007f"))).isEmpty();
    }

    @Test
    void prefixEndFromKeyMakesPrefixRange() {
        Watcher watcher = added(utf8("a/"), utf8("a0"));

        assertThat(watcher.kind()).isEqualTo(Watcher.Kind.PREFIX);
        assertThat(matching(utf8("a/"))).containsExactly(watcher);
        assertThat(matching(utf8("a/x/y"))).containsExactly(watcher);
        assertThat(matching(utf8("a"))).isEmpty();
        assertThat(matching(utf8("a0"))).isEmpty();
        assertThat(matching(utf8("b"))).isEmpty();
    }

    @Test
    void prefixEndSkipsTrailing0xffBytes() {
        assertThat(Watcher.prefixEnd(utf8("abc"))).isEqualTo(utf8("abd"));
        assertThat(Watcher.prefixEnd(bytes('a', 0xff))).isEqualTo(utf8("b"));
        assertThat(Watcher.prefixEnd(bytes('a', 0xff, 0xff))).isEqualTo(utf8("b"));
        assertThat(Watcher.prefixEnd(bytes('a', 0xfe))).isEqualTo(bytes('a', 0xff));
        assertThat(Watcher.prefixEnd(bytes(0xff, 0xff))).isNull();
        assertThat(Watcher.prefixEnd(ByteString.EMPTY)).isNull();
    }

    @Test
    void prefixEndingIn0xffMatchesItsKeys() {
        Watcher watcher = added(bytes('a', 0xff), utf8("b"));

        assertThat(watcher.kind()).isEqualTo(Watcher.Kind.PREFIX);
        assertThat(matching(bytes('a', 0xff))).containsExactly(watcher);
        assertThat(matching(bytes('a', 0xff, 0xff, 0x00))).containsExactly(watcher);
        assertThat(matching(bytes('a', 0xfe, 0xff))).isEmpty();
        assertThat(matching(utf8("b"))).isEmpty();
    }

    @Test
    void all0xffPrefixIsFromKeyRange() {
        // etcd turns the prefix end of 0xff bytes into "\0", every key from the prefix on.
        Watcher watcher = added(bytes(0xff, 0xff), ByteString.EMPTY);

        assertThat(watcher.kind()).isEqualTo(Watcher.Kind.RANGE);
        assertThat(matching(bytes(0xff, 0xff))).containsExactly(watcher);
        assertThat(matching(bytes(0xff, 0xff, 0x00))).containsExactly(watcher);
        assertThat(matching(bytes(0xff))).isEmpty();
    }

    @Test
    void smallestKeyPrefixMatchesZeroByteKeys() {
        // A request with an empty key watches from "\0", so with end "\1" it watches the prefix "\0".
        Watcher watcher = added(bytes(0), bytes(1));

        assertThat(watcher.kind()).isEqualTo(Watcher.Kind.PREFIX);
        assertThat(matching(bytes(0, 'x'))).containsExactly(watcher);
        assertThat(matching(bytes(1))).isEmpty();
    }

    @Test
    void otherRangeExcludesItsEnd() {
        Watcher watcher = added(utf8("b"), utf8("d"));

        assertThat(watcher.kind()).isEqualTo(Watcher.Kind.RANGE);
        assertThat(matching(utf8("b"))).containsExactly(watcher);
        assertThat(matching(utf8("czz"))).containsExactly(watcher);
        assertThat(matching(utf8("a"))).isEmpty();
        assertThat(matching(utf8("d"))).isEmpty();
    }

    @Test
    void nestedPrefixesEachMatchOnce() {
        Watcher outer = added(utf8("a"), utf8("b"));
        Watcher inner = added(utf8("ab"), utf8("ac"));
        Watcher exact = added(utf8("abc"), null);
        Watcher range = added(utf8("aa"), utf8("zz"));

        assertThat(matching(utf8("abc"))).containsExactlyInAnyOrder(outer, inner, exact, range);
        assertThat(matching(utf8("aa"))).containsExactlyInAnyOrder(outer, range);
    }

    @Test
    void removeKeepsOtherWatchersOfGroup() {
        Watcher first = added(utf8("p/"), utf8("p0"));
        Watcher second = added(utf8("p/"), utf8("p0"));
        Watcher third = added(utf8("p/"), utf8("p0"));

        index.remove(first);

        assertThat(matching(utf8("p/1"))).containsExactlyInAnyOrder(second, third);
        assertThat(first.indexSlot).isEqualTo(-1);
        index.remove(third);
        index.remove(second);
        assertThat(matching(utf8("p/1"))).isEmpty();
        assertThat(index.size()).isZero();
    }

    @Test
    void readdedWatcherIsFoundAgain() {
        Watcher watcher = added(utf8("k"), utf8("l"));
        Watcher range = added(utf8("k"), utf8("m"));
        index.remove(watcher);
        index.remove(range);

        index.add(watcher);

        assertThat(matching(utf8("k1"))).containsExactly(watcher);
        List<Watcher> all = new ArrayList<>();
        index.forEach(all::add);
        assertThat(all).containsExactly(watcher);
    }

    @Test
    void randomRangesMatchAsCoversDoes() {
        Random random = new Random(42);
        int[] alphabet = {0x00, 0x01, 'a', 'b', 0xfe, 0xff};
        List<Watcher> present = new ArrayList<>();
        for (int round = 0; round < 2_000; round++) {
            if (!present.isEmpty() && random.nextInt(3) == 0) {
                index.remove(present.remove(random.nextInt(present.size())));
            } else {
                ByteString key = randomKey(random, alphabet, 1);
                ByteString end = switch (random.nextInt(4)) {
                    case 0 -> null;
                    case 1 -> ByteString.EMPTY;
                    case 2 -> Watcher.prefixEnd(key) == null ? ByteString.EMPTY : Watcher.prefixEnd(key);
                    default -> key.concat(randomKey(random, alphabet, 1));
                };
                Watcher watcher = watcher(key, end);
                index.add(watcher);
                present.add(watcher);
            }

            ByteString written = randomKey(random, alphabet, 0);
            Set<Watcher> expected = new HashSet<>();
            for (Watcher watcher : present) {
                if (watcher.covers(written)) {
                    expected.add(watcher);
                }
            }
            List<Watcher> found = matching(written);
            assertThat(found).as("round %d, key %s", round, written).doesNotHaveDuplicates();
            assertThat(new HashSet<>(found)).as("round %d, key %s", round, written).isEqualTo(expected);
            assertThat(index.size()).isEqualTo(present.size());
        }
    }

    private static ByteString randomKey(Random random, int[] alphabet, int minLength) {
        int length = minLength + random.nextInt(4 - minLength);
        byte[] key = new byte[length];
        for (int i = 0; i < length; i++) {
            key[i] = (byte) alphabet[random.nextInt(alphabet.length)];
        }
        return ByteString.copyFrom(key);
    }
}
