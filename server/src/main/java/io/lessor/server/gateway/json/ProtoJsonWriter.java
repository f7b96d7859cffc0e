package io.lessor.server.gateway.json;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Base64;
import java.util.List;

/**
 * Writes a protobuf message as JSON byte for byte as etcd 3.4's gateway does (golang/protobuf's
 * {@code jsonpb} with proto field names and defaults left out, strings escaped by Go's
 * {@code encoding/json}):
 *
 * <ul>
 *   <li>fields in the order the .proto declares them, under their proto names
 *       ({@code cluster_id}, {@code grantedTTL});
 *   <li>zero numbers, false, empty strings and bytes, empty lists and unset messages left out;
 *       a set message is written even when empty ({@code "header":{}});
 *   <li>64-bit integers as decimal strings, 32-bit ones as numbers;
 *   <li>bytes as standard base64 with padding, enums by name (by number when unknown);
 *   {@code <}, {@code >} and {@code &} in strings as &#92;u003c escapes and so on.
 * </ul>
 *
 * <p>protobuf-java-util's {@code JsonFormat} is not used: it writes strings through Gson, which
 * also escapes {@code =} and {@code '}, and its parser's acceptance and error messages differ
 * from jsonpb's, which {@link ProtoJsonReader} has to follow anyway.
 *
 * <p>Thread-safety: stateless.
 */
public final class ProtoJsonWriter {

    private ProtoJsonWriter() {
    }

    /** Returns {@code message} as JSON text. */
    public static String write(Message message) {
        StringBuilder out = new StringBuilder(256);
        writeMessage(out, message);
        return out.toString();
    }

    /** Appends {@code text} as a JSON string, escaped as Go's {@code encoding/json} does. */
    public static void appendString(StringBuilder out, String text) {
        GoStrings.appendJsonString(out, text);
    }

    /** Appends {@code message} as JSON text. */
    public static void writeMessage(StringBuilder out, Message message) {
        out.append('{');
        boolean first = true;
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (!isWritten(message, field)) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append('"').append(field.getName()).append("\":");
            if (field.isRepeated()) {
                List<?> values = (List<?>) message.getField(field);
                out.append('[');
                for (int i = 0; i < values.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writeValue(out, field, values.get(i));
                }
                out.append(']');
            } else {
                writeValue(out, field, message.getField(field));
            }
        }
        out.append('}');
    }

    private static boolean isWritten(Message message, FieldDescriptor field) {
        if (field.isRepeated()) {
            return message.getRepeatedFieldCount(field) > 0;
        }
        // hasField is true for a set message and for a set oneof member. For other proto3
        // scalars it is false exactly when the value is the default.
        return message.hasField(field);
    }

    private static void writeValue(StringBuilder out, FieldDescriptor field, Object value) {
        switch (field.getType()) {
            case MESSAGE, GROUP -> writeMessage(out, (Message) value);
            case INT64, SINT64, SFIXED64 -> out.append('"').append((long) (Long) value).append('"');
            case UINT64, FIXED64 -> out.append('"').append(Long.toUnsignedString((Long) value)).append('"');
            case UINT32, FIXED32 -> out.append(Integer.toUnsignedString((Integer) value));
            case INT32, SINT32, SFIXED32 -> out.append((int) (Integer) value);
            case BOOL -> out.append((boolean) (Boolean) value);
            case STRING -> GoStrings.appendJsonString(out, (String) value);
            case BYTES -> out.append('"').append(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()))
                    .append('"');
            case ENUM -> {
                EnumValueDescriptor enumValue = (EnumValueDescriptor) value;
                // jsonpb writes an enum number that has no name unquoted.
                if (enumValue.getType().findValueByNumber(enumValue.getNumber()) != null) {
                    GoStrings.appendJsonString(out, enumValue.getName());
                } else {
                    out.append(enumValue.getNumber());
                }
            }
            case FLOAT -> out.append((float) (Float) value);
            case DOUBLE -> out.append((double) (Double) value);
        }
    }
}
