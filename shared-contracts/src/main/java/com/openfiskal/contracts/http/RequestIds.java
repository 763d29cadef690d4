package com.openfiskal.contracts.http;

import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** {@code X-Request-Id} values (API.md §2.3): {@code req_} and 20 lowercase hex characters. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    /** Key of the id in the Vert.x routing context and in the logging MDC. */
    public static final String KEY = "requestId";

    private static final Pattern FORMAT = Pattern.compile("^req_[0-9a-f]{20}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {}

    public static String generate() {
        byte[] b = new byte[10];
        RANDOM.nextBytes(b);
        return "req_" + HexFormat.of().formatHex(b);
    }

    /** The incoming id when it matches the format, else a new one; never an error. */
    public static String accept(String incoming) {
        return incoming != null && FORMAT.matcher(incoming).matches() ? incoming : generate();
    }

    public static String of(RoutingContext ctx) {
        String id = ctx == null ? null : ctx.get(KEY);
        return id == null ? generate() : id;
    }
}
