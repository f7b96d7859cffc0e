package io.lessor.server.gateway.json;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;

/**
 * Fills a protobuf message from a JSON value the way etcd's gateway does, with the same
 * acceptance and the same error messages. etcd 3.4's gateway decodes with golang/protobuf's
 * {@code jsonpb} (unknown fields allowed), which defers to Go's {@code encoding/json} for
 * scalar values; this class follows both:
 *
 * <ul>
 *   <li>a field may be named by its proto name ({@code range_end}) or its JSON name
 *       ({@code rangeEnd}); when both are present the JSON name wins; unknown names are ignored;
 *   <li>{@code null} leaves a field unset;
 *   <li>integers may be JSON numbers or strings holding one; 64-bit ones must be integral;
 *   <li>enums may be names or numbers, and unknown numbers are kept;
 *   <li>bytes are standard base64 with padding (newlines ignored), or an array of byte values;
 *   <li>a oneof member is read after the other fields.
 * </ul>
 *
 * <p>Thread-safety: immutable.
 */
public final class ProtoJsonReader {

    private static final String MAP_TYPE = "map[string]json.RawMessage";
    private static final String SLICE_TYPE = "[]json.RawMessage";

    private final int maxMessageDepth;

    /**
     * Creates a reader.
     *
     * @param maxMessageDepth how deep messages may nest in one request; the top message is depth 1
     */
    public ProtoJsonReader(int maxMessageDepth) {
        this.maxMessageDepth = maxMessageDepth;
    }

    /**
     * Reads {@code value} into a message of {@code prototype}'s type. A {@code null} value,
     * like a missing one, gives the empty message.
     *
     * @throws JsonDecodeException if the JSON does not fit the message, with etcd's message
     * @throws NestingTooDeepException if messages nest deeper than the limit
     */
    @SuppressWarnings("unchecked")
    public <T extends Message> T read(RawJson value, T prototype) throws JsonDecodeException, NestingTooDeepException {
        Message.Builder builder = prototype.newBuilderForType();
        if (value != null && !value.isNull()) {
            readMessage(builder, value, 1);
        }
        return (T) builder.build();
    }

    private void readMessage(Message.Builder builder, RawJson value, int depth)
            throws JsonDecodeException, NestingTooDeepException {
        if (depth > maxMessageDepth) {
            throw new NestingTooDeepException(maxMessageDepth);
        }
        if (value.kind() != RawJson.Kind.OBJECT) {
            throw typeError(value.kind().goName(), MAP_TYPE);
        }
        Map<String, RawJson> members = value.members();
        Descriptor type = builder.getDescriptorForType();

        for (FieldDescriptor field : type.getFields()) {
            if (field.getRealContainingOneof() != null) {
                continue;
            }
            RawJson member = consume(members, field);
            if (member != null) {
                readField(builder, field, member, depth);
            }
        }

        // jsonpb looks at oneof members last, and only if some names are left.
        if (!members.isEmpty()) {
            for (OneofDescriptor oneof : type.getRealOneofs()) {
                for (FieldDescriptor field : oneof.getFields()) {
                    RawJson member = consume(members, field);
                    if (member != null) {
                        readField(builder, field, member, depth);
                    }
                }
            }
        }
    }

    /** Takes the field's value out of {@code members}, by either of its names; the JSON name wins. */
    private static RawJson consume(Map<String, RawJson> members, FieldDescriptor field) {
        RawJson byProtoName = members.remove(field.getName());
        RawJson byJsonName = members.remove(field.getJsonName());
        return byJsonName != null ? byJsonName : byProtoName;
    }

