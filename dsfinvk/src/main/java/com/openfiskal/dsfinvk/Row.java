package com.openfiskal.dsfinvk;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One record of a DSFinV-K table, filled by column name and typed by index.xml: a text value longer than
 * its MaxLength or a number with more decimals than its Accuracy throws, because the export must fail
 * rather than write a row an auditor's tool rejects or silently truncate it (DSFINVK.md §5).
 */
public final class Row {

    private final Schema.Table table;
    private final String[] values;

    private Row(Schema.Table table) {
        this.table = table;
        this.values = new String[table.columns().size()];
        Arrays.fill(values, "");
    }

    public static Row of(Schema.Table table) {
        return new Row(table);
    }

    public Row text(String column, String value) {
        int i = table.index(column);
        Schema.Column c = table.columns().get(i);
        if (c.numeric()) {
            throw new IllegalArgumentException(table.file() + "." + column + " is numeric");
        }
        String v = Csv.text(value);
        if (Csv.length(v) > c.maxLength()) {
            throw new IllegalArgumentException(table.file() + "." + column + " allows " + c.maxLength()
                    + " characters, got " + Csv.length(v) + ": " + v);
        }
        values[i] = v;
        return this;
    }

    public Row number(String column, BigDecimal value) {
        int i = table.index(column);
        Schema.Column c = table.columns().get(i);
        if (!c.numeric()) {
            throw new IllegalArgumentException(table.file() + "." + column + " is text");
        }
        try {
            values[i] = Csv.number(value, c.accuracy());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    table.file() + "." + column + " allows " + c.accuracy() + " decimals, got " + value, e);
        }
        return this;
    }

    public Row integer(String column, long value) {
        return number(column, BigDecimal.valueOf(value));
    }

    /** The CSV line, CRLF included. */
    public String line() {
        return Csv.line(values);
    }

    /** Appends the line to its table's list in {@code linesByFile} (keyed by file name). */
    public void appendTo(Map<String, List<String>> linesByFile) {
        linesByFile.get(table.file()).add(line());
    }
}
