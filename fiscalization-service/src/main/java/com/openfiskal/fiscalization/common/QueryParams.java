package com.openfiskal.fiscalization.common;

import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.json.Timestamps;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;

/** List filters that the generated interfaces pass as plain strings (API.md §2.6, §6.9). */
public final class QueryParams {

    private QueryParams() {}

    /** An RFC 3339 timestamp filter, or 400 naming the parameter. */
    public static Instant instant(String value, String name) {
        if (value == null) {
            return null;
        }
        return Timestamps.parse(value)
                .orElseThrow(() -> ApiException.invalid(name, name + " must be an RFC 3339 date-time."));
    }

    /** A case-insensitive enum filter, uppercased, or 400 naming the parameter. */
    public static String upper(String value, String name, Collection<String> allowed) {
        if (value == null) {
            return null;
        }
        String v = value.toUpperCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw ApiException.invalid(name, name + " must be one of " + allowed + ".");
        }
        return v;
    }
}