    private void readField(Message.Builder builder, FieldDescriptor field, RawJson value, int depth)
            throws JsonDecodeException, NestingTooDeepException {
        if (value.isNull()) {
            return;
        }
        if (!field.isRepeated()) {
            Object item = readValue(builder, field, value, depth);
            // A quoted "null" for a number leaves the field as it was, as in Go.
            if (item != null) {
                builder.setField(field, item);
            }
            return;
        }
        if (value.kind() != RawJson.Kind.ARRAY) {
            throw typeError(value.kind().goName(), SLICE_TYPE);
        }
        List<RawJson> elements = value.elements();
        for (RawJson element : elements) {
            // NOTE: etcd keeps a null message element as a nil pointer and then drops the
            // connection while responding. Here it becomes an empty message.
            Object item = element.isNull() ? null : readValue(builder, field, element, depth);
            builder.addRepeatedField(field, item != null ? item : defaultValue(builder, field));
        }
    }

    private Object readValue(Message.Builder builder, FieldDescriptor field, RawJson value, int depth)
            throws JsonDecodeException, NestingTooDeepException {
        return switch (field.getJavaType()) {
            case MESSAGE -> {
                Message.Builder child = builder.newBuilderForField(field);
                readMessage(child, value, depth + 1);
                yield child.build();
            }
            case ENUM -> readEnum(field.getEnumType(), value);
            case INT -> {
                RawJson number = withoutQuotes(value);
                yield number.isNull() ? null
                        : (int) readInteger(number, isUnsigned(field), 32, isUnsigned(field) ? "uint32" : "int32");
            }
            case LONG -> {
                RawJson number = withoutQuotes(value);
                yield number.isNull() ? null
                        : readInteger(number, isUnsigned(field), 64, isUnsigned(field) ? "uint64" : "int64");
            }
            case BOOLEAN -> readBool(value);
            case STRING -> readString(value);
            case BYTE_STRING -> readBytes(value);
            case FLOAT -> (float) readFloat(value, "float32");
            case DOUBLE -> readFloat(value, "float64");
        };
    }

