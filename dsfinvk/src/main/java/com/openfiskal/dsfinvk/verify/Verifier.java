package com.openfiskal.dsfinvk.verify;

import com.openfiskal.dsfinvk.Csv;
import com.openfiskal.dsfinvk.Schema;
import com.openfiskal.dsfinvk.verify.Finding.Severity;
import com.openfiskal.dsfinvk.verify.Tables.Rec;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * An open checker for DSFinV-K archives, ours or anyone's. It reads a TAR, checks the members, the CSV
 * dialect, every header against the official index.xml, types, lengths and accuracies, the closed code
 * lists, the keys and references between the files, the amount invariants of DSFINVK.md §9, the Z_NR and
 * BON_ID rules, and recomputes every TSE signature of {@code transactions_tse.csv} with the public key of
 * {@code tse.csv}. It never stops at the first finding, and a signature it cannot rebuild is reported as
 * unverifiable, never as passed.
 *
 * <p>Tables are held in memory while the cross-file rules run; the archive itself is read as a stream.
 */
public final class Verifier {

    /** The outcome: every finding, and how many signatures were recomputed and verified. */
    public record Report(List<Finding> findings, int signaturesVerified, int bons) {

        public boolean ok() {
            return findings.stream().noneMatch(f -> f.severity() == Severity.ERROR);
        }

        public long count(Severity s) {
            return findings.stream().filter(f -> f.severity() == s).count();
        }
    }

    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d+(,\\d+)?");

    private final Schema schema = Schema.official();
    private final List<Finding> findings = new ArrayList<>();
    private final Tables tables = new Tables();

    private Verifier() {}

    public static Report verify(InputStream tar) throws IOException {
        Verifier v = new Verifier();
        v.read(tar);
        Rules rules = new Rules(v.schema, v.tables, v.findings);
        rules.run();
        return new Report(
                List.copyOf(v.findings),
                rules.signaturesVerified(),
                v.tables.of("transactions.csv").size());
    }

    void add(Severity s, String file, long row, String rule, String message) {
        findings.add(new Finding(s, file, row, rule, message));
    }

