package com.openfiskal.contracts.paging;

import com.openfiskal.contracts.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Opaque list cursors (API.md §2.8): the last id of a page, bound to the filter set it was issued with, so
 * that reusing it with other filters is a 400 rather than a silently wrong page.
 */
public final class Cursor {

    public static final int DEFAULT_LIMIT = 50;

    private Cursor() {}

    /** A fingerprint of the filters, e.g. {@code Cursor.filters("status=active")}. */
    public static String filters(Object... values) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Object v : values) {
                d.update(String.valueOf(v).getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String encode(String lastId, String filters) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((lastId + "|" + filters).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The id after which the page starts, or null for the first page.
     *
     * @throws ApiException 400 when the cursor is malformed or was issued for other filters
     */
    public static String decode(String cursor, String filters) {
        if (cursor == null) {
            return null;
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("cursor", "Cursor is malformed.");
        }
        int bar = text.lastIndexOf('|');
        if (bar <= 0 || !text.substring(bar + 1).equals(filters)) {
            throw ApiException.invalid("cursor", "Cursor is malformed or was issued for other filters.");
        }
        return text.substring(0, bar);
    }

    public static int limit(Integer limit) {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}