    private static Object defaultValue(Message.Builder builder, FieldDescriptor field) {
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            return builder.newBuilderForField(field).build();
        }
        return field.getDefaultValue();
    }

    private static boolean isUnsigned(FieldDescriptor field) {
        return switch (field.getType()) {
            case UINT32, UINT64, FIXED32, FIXED64 -> true;
            default -> false;
        };
    }

    private static EnumValueDescriptor readEnum(EnumDescriptor type, RawJson value) throws JsonDecodeException {
        String goType = goTypeName(type);
        if (value.kind() == RawJson.Kind.STRING) {
            // jsonpb looks the name up as written between the quotes, escapes and all.
            String name = new String(value.bytes(), value.start() + 1, value.end() - value.start() - 2,
                    java.nio.charset.StandardCharsets.UTF_8);
            EnumValueDescriptor named = type.findValueByName(name);
            if (named == null) {
                throw new JsonDecodeException("unknown value " + GoStrings.quote(value.bytes(), value.start() + 1,
                        value.end() - 1) + " for enum " + goType);
            }
            return named;
        }
        long number = readInteger(value, false, 32, goType);
        return type.findValueByNumberCreatingIfUnknown((int) number);
    }

    /** Reads a number literal in base 10 into an integer of {@code bits} bits, as Go's decoder does. */
    private static long readInteger(RawJson number, boolean unsigned, int bits, String goType) throws JsonDecodeException {
        if (number.kind() != RawJson.Kind.NUMBER) {
            throw typeError(number.kind().goName(), goType);
        }
        String text = number.text();
        try {
            if (unsigned) {
                long parsed = Long.parseUnsignedLong(text);
                if (bits < 64 && Long.compareUnsigned(parsed, (1L << bits) - 1) > 0) {
                    throw new NumberFormatException(text);
                }
                return parsed;
            }
            long parsed = Long.parseLong(text);
            if (bits == 32 && (parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE)) {
                throw new NumberFormatException(text);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw typeError("number " + text, goType);
        }
    }

    private static double readFloat(RawJson value, String goType) throws JsonDecodeException {
        RawJson number = withoutQuotes(value);
        if (number.isNull()) {
            return 0;
        }
        if (number.kind() != RawJson.Kind.NUMBER) {
            throw typeError(number.kind().goName(), goType);
        }
        return Double.parseDouble(number.text());
    }

    /**
     * Drops the quotes around a number as jsonpb does, then checks what is left as a JSON
     * document, as Go's {@code json.Unmarshal} does next.
     */
    private static RawJson withoutQuotes(RawJson value) throws JsonDecodeException {
        if (value.kind() != RawJson.Kind.STRING) {
            return value;
        }
        byte[] bytes = value.bytes();
        int start = value.start() + 1;
        int end = value.end() - 1;
        checkValid(bytes, start, end);
        return RawJson.trimmed(bytes, start, end);
    }

    /** Checks that {@code bytes[start, end)} is exactly one JSON value, with the errors of Go's {@code json.Unmarshal}. */
    private static void checkValid(byte[] bytes, int start, int end) throws JsonDecodeException {
        JsonScanner scanner = new JsonScanner();
        boolean ended = false;
        for (int i = start; i < end; i++) {
            int c = bytes[i] & 0xFF;
            if (ended) {
                if (!JsonScanner.isSpace(c)) {
                    throw new JsonDecodeException("invalid character " + GoStrings.quoteChar(c) + " after top-level value");
                }
                continue;
            }
            JsonScanner.Step step = scanner.step(c);
            if (step == JsonScanner.Step.ERROR) {
                throw new JsonDecodeException(scanner.error());
            }
            if (step == JsonScanner.Step.END_BEFORE) {
                ended = true;
                i--;
            } else if (step == JsonScanner.Step.END_WITH) {
                ended = true;
            }
        }
        if (!ended && !scanner.endOfInput()) {
            String error = scanner.error();
            throw new JsonDecodeException(error != null ? error : "unexpected end of JSON input");
        }
    }

    private static boolean readBool(RawJson value) throws JsonDecodeException {
        if (value.kind() != RawJson.Kind.BOOL) {
            throw typeError(value.kind().goName(), "bool");
        }
        return value.bytes()[value.start()] == 't';
    }

    private static String readString(RawJson value) throws JsonDecodeException {
        if (value.kind() != RawJson.Kind.STRING) {
            throw typeError(value.kind().goName(), "string");
        }
        return GoStrings.unquoteToString(value.bytes(), value.start(), value.end());
    }

    private static ByteString readBytes(RawJson value) throws JsonDecodeException {
        switch (value.kind()) {
            case STRING -> {
                byte[] text = GoStrings.unquote(value.bytes(), value.start(), value.end());
                return ByteString.copyFrom(GoBase64.decode(text));
            }
            case ARRAY -> {
                // Go's decoder fills a byte slice from an array of numbers, one byte each.
                List<RawJson> elements = value.elements();
                byte[] out = new byte[elements.size()];
                for (int i = 0; i < out.length; i++) {
                    RawJson element = elements.get(i);
                    if (element.isNull()) {
                        continue;
                    }
                    out[i] = (byte) readInteger(element, true, 8, "uint8");
                }
                return ByteString.copyFrom(out);
            }
            default -> throw typeError(value.kind().goName(), "[]uint8");
        }
    }

    private static JsonDecodeException typeError(String valueKind, String goType) {
        return new JsonDecodeException("json: cannot unmarshal " + valueKind + " into Go value of type " + goType);
    }

    /** Returns the Go type that etcd's generated code uses for an enum, such as {@code etcdserverpb.RangeRequest_SortOrder}. */
    static String goTypeName(EnumDescriptor type) {
        StringBuilder name = new StringBuilder(type.getName());
        for (Descriptor outer = type.getContainingType(); outer != null; outer = outer.getContainingType()) {
            name.insert(0, outer.getName() + "_");
        }
        return type.getFile().getPackage() + "." + name;
    }
}