    private void read(InputStream in) throws IOException {
        Set<String> seen = new LinkedHashSet<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name())) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    add(Severity.WARNING, e.getName(), 0, "A-FLAT", "the archive should be flat; directory entry");
                    continue;
                }
                String name = e.getName().contains("/")
                        ? e.getName().substring(e.getName().lastIndexOf('/') + 1)
                        : e.getName();
                if (!seen.add(name)) {
                    add(Severity.ERROR, name, 0, "A-MEMBERS", "appears twice in the archive");
                    continue;
                }
                byte[] bytes = tar.readAllBytes();
                if (name.equals(Schema.INDEX_XML)) {
                    checkIndex(bytes);
                } else if (name.equals(Schema.DTD)) {
                    if (!Arrays.equals(bytes, Schema.dtd())) {
                        add(Severity.WARNING, name, 0, "A-DTD", "differs from the official GDPdU DTD");
                    }
                } else if (schema.find(name).isPresent()) {
                    readTable(schema.table(name), bytes);
                } else {
                    add(Severity.WARNING, name, 0, "A-MEMBERS", "not a member of a DSFinV-K archive");
                }
            }
        }
        if (seen.isEmpty()) {
            add(Severity.ERROR, "(archive)", 0, "A-TAR", "no members: not a TAR archive, or an empty one");
            return;
        }
        if (!seen.contains(Schema.INDEX_XML)) {
            add(Severity.ERROR, Schema.INDEX_XML, 0, "A-MEMBERS", "missing");
        }
        if (!seen.contains(Schema.DTD)) {
            add(Severity.ERROR, Schema.DTD, 0, "A-DTD", "missing: index.xml names it in its DOCTYPE");
        }
        for (Schema.Table t : schema.tables()) {
            if (!seen.contains(t.file())) {
                add(Severity.WARNING, t.file(), 0, "A-MEMBERS", "missing (allowed for an empty table)");
            }
        }
    }

    private void checkIndex(byte[] bytes) {
        if (Arrays.equals(bytes, schema.indexXml())) {
            return;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.contains("<!DOCTYPE DataSet SYSTEM \"" + Schema.DTD + "\">")) {
            add(Severity.ERROR, Schema.INDEX_XML, 0, "A-DTD", "the DOCTYPE does not name " + Schema.DTD);
        }
        add(Severity.WARNING, Schema.INDEX_XML, 0, "A-INDEX", "differs from the official index.xml");
    }

    private void readTable(Schema.Table table, byte[] bytes) {
        String file = table.file();
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            add(Severity.ERROR, file, 1, "D-BOM", "CSV files carry no byte order mark");
            bytes = Arrays.copyOfRange(bytes, 3, bytes.length);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            add(Severity.ERROR, file, 0, "D-ENCODING", "not valid UTF-8");
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        checkRecordDelimiters(file, text);
        List<Rec> recs = new ArrayList<>();
        Map<String, String> interned = new HashMap<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), Csv.FORMAT)) {
            boolean header = true;
            for (CSVRecord r : parser) {
                String[] values = r.values();
                if (header) {
                    header = false;
                    if (!Arrays.asList(values).equals(table.header())) {
                        add(
                                Severity.ERROR,
                                file,
                                1,
                                "D-HEADER",
                                "header must be the index.xml column list " + String.join(";", table.header())
                                        + ", got " + String.join(";", values));
                    }
                    continue;
                }
                if (values.length != table.columns().size()) {
                    add(
                            Severity.ERROR,
                            file,
                            r.getRecordNumber(),
                            "D-COLUMNS",
                            "expected " + table.columns().size() + " fields, got " + values.length);
                    continue;
                }
                for (int i = 0; i < 3; i++) {
                    values[i] = interned.computeIfAbsent(values[i], k -> k);
                }
                checkTypes(table, values, r.getRecordNumber());
                recs.add(new Rec(table, values, r.getRecordNumber()));
            }
            if (header) {
                add(Severity.ERROR, file, 1, "D-HEADER", "the file is empty; the first record is the header");
            }
        } catch (IOException | IllegalStateException | java.io.UncheckedIOException e) {
            add(Severity.ERROR, file, 0, "D-CSV", "not parseable as DSFinV-K CSV: " + e.getMessage());
        }
        tables.put(file, recs);
    }

    /** CRLF after every record, including the last; no lone CR or LF outside quoted text. */
    private void checkRecordDelimiters(String file, String text) {
        boolean quoted = false;
        long record = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '\r') {
                if (i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
                    add(Severity.ERROR, file, record, "D-CRLF", "a lone CR ends a record");
                    return;
                }
                i++;
                record++;
            } else if (!quoted && c == '\n') {
                add(Severity.ERROR, file, record, "D-CRLF", "a lone LF ends a record; records end with CRLF");
                return;
            }
        }
        if (!text.isEmpty() && !text.endsWith("\r\n")) {
            add(Severity.ERROR, file, record, "D-CRLF", "the last record must end with CRLF");
        }
    }

    private void checkTypes(Schema.Table table, String[] values, long row) {
        for (int i = 0; i < values.length; i++) {
            Schema.Column c = table.columns().get(i);
            String v = values[i];
            if (v.isEmpty()) {
                continue;
            }
            if (c.numeric()) {
                if (c.accuracy() == 0) {
                    if (!INTEGER.matcher(v).matches()) {
                        add(
                                Severity.ERROR,
                                table.file(),
                                row,
                                "T-NUMERIC",
                                c.name() + " must be an integer, got '" + v + "'");
                    }
                } else if (!DECIMAL.matcher(v).matches()) {
                    add(
                            Severity.ERROR,
                            table.file(),
                            row,
                            "T-NUMERIC",
                            c.name() + " must be a number with a decimal comma and no grouping, got '" + v + "'");
                } else {
                    int comma = v.indexOf(',');
                    int decimals = comma < 0 ? 0 : v.length() - comma - 1;
                    if (decimals > c.accuracy()) {
                        add(
                                Severity.ERROR,
                                table.file(),
                                row,
                                "T-ACCURACY",
                                c.name() + " allows " + c.accuracy() + " decimals, got '" + v + "'");
                    }
                }
            } else if (Csv.length(v) > c.maxLength()) {
                add(
                        Severity.ERROR,
                        table.file(),
                        row,
                        "T-LENGTH",
                        c.name() + " allows " + c.maxLength() + " characters, got " + Csv.length(v));
            }
        }
    }
}
