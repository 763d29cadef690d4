package com.openfiskal.deploy.kubernetes;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Fields of a manifest that fabric8's model does not declare. The model keeps them in each object's
 * {@code additionalProperties} instead of failing, as a lenient API client must; a manifest we write must
 * have none (a misspelt field would be dropped by the API server without a word).
 */
final class UnknownFields {

    private UnknownFields() {}

    static void collect(Object o, String path, List<String> out) {
        if (o == null || !o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0
                    || Modifier.isStatic(m.getModifiers())
                    || !m.getName().startsWith("get")) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String field = path + "." + decapitalise(m.getName().substring(3));
            if (m.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) value).keySet().forEach(k -> out.add(path + "." + k));
            } else if (value instanceof Collection<?> c) {
                int i = 0;
                for (Object item : c) {
                    collect(item, field + "[" + i++ + "]", out);
                }
            } else if (value instanceof Map<?, ?> map) {
                map.forEach((k, v) -> collect(v, field + "." + k, out));
            } else {
                collect(value, field, out);
            }
        }
    }

    private static String decapitalise(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
