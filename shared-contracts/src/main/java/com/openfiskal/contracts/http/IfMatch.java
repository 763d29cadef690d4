package com.openfiskal.contracts.http;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code If-Match} against {@code resource_version} (API.md §2.10). */
public final class IfMatch {

    private static final Pattern SYNTAX = Pattern.compile("^\"[1-9][0-9]{0,18}\"$");

    private IfMatch() {}

    /**
     * The version the client expects, or null when no header was sent.
     *
     * @throws ApiException 400 when the header is not exactly one quoted positive integer
     */
    public static Long parse(String header) {
        if (header == null) {
            return null;
        }
        if (!SYNTAX.matcher(header).matches()) {
            throw ApiException.invalid("If-Match", "If-Match must be one quoted resource_version, e.g. \"1\".");
        }
        try {
            return Long.parseLong(header.substring(1, header.length() - 1));
        } catch (NumberFormatException e) {
            throw ApiException.invalid("If-Match", "If-Match is out of range.");
        }
    }

    /** 428 when required and missing. */
    public static long required(String header) {
        if (header == null) {
            throw new ApiException(ErrorCode.PRECONDITION_REQUIRED, "If-Match is required.");
        }
        return parse(header);
    }

    /** 412 when the expected version is not the current one; nothing when none was expected. */
    public static void check(Long expected, long current) {
        if (expected != null && expected != current) {
            throw new ApiException(
                    ErrorCode.PRECONDITION_FAILED,
                    412,
                    "Resource version mismatch. Expected " + expected + ", current is " + current + ".",
                    Map.of("expected_resource_version", expected, "current_resource_version", current),
                    Map.of());
        }
    }
}
