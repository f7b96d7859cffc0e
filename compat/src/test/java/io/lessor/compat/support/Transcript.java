package io.lessor.compat.support;

import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What one scenario observed on one server: labelled responses, error statuses and notes, in
 * the order the scenario made them. Two servers behave the same for a scenario when the
 * {@link #lines()} of their transcripts are equal.
 *
 * <p>Responses are stored as received; {@link #lines()} renders them through this
 * transcript's {@link Normalizer}, so ids registered with {@link #alias(long)} at any point
 * of the scenario are aliased in every line.
 *
 * <p>Thread-safety: not thread-safe. Record from the scenario's thread.
 */
public final class Transcript {

    /** One observation: a response, an error status or a note. */
    private sealed interface Entry permits Response, Failure, Note {}

    private record Response(Message message) implements Entry {}

    private record Failure(Status.Code code, String description) implements Entry {}

    private record Note(String text) implements Entry {}

    private final Normalizer normalizer = new Normalizer();
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /**
     * Runs {@code rpc} and records its response, or the status it failed with, under
     * {@code label}. Returns the response, or {@code null} if the call failed with a gRPC
     * status. Other exceptions propagate and fail the scenario.
     */
    public <T extends Message> T call(String label, Callable<T> rpc) throws Exception {
        try {
            T response = rpc.call();
            put(label, new Response(response));
            return response;
        } catch (StatusRuntimeException e) {
            put(label, new Failure(e.getStatus().getCode(), e.getStatus().getDescription()));
            return null;
        }
    }

    /** Records a response obtained some other way, for example from a stream. */
    public void record(String label, Message message) {
        put(label, new Response(message));
    }

    /** Records a status obtained some other way, for example the end of a stream. */
    public void recordStatus(String label, Status status) {
        put(label, new Failure(status.getCode(), status.getDescription()));
    }

    /** Records a value that the scenario derived, such as a count or a comparison. */
    public void note(String label, Object value) {
        put(label, new Note(String.valueOf(value)));
    }

    /** Registers a lease id that the server chose, as {@link Normalizer#alias(long)} describes. */
    public long alias(long serverChosenId) {
        return normalizer.alias(serverChosenId);
    }

    public Normalizer normalizer() {
        return normalizer;
    }

    /** Returns the response recorded under {@code label}. */
    public <T extends Message> T response(String label, Class<T> type) {
        Entry entry = entries.get(label);
        if (entry instanceof Response r && type.isInstance(r.message())) {
            return type.cast(r.message());
        }
        throw new AssertionError("no " + type.getSimpleName() + " recorded as \"" + label + "\"; the entry is "
                + (entry == null ? "missing" : render(entry)));
    }

    /** Returns the status code recorded under {@code label}, or OK if a response was recorded. */
    public Status.Code code(String label) {
        Entry entry = entries.get(label);
        return switch (entry) {
            case Failure f -> f.code();
            case Response r -> Status.Code.OK;
            case null, default -> throw new AssertionError("no call recorded as \"" + label + "\"");
        };
    }

    /** Returns the status description recorded under {@code label}, or null for a response. */
    public String description(String label) {
        return entries.get(label) instanceof Failure f ? f.description() : null;
    }

    /** Returns the note recorded under {@code label}. */
    public String noteText(String label) {
        if (entries.get(label) instanceof Note n) {
            return n.text();
        }
        throw new AssertionError("no note recorded as \"" + label + "\"");
    }

    /** Renders every entry as {@code label -> normalized value}, in recording order. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>(entries.size());
        entries.forEach((label, entry) -> lines.add(label + " -> " + render(entry)));
        return lines;
    }

    private String render(Entry entry) {
        return switch (entry) {
            case Response r -> r.message().getClass().getSimpleName() + " {"
                    + TextFormat.printer().emittingSingleLine(true).printToString(normalizer.normalize(r.message()))
                            .strip()
                    + "}";
            case Failure f -> f.code() + ": " + f.description();
            case Note n -> n.text();
        };
    }

    private void put(String label, Entry entry) {
        if (entries.putIfAbsent(label, entry) != null) {
            throw new IllegalArgumentException("label \"" + label + "\" is already used in this transcript");
        }
    }

    @Override
    public String toString() {
        return String.join("\n", lines());
    }
}
