package io.lessor.compat.support;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.lessor.api.LeaseLeasesResponse;
import io.lessor.api.LeaseStatus;
import io.lessor.api.LeaseTimeToLiveResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Rewrites responses from etcd and from Lessor so that equal behaviour gives equal output.
 *
 * <p>It clears what legitimately differs between two servers and between two runs:
 * <ul>
 *   <li>cluster and member ids, raft terms and indexes, the leader's id, and database sizes;
 *   <li>lease ids that the server chose, which it replaces by aliases in the order the
 *       scenario registered them with {@link #alias(long)}; ids that the test chose itself
 *       (such as 12345) are kept, so a server that echoes a wrong id still shows up;
 *   <li>in etcdctl output: durations ({@code took}), log lines with timestamps, and the port
 *       part of URLs, because each server listens on its own free port.
 * </ul>
 * It also sorts lists whose order etcd leaves unspecified: the keys of a TimeToLive response
 * and the leases of a Leases response.
 *
 * <p>Store revisions, versions, TTLs, values and error statuses are kept, so they are compared.
 *
 * <p>Thread-safety: not thread-safe. One scenario uses one instance.
 */
public final class Normalizer {

    /**
     * First alias; aliases count up from here. The value is far from any id the tests choose
     * and from the ids either server generates in practice, so it reads as "an alias" in a diff.
     */
    static final long FIRST_ALIAS = 0x0A11A5_0000_0000L + 1;

    /** Proto fields cleared in any message, by their proto name. */
    private static final Set<String> VOLATILE_PROTO_FIELDS = Set.of(
            "cluster_id", "member_id", "raft_term", "leader", "raftTerm", "raftIndex", "raftAppliedIndex",
            "dbSize", "dbSizeInUse", "dbSizeQuota");

    /** JSON keys that etcdctl prints and that {@link #normalizeJson} clears. */
    private static final Set<String> VOLATILE_JSON_KEYS = Set.of(
            "cluster_id", "member_id", "raft_term", "leader", "raftTerm", "raftIndex", "raftAppliedIndex",
            "dbSize", "dbSizeInUse", "dbSizeQuota", "took");

    /** Proto fields that contain lease ids, by their proto name. */
    private static final Set<String> LEASE_ID_PROTO_FIELDS = Set.of("ID", "lease");

    /** JSON keys that contain lease ids in etcdctl's output. */
    private static final Set<String> LEASE_ID_JSON_KEYS = Set.of("ID", "id", "lease");

    private static final Pattern URL_PORT = Pattern.compile("(https?://[^/:\"\\s]+):\\d+");
    private static final Pattern HEX_LEASE_ID = Pattern.compile("\\b(lease )([0-9a-f]{1,16})\\b");

    private final Map<Long, Long> aliases = new LinkedHashMap<>();

    /**
     * Registers a lease id that the server chose and returns its alias. Registering the same id
     * again returns the same alias. Zero is never aliased.
     */
    public long alias(long serverChosenId) {
        if (serverChosenId == 0) {
            return 0;
        }
        return aliases.computeIfAbsent(serverChosenId, id -> FIRST_ALIAS + aliases.size());
    }

    /** Returns a copy of {@code message} with volatile fields cleared and registered ids aliased. */
    @SuppressWarnings("unchecked")
    public <T extends Message> T normalize(T message) {
        Message.Builder builder = message.toBuilder();
        normalizeInto(builder);
        return (T) builder.build();
    }

    private void normalizeInto(Message.Builder builder) {
        for (FieldDescriptor field : builder.getDescriptorForType().getFields()) {
            String name = field.getName();
            if (VOLATILE_PROTO_FIELDS.contains(name) || isMemberId(builder, field)) {
                builder.clearField(field);
            } else if (field.getJavaType() == FieldDescriptor.JavaType.LONG && !field.isRepeated()
                    && LEASE_ID_PROTO_FIELDS.contains(name)) {
                long value = (Long) builder.getField(field);
                Long alias = aliases.get(value);
                if (alias != null) {
                    builder.setField(field, alias);
                }
            } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if (field.isRepeated()) {
                    int count = builder.getRepeatedFieldCount(field);
                    for (int i = 0; i < count; i++) {
                        Message.Builder child = ((Message) builder.getRepeatedField(field, i)).toBuilder();
                        normalizeInto(child);
                        builder.setRepeatedField(field, i, child.build());
                    }
                } else if (builder.hasField(field)) {
                    Message.Builder child = ((Message) builder.getField(field)).toBuilder();
                    normalizeInto(child);
                    builder.setField(field, child.build());
                }
            }
        }
        sortUnorderedLists(builder);
    }

    /** Returns whether {@code field} is Member.ID, which is a member id rather than a lease id. */
    private static boolean isMemberId(Message.Builder builder, FieldDescriptor field) {
        return field.getName().equals("ID") && builder.getDescriptorForType().getName().equals("Member");
    }

    private static void sortUnorderedLists(Message.Builder builder) {
        if (builder instanceof LeaseTimeToLiveResponse.Builder ttl) {
            List<ByteString> keys = new ArrayList<>(ttl.getKeysList());
            keys.sort(ByteString.unsignedLexicographicalComparator());
            ttl.clearKeys().addAllKeys(keys);
        } else if (builder instanceof LeaseLeasesResponse.Builder leases) {
            List<LeaseStatus> sorted = new ArrayList<>(leases.getLeasesList());
            sorted.sort(Comparator.comparingLong(LeaseStatus::getID));
            leases.clearLeases().addAllLeases(sorted);
        }
    }

    /**
     * Returns a copy of etcdctl's JSON output with volatile values replaced by {@code "*"},
     * registered lease ids aliased, URL ports replaced by {@code PORT} and the unordered lists
     * sorted. Keys that are present stay present, so a missing field still shows.
     */
    public JsonElement normalizeJson(JsonElement json) {
        JsonElement copy = json.deepCopy();
        normalizeJsonInto(copy);
        return copy;
    }

    private void normalizeJsonInto(JsonElement element) {
        if (element.isJsonArray()) {
            JsonArray array = element.getAsJsonArray();
            for (int i = 0; i < array.size(); i++) {
                JsonElement item = array.get(i);
                if (item.isJsonPrimitive() && item.getAsJsonPrimitive().isString()) {
                    array.set(i, new JsonPrimitive(normalizeText(item.getAsString())));
                } else {
                    normalizeJsonInto(item);
                }
            }
            return;
        }
        if (!element.isJsonObject()) {
            return;
        }
        JsonObject object = element.getAsJsonObject();
        for (String key : List.copyOf(object.keySet())) {
            JsonElement value = object.get(key);
            if (VOLATILE_JSON_KEYS.contains(key) || (key.equals("ID") && isMember(object))) {
                object.addProperty(key, "*");
            } else if (LEASE_ID_JSON_KEYS.contains(key) && value.isJsonPrimitive()
                    && value.getAsJsonPrimitive().isNumber()) {
                Long alias = aliases.get(value.getAsLong());
                if (alias != null) {
                    object.addProperty(key, alias);
                }
            } else if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
                object.addProperty(key, normalizeText(value.getAsString()));
            } else {
                normalizeJsonInto(value);
            }
        }
        sortJsonKeysList(object);
    }

    /** Returns whether {@code object} is a member of etcdctl's member list output, whose "ID" is a member id. */
    private static boolean isMember(JsonObject object) {
        return object.has("name") || object.has("peerURLs") || object.has("clientURLs");
    }

    /** Sorts the lists that etcdctl prints in no particular order: timetolive keys and listed leases. */
    private static void sortJsonKeysList(JsonObject object) {
        if (object.has("granted-ttl") && object.get("keys") instanceof JsonArray keys) {
            List<String> sorted = new ArrayList<>();
            keys.forEach(k -> sorted.add(k.getAsString()));
            sorted.sort(Comparator.naturalOrder());
            JsonArray replacement = new JsonArray();
            sorted.forEach(replacement::add);
            object.add("keys", replacement);
        }
        if (object.get("leases") instanceof JsonArray leases) {
            List<JsonElement> sorted = new ArrayList<>();
            leases.forEach(sorted::add);
            sorted.sort(Comparator.comparing(JsonElement::toString));
            JsonArray replacement = new JsonArray();
            sorted.forEach(replacement::add);
            object.add("leases", replacement);
        }
    }

    /**
     * Normalizes a line of etcdctl's text output: URL ports become {@code PORT}, and a
     * registered lease id printed in hex after "lease " becomes its alias in hex.
     */
    public String normalizeText(String text) {
        String withoutPorts = URL_PORT.matcher(text).replaceAll("$1:PORT");
        return HEX_LEASE_ID.matcher(withoutPorts).replaceAll(match -> {
            long id = Long.parseUnsignedLong(match.group(2), 16);
            Long alias = aliases.get(id);
            String hex = alias == null ? match.group(2) : Long.toHexString(alias);
            return match.group(1) + hex;
        });
    }

    /**
     * Returns etcdctl's standard error without the JSON log lines that the Go client prints on
     * retries, because they carry timestamps and random client ids. The remaining lines are
     * normalized with {@link #normalizeText}.
     */
    public String normalizeStderr(String stderr) {
        return stderr.lines()
                .filter(line -> !line.startsWith("{\"level\":"))
                .map(this::normalizeText)
                .collect(Collectors.joining("\n"));
    }
}
