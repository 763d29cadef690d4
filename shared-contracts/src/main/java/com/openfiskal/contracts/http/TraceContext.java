package com.openfiskal.contracts.http;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * W3C trace context ({@code traceparent}): a valid incoming value is kept, so the trace of a POS request
 * continues into the events it causes; otherwise a new trace is started. Carried in the logging MDC and
 * written as the Kafka record header {@code traceparent}.
 */
public final class TraceContext {

    public static final String HEADER = "traceparent";
    /** Key in the logging MDC. */
    public static final String KEY = "traceparent";

    private static final Pattern FORMAT =
            Pattern.compile("^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TraceContext() {}

    public static String accept(String incoming) {
        return incoming != null && FORMAT.matcher(incoming).matches() ? incoming : generate();
    }

    public static String generate() {
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        RANDOM.nextBytes(trace);
        RANDOM.nextBytes(span);
        return "00-" + HexFormat.of().formatHex(trace) + "-" + HexFormat.of().formatHex(span) + "-01";
    }
}
