package com.openfiskal.contracts.ids;

import com.github.f4b6a3.ulid.UlidCreator;
import java.util.regex.Pattern;

/** Server identifiers: {@code <prefix><ULID>} (API.md §2.5). ULIDs are monotonic, so ids sort by creation. */
public final class Ids {

    public static final String TENANT = "ten_";
    public static final String API_KEY = "key_";
    public static final String MERCHANT = "merchant_";
    public static final String LOCATION = "loc_";
    public static final String REGISTER = "reg_";
    public static final String SESSION = "ses_";
    public static final String OPERATION = "op_";
    public static final String EXPORT = "exp_";
    public static final String RECEIPT = "rcpt_";
    public static final String DELIVERY = "dlv_";
    public static final String EVENT = "evt_";

    private static final Pattern ULID = Pattern.compile("^[0-7][0-9A-HJKMNP-TV-Z]{25}$");

    private Ids() {}

    public static String next(String prefix) {
        return prefix + UlidCreator.getMonotonicUlid().toString();
    }

    public static boolean isValid(String prefix, String id) {
        return id != null
                && id.startsWith(prefix)
                && ULID.matcher(id.substring(prefix.length())).matches();
    }
}
