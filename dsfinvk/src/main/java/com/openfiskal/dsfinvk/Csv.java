package com.openfiskal.dsfinvk;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;

/**
 * The CSV dialect of DSFINVK.md §4–§6, one implementation for the writer and the verifier: UTF-8 without
 * BOM, {@code ;}, CRLF after every record, {@code "} only where needed, comma decimals with exactly the
 * column's accuracy and no grouping, code-point lengths, and the timestamp formats.
 */
public final class Csv {

    public static final String RECORD_SEPARATOR = "\r\n";

    /**
     * Commons CSV's minimal quoting: a value is quoted when it holds {@code ;}, {@code "}, CR or LF, or
     * starts with a character up to {@code #} (space, tab, quote among them) or ends with a space; inner
     * quotes are doubled. Numeric values never need it (they start with a digit or {@code -}).
     */
    public static final CSVFormat FORMAT = CSVFormat.Builder.create()
            .setDelimiter(';')
            .setQuote('"')
            .setQuoteMode(QuoteMode.MINIMAL)
            .setRecordSeparator(RECORD_SEPARATOR)
            .get();

    /** Closing key and Bon times: local time with offset, whole seconds (DSFINVK.md §6). */
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");

    /** TSE times: UTC with milliseconds. */
    private static final DateTimeFormatter TSE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final Pattern LINE_BREAKS = Pattern.compile("[\r\n]+");

    private Csv() {}

    /** A text value: line breaks become one space (no record spans two lines); null is empty. */
    public static String text(String value) {
        return value == null ? "" : LINE_BREAKS.matcher(value).replaceAll(" ");
    }

    /**
     * A numeric value with exactly {@code accuracy} decimals and a comma. Excess precision is a bug in the
     * caller, so it throws instead of rounding silently.
     */
    public static String number(BigDecimal value, int accuracy) {
        if (value == null) {
            return "";
        }
        BigDecimal v = value.setScale(accuracy, RoundingMode.UNNECESSARY);
        if (v.signum() == 0) {
            v = v.abs();
        }
        return v.toPlainString().replace('.', ',');
    }

    /** An integer value (a Numeric column without accuracy). */
    public static String integer(long value) {
        return Long.toString(value);
    }

    /** {@code 2025-03-14T18:05:09+01:00} in the location's time zone. */
    public static String localTime(Instant at, ZoneId zone) {
        return LOCAL.format(at.atZone(zone));
    }

    /** {@code 2025-03-14T17:05:09.000Z}. */
    public static String tseTime(Instant at) {
        return TSE.format(at);
    }

    /** The record as one CSV line including its CRLF. */
    public static String line(String[] values) {
        return FORMAT.format((Object[]) values) + RECORD_SEPARATOR;
    }

    /** The header line of a table. */
    public static String header(Schema.Table table) {
        return line(table.header().toArray(String[]::new));
    }

    /** Length in characters as DSFinV-K counts them: Unicode code points. */
    public static int length(String value) {
        return value.codePointCount(0, value.length());
    }
}
