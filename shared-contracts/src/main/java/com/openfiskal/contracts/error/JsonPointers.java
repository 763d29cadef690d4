package com.openfiskal.contracts.error;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.List;

/** Turns Jackson and Bean Validation paths into the JSON Pointers of {@code details.field}. */
public final class JsonPointers {

    private JsonPointers() {}

    public static String of(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            sb.append('/');
            if (r.getFieldName() != null) {
                sb.append(escape(r.getFieldName()));
            } else if (r.getIndex() >= 0) {
                sb.append(r.getIndex());
            }
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    /** {@code fiscalIdentities[0].vatId} becomes {@code /fiscal_identities/0/vat_id}. */
    public static String fromBeanPath(String javaPath) {
        StringBuilder sb = new StringBuilder();
        for (String part : javaPath.split("\\.")) {
            if (part.isEmpty()) {
                continue;
            }
            String name = part;
            String index = null;
            int bracket = part.indexOf('[');
            if (bracket >= 0) {
                name = part.substring(0, bracket);
                index = part.substring(bracket + 1, part.indexOf(']', bracket));
            }
            if (name.startsWith("<")) {
                // container element nodes such as <list element>: the index is already on the parent
                continue;
            }
            sb.append('/').append(escape(snake(name)));
            if (index != null && !index.isEmpty()) {
                sb.append('/').append(index);
            }
        }
        return sb.toString();
    }

    static String snake(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
