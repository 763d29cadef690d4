package com.openfiskal.contracts.error;

import java.util.Map;

/** Wire names of the generated interfaces' Java parameter names, for {@code details.field}. */
final class Parameters {

    private static final Map<String, String> HEADERS = Map.of(
            "xOpenFiskalMerchant", "X-OpenFiskal-Merchant",
            "idempotencyKey", "Idempotency-Key",
            "ifMatch", "If-Match");

    private Parameters() {}

    static String wireName(String javaName) {
        String header = HEADERS.get(javaName);
        if (header != null) {
            return header;
        }
        if (javaName.endsWith("Create")
                || javaName.endsWith("Update")
                || javaName.endsWith("Body")
                || javaName.endsWith("Request")
                || javaName.endsWith("Complete")
                || javaName.endsWith("Void")) {
            return "/";
        }
        return JsonPointers.snake(javaName);
    }
}
