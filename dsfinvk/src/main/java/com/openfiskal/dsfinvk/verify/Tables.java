package com.openfiskal.dsfinvk.verify;

import com.openfiskal.dsfinvk.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The rows of one CSV file as read, with the CSV record number of each (the header is record 1). */
final class Tables {

    /** A data row; {@code get} by column name of the official schema. */
    record Rec(Schema.Table table, String[] values, long number) {

        String get(String column) {
            return values[table.index(column)];
        }

        /** Z_KASSE_ID|Z_ERSTELLUNG|Z_NR, the closing key every file starts with. */
        String closing() {
            return values[0] + "|" + values[1] + "|" + values[2];
        }

        /** Closing key + BON_ID. */
        String bon() {
            return closing() + "|" + get("BON_ID");
        }

        /** Bon key + POS_ZEILE. */
        String line() {
            return bon() + "|" + get("POS_ZEILE");
        }
    }

    private final Map<String, List<Rec>> rows = new HashMap<>();

    void put(String file, List<Rec> recs) {
        rows.put(file, recs);
    }

    List<Rec> of(String file) {
        return rows.getOrDefault(file, new ArrayList<>());
    }
}
