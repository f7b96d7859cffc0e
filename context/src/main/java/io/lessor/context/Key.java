package io.lessor.context;

import java.util.Objects;

/**
 * A typed key for values carried by a context, compared by identity. Go uses an unexported key
 * type for the same purpose: two keys never collide, even with the same name.
 *
 * <pre>{@code
 * static final Key<String> REQUEST_ID = Key.named("request-id");
 *
 * Context ctx = parent.with(REQUEST_ID, "r-42");
 * String id = ctx.value(REQUEST_ID);   // "r-42"
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class Key<T> {

    private final String name;

    private Key(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Creates a key; the name appears only in {@link #toString()}. */
    public static <T> Key<T> named(String name) {
        return new Key<>(name);
    }

    /** Returns the name given at creation. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "Key[" + name + "]";
    }
}
