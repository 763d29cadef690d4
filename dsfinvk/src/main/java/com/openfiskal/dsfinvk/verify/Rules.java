package com.openfiskal.dsfinvk.verify;

import com.openfiskal.contracts.tse.LogMessage;
import com.openfiskal.contracts.tse.LogMessageWriter;
import com.openfiskal.contracts.tse.TseAlgorithms;
import com.openfiskal.contracts.tse.TseKeys;
import com.openfiskal.dsfinvk.Schema;
import com.openfiskal.dsfinvk.verify.Finding.Severity;
import com.openfiskal.dsfinvk.verify.Tables.Rec;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The rules across rows and files (DSFINVK.md §3, §7, §9), run once every table has been read. */
final class Rules {

    static final Set<String> BON_TYP = Set.of(
            "Beleg",
            "AVRechnung",
            "AVTransfer",
            "AVBestellung",
            "AVTraining",
            "AVBelegstorno",
            "AVBelegabbruch",
            "AVSachbezug",
            "AVSonstige");
    static final Set<String> GV_TYP = Set.of(
            "Umsatz",
            "Pfand",
            "PfandRueckzahlung",
            "Rabatt",
            "Aufschlag",
            "ZuschussEcht",
            "ZuschussUnecht",
            "TrinkgeldAG",
            "TrinkgeldAN",
            "EinzweckgutscheinKauf",
            "EinzweckgutscheinEinloesung",
            "MehrzweckgutscheinKauf",
            "MehrzweckgutscheinEinloesung",
            "Forderungsentstehung",
            "Forderungsaufloesung",
            "Anzahlungseinstellung",
            "Anzahlungsaufloesung",
            "Anfangsbestand",
            "Privatentnahme",
            "Privateinlage",
            "Geldtransit",
            "Lohnzahlung",
            "Einzahlung",
            "Auszahlung",
            "DifferenzSollIst");
    static final Set<String> ZAHLART_TYP =
            Set.of("Bar", "Unbar", "Keine", "ECKarte", "Kreditkarte", "ElZahlungsdienstleister", "Guthabenkarte");
    static final Set<String> REF_TYP =
            Set.of("ExterneRechnung", "ExternerLieferschein", "Transaktion", "ExterneSonstige");
    static final Set<String> ITEM_TYP =
            Set.of("base_amount", "discount", "extra_amount", "Grundpreis", "Rabatt", "Zuschlag");
    static final Set<String> VORGANGSART = Set.of("Kassenbeleg-V1", "Bestellung-V1", "SonstigerVorgang");
    static final Set<String> ZEITFORMAT =
            Set.of("unixTime", "utcTime", "utcTimeWithSeconds", "generalizedTime", "generalizedTimeWithMilliseconds");
    static final Set<String> PD_ENCODING = Set.of("UTF-8", "ASCII");
    static final Set<String> NO_PAYMENT = Set.of("AVTraining", "AVBestellung", "AVBelegabbruch", "AVSachbezug");

    /** Columns that must not be empty (Anhang G "M"; the TSE columns unless TSE_TA_FEHLER explains why). */
    static final Map<String, List<String>> MANDATORY = Map.ofEntries(
            Map.entry(
                    "cashpointclosing.csv",
                    List.of(
                            "TAXONOMIE_VERSION",
                            "Z_START_ID",
                            "Z_ENDE_ID",
                            "NAME",
                            "STRASSE",
                            "PLZ",
                            "ORT",
                            "LAND",
                            "Z_SE_ZAHLUNGEN",
                            "Z_SE_BARZAHLUNGEN")),
            Map.entry("location.csv", List.of("LOC_NAME", "LOC_STRASSE", "LOC_PLZ", "LOC_ORT", "LOC_LAND")),
            Map.entry("cashregister.csv", List.of("KASSE_SERIENNR", "KASSE_BASISWAEH_CODE")),
            Map.entry("slaves.csv", List.of("TERMINAL_ID", "TERMINAL_SERIENNR")),
            Map.entry(
                    "pa.csv",
                    List.of(
                            "AGENTUR_ID",
                            "AGENTUR_NAME",
                            "AGENTUR_STRASSE",
                            "AGENTUR_PLZ",
                            "AGENTUR_ORT",
                            "AGENTUR_LAND")),
            Map.entry(
                    "tse.csv",
                    List.of(
                            "TSE_ID",
                            "TSE_SERIAL",
                            "TSE_SIG_ALGO",
                            "TSE_ZEITFORMAT",
                            "TSE_PD_ENCODING",
                            "TSE_PUBLIC_KEY",
                            "TSE_ZERTIFIKAT_I")),
            Map.entry("vat.csv", List.of("UST_SCHLUESSEL", "UST_SATZ", "UST_BESCHR")),
            Map.entry("businesscases.csv", List.of("GV_TYP", "UST_SCHLUESSEL", "Z_UMS_BRUTTO", "Z_UMS_NETTO", "Z_UST")),
            Map.entry("payment.csv", List.of("ZAHLART_TYP", "Z_ZAHLART_BETRAG")),
            Map.entry("cash_per_currency.csv", List.of("ZAHLART_WAEH", "ZAHLART_BETRAG_WAEH")),
            Map.entry(
                    "transactions.csv",
                    List.of("BON_ID", "BON_NR", "BON_TYP", "BON_START", "BON_ENDE", "BEDIENER_ID", "UMS_BRUTTO")),
            Map.entry("datapayment.csv", List.of("BON_ID", "ZAHLART_TYP", "ZAHLWAEH_CODE", "BASISWAEH_BETRAG")),
            Map.entry("lines.csv", List.of("BON_ID", "POS_ZEILE", "ARTIKELTEXT", "GV_TYP")),
            Map.entry("itemamounts.csv", List.of("BON_ID", "POS_ZEILE", "UST_SCHLUESSEL")),
            Map.entry("subitems.csv", List.of("BON_ID", "POS_ZEILE", "ZI_ART_NR", "ZI_MENGE", "ZI_UST_SCHLUESSEL")),
            Map.entry("transactions_tse.csv", List.of("BON_ID", "TSE_ID")),
            Map.entry(
                    "transactions_vat.csv", List.of("BON_ID", "UST_SCHLUESSEL", "BON_BRUTTO", "BON_NETTO", "BON_UST")),
            Map.entry("lines_vat.csv", List.of("BON_ID", "POS_ZEILE", "UST_SCHLUESSEL")),
            Map.entry("allocation_groups.csv", List.of("BON_ID")),
            Map.entry("references.csv", List.of("BON_ID", "REF_TYP", "REF_BON_ID")));

    static final List<String> TSE_COLUMNS =
            List.of("TSE_TANR", "TSE_TA_START", "TSE_TA_ENDE", "TSE_TA_VORGANGSART", "TSE_TA_SIGZ", "TSE_TA_SIG");

    static final List<String> BON_FILES = List.of(
            "datapayment.csv",
            "lines.csv",
            "itemamounts.csv",
            "subitems.csv",
            "transactions_tse.csv",
            "transactions_vat.csv",
            "lines_vat.csv",
            "allocation_groups.csv",
            "references.csv");

    private final Schema schema;
    private final Tables t;
    private final List<Finding> findings;
    private int signaturesVerified;

    /** Closing key → its cashpointclosing row; Bon key → transactions row; line key → lines row. */
    private final Map<String, Rec> closings = new LinkedHashMap<>();

    private final Map<String, Rec> bons = new LinkedHashMap<>();
    private final Map<String, Rec> lines = new HashMap<>();

    Rules(Schema schema, Tables tables, List<Finding> findings) {
        this.schema = schema;
        this.t = tables;
        this.findings = findings;
    }

    int signaturesVerified() {
        return signaturesVerified;
    }

    void run() {
        mandatory();
        enumerations();
        closingsAndKeys();
        zNumbers();
        rowSums();
        bonSums();
        closingModule();
        tseMasterData();
        tseTransactions();
        references();
        times();
    }

    private void add(Severity s, Rec r, String rule, String message) {
        findings.add(new Finding(s, r.table().file(), r.number(), rule, message));
    }

    private void add(Severity s, String file, String rule, String message) {
        findings.add(new Finding(s, file, 0, rule, message));
    }

    // --- I-22: mandatory values and closed lists ---------------------------------------------------

    private void mandatory() {
        for (Schema.Table table : schema.tables()) {
            List<String> required = new ArrayList<>(List.of("Z_KASSE_ID", "Z_ERSTELLUNG", "Z_NR"));
            required.addAll(MANDATORY.getOrDefault(table.file(), List.of()));
            for (Rec r : t.of(table.file())) {
                for (String c : required) {
                    if (r.get(c).isEmpty()) {
                        add(Severity.ERROR, r, "T-MANDATORY", c + " must not be empty");
                    }
                }
                if (table.file().equals("transactions_tse.csv")
                        && r.get("TSE_TA_FEHLER").isEmpty()) {
                    for (String c : TSE_COLUMNS) {
                        if (r.get(c).isEmpty()) {
                            add(Severity.ERROR, r, "T-MANDATORY", c + " must not be empty (no TSE_TA_FEHLER)");
                        }
                    }
                }
                if (table.file().equals("lines.csv") && r.get("GV_TYP").equals("Umsatz")) {
                    for (String c : List.of("ART_NR", "MENGE", "STK_BR")) {
                        if (r.get(c).isEmpty()) {
                            add(Severity.WARNING, r, "T-MANDATORY", c + " is mandatory for an article line");
                        }
                    }
                }
            }
        }
    }

    private void enumerations() {
        check("transactions.csv", "BON_TYP", BON_TYP, false);
        check("lines.csv", "GV_TYP", GV_TYP, false);
        check("businesscases.csv", "GV_TYP", GV_TYP, false);
        check("datapayment.csv", "ZAHLART_TYP", ZAHLART_TYP, false);
        check("payment.csv", "ZAHLART_TYP", ZAHLART_TYP, false);
        check("references.csv", "REF_TYP", REF_TYP, false);
        check("itemamounts.csv", "TYP", ITEM_TYP, true);
        check("transactions_tse.csv", "TSE_TA_VORGANGSART", VORGANGSART, true);
        check("tse.csv", "TSE_ZEITFORMAT", ZEITFORMAT, false);
        check("tse.csv", "TSE_PD_ENCODING", PD_ENCODING, false);
        check("transactions.csv", "BON_STORNO", Set.of("0", "1"), true);
        check("lines.csv", "INHAUS", Set.of("0", "1"), true);
        check("lines.csv", "P_STORNO", Set.of("0", "1"), true);
        check("cashregister.csv", "KEINE_UST_ZUORDNUNG", Set.of("0", "1"), true);
        for (Rec r : t.of("tse.csv")) {
            String algo = r.get("TSE_SIG_ALGO");
            if (!algo.matches("ec(s)?dsa-plain-(SHA(224|256|384|512)|SHA3-(224|256|384|512))")) {
                add(Severity.ERROR, r, "T-ENUM", "TSE_SIG_ALGO '" + algo + "' is not in the closed list");
            }
        }
        for (Rec r : t.of("transactions.csv")) {
            if (r.get("BON_TYP").equals("AVSonstige") && r.get("BON_NAME").isEmpty()) {
                add(Severity.ERROR, r, "I-16", "an AVSonstige Bon needs BON_NAME");
            }
            if (r.get("BON_STORNO").equals("1")) {
                add(Severity.ERROR, r, "I-16", "BON_STORNO must be 0 with a TSE (a void is a new negative Beleg)");
            }
        }
    }

    private void check(String file, String column, Set<String> allowed, boolean optional) {
        for (Rec r : t.of(file)) {
            String v = r.get(column);
            if (v.isEmpty() && optional) {
                continue;
            }
            if (!v.isEmpty() && !allowed.contains(v)) {
                add(Severity.ERROR, r, "T-ENUM", column + " '" + v + "' is not in the closed list");
            }
        }
    }

    // --- I-1, I-3..I-7: closings, keys, references between files ----------------------------------

    private void closingsAndKeys() {
        for (Rec r : t.of("cashpointclosing.csv")) {
            if (closings.put(r.closing(), r) != null) {
                add(Severity.ERROR, r, "I-5", "a second cashpointclosing row for closing " + r.closing());
            }
            if (r.get("STNR").isEmpty() && r.get("USTID").isEmpty()) {
                add(Severity.ERROR, r, "I-5", "STNR or USTID must be filled");
            }
        }
        for (Schema.Table table : schema.tables()) {
            for (Rec r : t.of(table.file())) {
                if (!closings.containsKey(r.closing())) {
                    add(Severity.ERROR, r, "I-1", "closing key " + r.closing() + " has no cashpointclosing row");
                }
            }
        }
        Map<String, Integer> registers = count("cashregister.csv");
        Map<String, Integer> locations = count("location.csv");
        Map<String, Integer> vats = count("vat.csv");
        for (Map.Entry<String, Rec> c : closings.entrySet()) {
            if (registers.getOrDefault(c.getKey(), 0) != 1) {
                add(
                        Severity.ERROR,
                        c.getValue(),
                        "I-5",
                        "exactly one cashregister row per closing, found " + registers.getOrDefault(c.getKey(), 0));
            }
            if (locations.getOrDefault(c.getKey(), 0) < 1) {
                add(Severity.ERROR, c.getValue(), "I-5", "the closing has no location row");
            }
            if (vats.getOrDefault(c.getKey(), 0) < 1) {
                add(Severity.ERROR, c.getValue(), "I-5", "the closing has no vat row");
            }
        }
        Map<String, Set<String>> bonNumbers = new HashMap<>();
        Set<String> bonIdsPerRegister = new HashSet<>();
        for (Rec r : t.of("transactions.csv")) {
            if (bons.put(r.bon(), r) != null || !bonIdsPerRegister.add(r.get("Z_KASSE_ID") + "|" + r.get("BON_ID"))) {
                add(Severity.ERROR, r, "I-3", "BON_ID " + r.get("BON_ID") + " is not unique");
            }
            if (!r.get("BON_NR").isEmpty()
                    && !bonNumbers
                            .computeIfAbsent(r.closing(), k -> new HashSet<>())
                            .add(r.get("BON_NR"))) {
                add(Severity.ERROR, r, "I-3", "BON_NR " + r.get("BON_NR") + " is not unique in its closing");
            }
        }
        for (Rec r : t.of("lines.csv")) {
            if (lines.put(r.line(), r) != null) {
                add(Severity.ERROR, r, "I-3", "POS_ZEILE " + r.get("POS_ZEILE") + " is not unique in its Bon");
            }
        }
        for (String file : BON_FILES) {
            for (Rec r : t.of(file)) {
                if (!bons.containsKey(r.bon())) {
                    add(Severity.ERROR, r, "I-6", "Bon " + r.get("BON_ID") + " is not in transactions.csv");
                }
            }
        }
        for (String file : List.of("lines_vat.csv", "itemamounts.csv", "subitems.csv")) {
            for (Rec r : t.of(file)) {
                if (!lines.containsKey(r.line())) {
                    add(
                            Severity.ERROR,
                            r,
                            "I-6",
                            "line " + r.get("BON_ID") + "/" + r.get("POS_ZEILE") + " is not in lines.csv");
                }
            }
        }
        Set<String> tseIds = keys("tse.csv", "TSE_ID");
        for (Rec r : t.of("transactions_tse.csv")) {
            if (!tseIds.contains(r.closing() + "|" + r.get("TSE_ID"))) {
                add(Severity.ERROR, r, "I-7", "TSE_ID " + r.get("TSE_ID") + " is not in tse.csv of this closing");
            }
        }
        Set<String> vatKeys = keys("vat.csv", "UST_SCHLUESSEL");
        for (String[] fc : new String[][] {
            {"transactions_vat.csv", "UST_SCHLUESSEL"}, {"lines_vat.csv", "UST_SCHLUESSEL"},
            {"itemamounts.csv", "UST_SCHLUESSEL"}, {"businesscases.csv", "UST_SCHLUESSEL"},
            {"subitems.csv", "ZI_UST_SCHLUESSEL"}
        }) {
            for (Rec r : t.of(fc[0])) {
                if (!r.get(fc[1]).isEmpty() && !vatKeys.contains(r.closing() + "|" + r.get(fc[1]))) {
                    add(Severity.ERROR, r, "I-7", fc[1] + " " + r.get(fc[1]) + " is not in vat.csv of this closing");
                }
            }
        }
        Set<String> agencies = keys("pa.csv", "AGENTUR_ID");
        for (String file : List.of("lines.csv", "businesscases.csv")) {
            for (Rec r : t.of(file)) {
                String a = r.get("AGENTUR_ID");
                if (!a.isEmpty() && !a.equals("0") && !agencies.contains(r.closing() + "|" + a)) {
                    add(Severity.ERROR, r, "I-7", "AGENTUR_ID " + a + " is not in pa.csv of this closing");
                }
            }
        }
        Set<String> terminals = keys("slaves.csv", "TERMINAL_ID");
        for (String[] fc : new String[][] {{"transactions.csv", "TERMINAL_ID"}, {"lines.csv", "POS_TERMINAL_ID"}}) {
            for (Rec r : t.of(fc[0])) {
                if (!r.get(fc[1]).isEmpty() && !terminals.contains(r.closing() + "|" + r.get(fc[1]))) {
                    add(Severity.ERROR, r, "I-7", fc[1] + " " + r.get(fc[1]) + " is not in slaves.csv of this closing");
                }
            }
        }
        // I-4: first and last Bon of each closing, in file order
        Map<String, List<String>> bonOrder = new LinkedHashMap<>();
        for (Rec r : bons.values()) {
            bonOrder.computeIfAbsent(r.closing(), k -> new ArrayList<>()).add(r.get("BON_ID"));
        }
        for (Map.Entry<String, Rec> c : closings.entrySet()) {
            List<String> ids = bonOrder.getOrDefault(c.getKey(), List.of());
            if (ids.isEmpty()) {
                add(Severity.WARNING, c.getValue(), "I-4", "the closing has no Bon");
                continue;
            }
            if (!c.getValue().get("Z_START_ID").equals(ids.get(0))) {
                add(Severity.ERROR, c.getValue(), "I-4", "Z_START_ID must be the first BON_ID " + ids.get(0));
            }
            if (!c.getValue().get("Z_ENDE_ID").equals(ids.get(ids.size() - 1))) {
                add(
                        Severity.ERROR,
                        c.getValue(),
                        "I-4",
                        "Z_ENDE_ID must be the last BON_ID " + ids.get(ids.size() - 1));
            }
        }
    }

    private Map<String, Integer> count(String file) {
        Map<String, Integer> n = new HashMap<>();
        for (Rec r : t.of(file)) {
            n.merge(r.closing(), 1, Integer::sum);
        }
        return n;
    }

    private Set<String> keys(String file, String column) {
        Set<String> s = new HashSet<>();
        for (Rec r : t.of(file)) {
            s.add(r.closing() + "|" + r.get(column));
        }
        return s;
    }

    // --- I-2: Z_NR per register ---------------------------------------------------------------------

    private void zNumbers() {
        Map<String, TreeMap<Long, Rec>> perRegister = new LinkedHashMap<>();
        for (Rec r : closings.values()) {
            Long z = parseLong(r.get("Z_NR"));
            if (z != null) {
                perRegister
                        .computeIfAbsent(r.get("Z_KASSE_ID"), k -> new TreeMap<>())
                        .put(z, r);
            }
        }
        for (TreeMap<Long, Rec> zs : perRegister.values()) {
            Long prev = null;
            Instant prevTime = null;
            for (Map.Entry<Long, Rec> e : zs.entrySet()) {
                if (prev != null && e.getKey() != prev + 1) {
                    add(
                            Severity.ERROR,
                            e.getValue(),
                            "I-2",
                            "Z_NR " + e.getKey() + " follows " + prev
                                    + " in this archive: closing numbers have no gaps");
                }
                Instant at = instant(e.getValue().get("Z_ERSTELLUNG"));
                // whole seconds: two closings within one second carry the same time, which is not a decrease
                if (prevTime != null && at != null && at.isBefore(prevTime)) {
                    add(Severity.ERROR, e.getValue(), "I-2", "Z_ERSTELLUNG must not decrease as Z_NR increases");
                }
                prev = e.getKey();
                prevTime = at;
            }
        }
    }

    // --- I-8: NETTO + UST = BRUTTO --------------------------------------------------------------------

    private void rowSums() {
        String[][] triples = {
            {"transactions_vat.csv", "BON_BRUTTO", "BON_NETTO", "BON_UST"},
            {"lines_vat.csv", "POS_BRUTTO", "POS_NETTO", "POS_UST"},
            {"itemamounts.csv", "PF_BRUTTO", "PF_NETTO", "PF_UST"},
            {"subitems.csv", "ZI_BASISPREIS_BRUTTO", "ZI_BASISPREIS_NETTO", "ZI_BASISPREIS_UST"},
            {"businesscases.csv", "Z_UMS_BRUTTO", "Z_UMS_NETTO", "Z_UST"}
        };
        for (String[] x : triples) {
            for (Rec r : t.of(x[0])) {
                BigDecimal b = dec(r.get(x[1]));
                BigDecimal n = dec(r.get(x[2]));
                BigDecimal u = dec(r.get(x[3]));
                if (b != null && n != null && u != null && n.add(u).compareTo(b) != 0) {
                    add(Severity.ERROR, r, "I-8", x[2] + " + " + x[3] + " = " + n.add(u) + " but " + x[1] + " = " + b);
                }
            }
        }
    }

    // --- I-9, I-10, I-11, I-16: sums per Bon ----------------------------------------------------------

    private void bonSums() {
        Map<String, BigDecimal> headerGross = sum("transactions_vat.csv", "BON_BRUTTO");
        Map<String, BigDecimal> payments = sum("datapayment.csv", "BASISWAEH_BETRAG");
        Map<String, BigDecimal> lineGross = sum("lines_vat.csv", "POS_BRUTTO");
        for (Rec b : bons.values()) {
            String key = b.bon();
            BigDecimal ums = dec(b.get("UMS_BRUTTO"));
            BigDecimal vat = headerGross.getOrDefault(key, BigDecimal.ZERO);
            if (ums != null && ums.compareTo(vat) != 0) {
                add(Severity.ERROR, b, "I-9", "UMS_BRUTTO " + ums + " but Σ transactions_vat.BON_BRUTTO = " + vat);
            }
            String typ = b.get("BON_TYP");
            BigDecimal paid = payments.getOrDefault(key, BigDecimal.ZERO);
            if (typ.equals("Beleg")) {
                BigDecimal lg = lineGross.getOrDefault(key, BigDecimal.ZERO);
                if (paid.compareTo(lg) != 0) {
                    add(Severity.ERROR, b, "I-11", "Σ datapayment " + paid + " but Σ lines_vat.POS_BRUTTO " + lg);
                }
            } else if (NO_PAYMENT.contains(typ) && paid.signum() != 0) {
                add(Severity.ERROR, b, "I-16", "a " + typ + " Bon carries no payment, found " + paid);
            }
        }
        for (Rec p : t.of("datapayment.csv")) {
            Rec b = bons.get(p.bon());
            if (b != null
                    && NO_PAYMENT.contains(b.get("BON_TYP"))
                    && !p.get("ZAHLART_TYP").equals("Keine")) {
                add(Severity.ERROR, p, "I-16", "a " + b.get("BON_TYP") + " Bon has only Keine payment rows");
            }
        }
        // I-10: header per VAT key equals the sum of its lines
        Map<String, BigDecimal[]> header = new HashMap<>();
        for (Rec r : t.of("transactions_vat.csv")) {
            header.put(r.bon() + "|" + r.get("UST_SCHLUESSEL"), triple(r, "BON_BRUTTO", "BON_NETTO", "BON_UST"));
        }
        Map<String, BigDecimal[]> fromLines = new HashMap<>();
        for (Rec r : t.of("lines_vat.csv")) {
            add(fromLines, r.bon() + "|" + r.get("UST_SCHLUESSEL"), triple(r, "POS_BRUTTO", "POS_NETTO", "POS_UST"));
        }
        Set<String> all = new HashSet<>(header.keySet());
        all.addAll(fromLines.keySet());
        for (String k : all) {
            BigDecimal[] h = header.getOrDefault(k, zeros());
            BigDecimal[] l = fromLines.getOrDefault(k, zeros());
            if (!same(h, l)) {
                Rec b = bons.get(k.substring(0, k.lastIndexOf('|')));
                String msg = "Bon × VAT key " + k.substring(k.lastIndexOf('|') + 1) + ": transactions_vat "
                        + Arrays.toString(h) + " but Σ lines_vat " + Arrays.toString(l);
                if (b != null) {
                    add(Severity.ERROR, b, "I-10", msg);
                } else {
                    add(Severity.ERROR, "transactions_vat.csv", "I-10", msg);
                }
            }
        }
    }

    // --- I-12..I-15: the closing module from the Belege -----------------------------------------------

    private void closingModule() {
        Map<String, BigDecimal[]> expectedCases = new LinkedHashMap<>();
        for (Rec r : t.of("lines_vat.csv")) {
            Rec b = bons.get(r.bon());
            Rec line = lines.get(r.line());
            if (b == null || line == null || !b.get("BON_TYP").equals("Beleg")) {
                continue;
            }
            String agency = line.get("AGENTUR_ID").isEmpty() ? "0" : line.get("AGENTUR_ID");
            add(
                    expectedCases,
                    r.closing() + "|" + line.get("GV_TYP") + "|" + line.get("GV_NAME") + "|" + agency + "|"
                            + r.get("UST_SCHLUESSEL"),
                    triple(r, "POS_BRUTTO", "POS_NETTO", "POS_UST"));
        }
        Map<String, BigDecimal[]> actualCases = new LinkedHashMap<>();
        Map<String, Rec> caseRows = new HashMap<>();
        for (Rec r : t.of("businesscases.csv")) {
            String agency = r.get("AGENTUR_ID").isEmpty() ? "0" : r.get("AGENTUR_ID");
            String k = r.closing() + "|" + r.get("GV_TYP") + "|" + r.get("GV_NAME") + "|" + agency + "|"
                    + r.get("UST_SCHLUESSEL");
            if (caseRows.put(k, r) != null) {
                add(Severity.ERROR, r, "I-12", "a second businesscases row for the same group");
            }
            add(actualCases, k, triple(r, "Z_UMS_BRUTTO", "Z_UMS_NETTO", "Z_UST"));
        }
        compareGroups(expectedCases, actualCases, caseRows, "businesscases.csv", "I-12");

        Map<String, BigDecimal[]> expectedPay = new LinkedHashMap<>();
        Map<String, BigDecimal> cash = new HashMap<>();
        Map<String, BigDecimal> cashPerCurrency = new LinkedHashMap<>();
        Map<String, String> baseCurrency = new HashMap<>();
        for (Rec r : t.of("cashregister.csv")) {
            baseCurrency.put(r.closing(), r.get("KASSE_BASISWAEH_CODE"));
        }
        for (Rec r : t.of("datapayment.csv")) {
            Rec b = bons.get(r.bon());
            if (b == null || !b.get("BON_TYP").equals("Beleg")) {
                continue;
            }
            BigDecimal amount = nz(dec(r.get("BASISWAEH_BETRAG")));
            add(expectedPay, r.closing() + "|" + r.get("ZAHLART_TYP") + "|" + r.get("ZAHLART_NAME"), new BigDecimal[] {
                amount
            });
            if (r.get("ZAHLART_TYP").equals("Bar")) {
                cash.merge(r.closing(), amount, BigDecimal::add);
                String currency = r.get("ZAHLWAEH_CODE");
                boolean base = currency.equals(baseCurrency.get(r.closing()));
                BigDecimal inCurrency = base ? amount : nz(dec(r.get("ZAHLWAEH_BETRAG")));
                cashPerCurrency.merge(r.closing() + "|" + currency, inCurrency, BigDecimal::add);
            }
        }
        Map<String, BigDecimal[]> actualPay = new LinkedHashMap<>();
        Map<String, Rec> payRows = new HashMap<>();
        for (Rec r : t.of("payment.csv")) {
            String k = r.closing() + "|" + r.get("ZAHLART_TYP") + "|" + r.get("ZAHLART_NAME");
            if (payRows.put(k, r) != null) {
                add(Severity.ERROR, r, "I-13", "a second payment row for the same payment type and name");
            }
            add(actualPay, k, new BigDecimal[] {nz(dec(r.get("Z_ZAHLART_BETRAG")))});
        }
        compareGroups(expectedPay, actualPay, payRows, "payment.csv", "I-13");

        Map<String, BigDecimal> paymentTotal = new HashMap<>();
        for (Map.Entry<String, BigDecimal[]> e : actualPay.entrySet()) {
            paymentTotal.merge(e.getKey().substring(0, nthBar(e.getKey(), 3)), e.getValue()[0], BigDecimal::add);
        }
        Map<String, BigDecimal> casesTotal = new HashMap<>();
        for (Map.Entry<String, BigDecimal[]> e : actualCases.entrySet()) {
            casesTotal.merge(e.getKey().substring(0, nthBar(e.getKey(), 3)), e.getValue()[0], BigDecimal::add);
        }
        for (Map.Entry<String, Rec> c : closings.entrySet()) {
            BigDecimal se = dec(c.getValue().get("Z_SE_ZAHLUNGEN"));
            BigDecimal bar = dec(c.getValue().get("Z_SE_BARZAHLUNGEN"));
            BigDecimal pay = paymentTotal.getOrDefault(c.getKey(), BigDecimal.ZERO);
            BigDecimal cases = casesTotal.getOrDefault(c.getKey(), BigDecimal.ZERO);
            if (se != null && se.compareTo(pay) != 0) {
                add(Severity.ERROR, c.getValue(), "I-13", "Z_SE_ZAHLUNGEN " + se + " but Σ payment " + pay);
            }
            BigDecimal expectedBar = cash.getOrDefault(c.getKey(), BigDecimal.ZERO);
            if (bar != null && bar.compareTo(expectedBar) != 0) {
                add(
                        Severity.ERROR,
                        c.getValue(),
                        "I-13",
                        "Z_SE_BARZAHLUNGEN " + bar + " but Σ Bar payments " + expectedBar);
            }
            if (cases.compareTo(pay) != 0) {
                add(
                        Severity.ERROR,
                        c.getValue(),
                        "I-14",
                        "Σ businesscases.Z_UMS_BRUTTO " + cases + " but Σ payment.Z_ZAHLART_BETRAG " + pay);
            }
        }
        Map<String, Rec> currencyRows = new HashMap<>();
        for (Rec r : t.of("cash_per_currency.csv")) {
            String k = r.closing() + "|" + r.get("ZAHLART_WAEH");
            currencyRows.put(k, r);
            BigDecimal expected = cashPerCurrency.getOrDefault(k, BigDecimal.ZERO);
            BigDecimal actual = nz(dec(r.get("ZAHLART_BETRAG_WAEH")));
            if (expected.compareTo(actual) != 0) {
                add(
                        Severity.ERROR,
                        r,
                        "I-15",
                        "cash in " + r.get("ZAHLART_WAEH") + " is " + expected + " by the Bar payments, not " + actual);
            }
        }
        for (Map.Entry<String, BigDecimal> e : cashPerCurrency.entrySet()) {
            if (!currencyRows.containsKey(e.getKey()) && e.getValue().signum() != 0) {
                add(
                        Severity.ERROR,
                        "cash_per_currency.csv",
                        "I-15",
                        "no row for " + e.getKey() + " (cash " + e.getValue() + ")");
            }
        }
    }

    private void compareGroups(
            Map<String, BigDecimal[]> expected,
            Map<String, BigDecimal[]> actual,
            Map<String, Rec> rows,
            String file,
            String rule) {
        for (Map.Entry<String, BigDecimal[]> e : expected.entrySet()) {
            BigDecimal[] a = actual.get(e.getKey());
            if (a == null) {
                if (Arrays.stream(e.getValue()).anyMatch(v -> v.signum() != 0)) {
                    add(
                            Severity.ERROR,
                            file,
                            rule,
                            "no row for group " + e.getKey() + " " + Arrays.toString(e.getValue()));
                }
            } else if (!same(a, e.getValue())) {
                add(
                        Severity.ERROR,
                        rows.get(e.getKey()),
                        rule,
                        "group " + e.getKey() + " is " + Arrays.toString(a) + " but the Belege sum to "
                                + Arrays.toString(e.getValue()));
            }
        }
        for (Map.Entry<String, BigDecimal[]> e : actual.entrySet()) {
            if (!expected.containsKey(e.getKey()) && Arrays.stream(e.getValue()).anyMatch(v -> v.signum() != 0)) {
                add(Severity.ERROR, rows.get(e.getKey()), rule, "group " + e.getKey() + " has no Beleg behind it");
            }
        }
    }

    // --- I-19: tse.csv --------------------------------------------------------------------------------

    private final Map<String, PublicKey> tseKeys = new HashMap<>();

    private void tseMasterData() {
        for (Rec r : t.of("tse.csv")) {
            byte[] point;
            try {
                point = Base64.getDecoder().decode(r.get("TSE_PUBLIC_KEY"));
            } catch (IllegalArgumentException e) {
                add(Severity.ERROR, r, "I-19", "TSE_PUBLIC_KEY is not base64");
                continue;
            }
            String serial = hex(sha256(point));
            if (!serial.equalsIgnoreCase(r.get("TSE_SERIAL"))) {
                add(Severity.ERROR, r, "I-19", "TSE_SERIAL must be the SHA-256 of the public key: " + serial);
            }
            PublicKey key = null;
            String cert = r.get("TSE_ZERTIFIKAT_I") + r.get("TSE_ZERTIFIKAT_II");
            try {
                X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(
                                new ByteArrayInputStream(Base64.getDecoder().decode(cert)));
                if (c.getPublicKey() instanceof ECPublicKey ec) {
                    if (!Arrays.equals(TseKeys.uncompressedPoint(ec), point)) {
                        add(Severity.ERROR, r, "I-19", "the certificate's key is not TSE_PUBLIC_KEY");
                    }
                    key = ec;
                }
            } catch (Exception e) {
                add(Severity.ERROR, r, "I-19", "TSE_ZERTIFIKAT_I+II is not a base64 X.509 certificate");
            }
            if (key == null) {
                key = fromPoint(point);
            }
            if (key != null) {
                tseKeys.put(r.closing() + "|" + r.get("TSE_ID"), key);
            }
        }
    }

    // --- I-17, I-18 and the signatures ----------------------------------------------------------------

    private void tseTransactions() {
        Map<String, Rec> tse = new HashMap<>();
        for (Rec r : t.of("tse.csv")) {
            tse.put(r.closing() + "|" + r.get("TSE_ID"), r);
        }
        Map<String, String> clientIds = new HashMap<>();
        for (Rec r : t.of("cashregister.csv")) {
            clientIds.put(r.closing(), r.get("KASSE_SERIENNR"));
        }
        Map<String, String> terminalSerials = new HashMap<>();
        for (Rec r : t.of("slaves.csv")) {
            terminalSerials.put(r.closing() + "|" + r.get("TERMINAL_ID"), r.get("TERMINAL_SERIENNR"));
        }
        Set<String> withTse = new HashSet<>();
        Set<String> numbers = new HashSet<>();
        Set<String> counters = new HashSet<>();
        Map<String, List<Rec>> vatByBon = group("transactions_vat.csv");
        Map<String, List<Rec>> payByBon = group("datapayment.csv");
        for (Rec r : t.of("transactions_tse.csv")) {
            withTse.add(r.bon());
            Rec device = tse.get(r.closing() + "|" + r.get("TSE_ID"));
            String serial = device == null ? r.get("TSE_ID") : device.get("TSE_SERIAL");
            if (!r.get("TSE_TANR").isEmpty() && !numbers.add(serial + "|" + r.get("TSE_TANR"))) {
                add(Severity.ERROR, r, "I-17", "TSE_TANR " + r.get("TSE_TANR") + " appears twice for this TSE");
            }
            if (!r.get("TSE_TA_SIGZ").isEmpty() && !counters.add(serial + "|" + r.get("TSE_TA_SIGZ"))) {
                add(Severity.ERROR, r, "I-17", "TSE_TA_SIGZ " + r.get("TSE_TA_SIGZ") + " appears twice for this TSE");
            }
            Instant start = tseInstant(r.get("TSE_TA_START"));
            Instant end = tseInstant(r.get("TSE_TA_ENDE"));
            if (!r.get("TSE_TA_START").isEmpty() && start == null) {
                add(Severity.ERROR, r, "T-TIME", "TSE_TA_START must be yyyy-MM-ddTHH:mm:ss.SSSZ in UTC");
            }
            if (!r.get("TSE_TA_ENDE").isEmpty() && end == null) {
                add(Severity.ERROR, r, "T-TIME", "TSE_TA_ENDE must be yyyy-MM-ddTHH:mm:ss.SSSZ in UTC");
            }
            if (start != null && end != null && start.isAfter(end)) {
                add(Severity.ERROR, r, "I-17", "TSE_TA_START is after TSE_TA_ENDE");
            }
            Rec bon = bons.get(r.bon());
            String pd = r.get("TSE_VORGANGSDATEN");
            if (bon != null && r.get("TSE_TA_VORGANGSART").equals("Kassenbeleg-V1") && !pd.isEmpty()) {
                processData(
                        r,
                        bon,
                        pd,
                        vatByBon.getOrDefault(r.bon(), List.of()),
                        payByBon.getOrDefault(r.bon(), List.of()),
                        clientIds);
            }
            if (!r.get("TSE_TA_FEHLER").isEmpty() && r.get("TSE_TA_SIG").isEmpty()) {
                continue;
            }
            String client = bon != null && !bon.get("TERMINAL_ID").isEmpty()
                    ? terminalSerials.get(r.closing() + "|" + bon.get("TERMINAL_ID"))
                    : clientIds.get(r.closing());
            signature(r, device, tseKeys.get(r.closing() + "|" + r.get("TSE_ID")), client, end);
        }
        for (Rec b : bons.values()) {
            if (!withTse.contains(b.bon())) {
                add(Severity.ERROR, b, "I-17", "Bon " + b.get("BON_ID") + " has no transactions_tse row");
            }
        }
    }

    /** I-18: the signed processData says what the export says. */
    private void processData(Rec r, Rec bon, String pd, List<Rec> vat, List<Rec> pay, Map<String, String> clientIds) {
        String[] parts = pd.split("\\^", -1);
        if (parts.length != 3) {
            add(Severity.ERROR, r, "I-18", "processData '" + pd + "' is not <type>^<amounts>^<payments>");
            return;
        }
        if (!parts[0].equals(bon.get("BON_TYP"))) {
            add(Severity.ERROR, r, "I-18", "processData type " + parts[0] + " but BON_TYP " + bon.get("BON_TYP"));
        }
        BigDecimal[] slots = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
        for (Rec v : vat) {
            int slot = slot(v.get("UST_SCHLUESSEL"));
            if (slot < 1) {
                add(Severity.WARNING, r, "I-18", "VAT key " + v.get("UST_SCHLUESSEL") + " has no known slot");
                return;
            }
            slots[slot - 1] = slots[slot - 1].add(nz(dec(v.get("BON_BRUTTO"))));
        }
        String[] signed = parts[1].split("_", -1);
        if (signed.length != 5) {
            add(Severity.ERROR, r, "I-18", "processData needs five gross amounts, got '" + parts[1] + "'");
            return;
        }
        for (int i = 0; i < 5; i++) {
            String expected = truncated(slots[i]);
            if (!signed[i].equals(expected)) {
                add(
                        Severity.ERROR,
                        r,
                        "I-18",
                        "processData slot " + (i + 1) + " is " + signed[i] + " but the Bon's VAT rows give "
                                + expected);
            }
        }
        Map<String, BigDecimal> classes = new TreeMap<>();
        String base = "EUR";
        for (Rec p : pay) {
            String typ = p.get("ZAHLART_TYP");
            if (typ.equals("Keine")) {
                continue;
            }
            String cls = typ.equals("Bar") ? "Bar" : "Unbar";
            boolean foreign = !p.get("ZAHLWAEH_CODE").equals(base)
                    && !p.get("ZAHLWAEH_CODE").isEmpty();
            BigDecimal amount = foreign ? nz(dec(p.get("ZAHLWAEH_BETRAG"))) : nz(dec(p.get("BASISWAEH_BETRAG")));
            classes.merge(cls + (foreign ? ":" + p.get("ZAHLWAEH_CODE") : ""), amount, BigDecimal::add);
        }
        Map<String, String> expected = new TreeMap<>();
        classes.forEach((k, v) -> {
            if (v.signum() != 0) {
                expected.put(k, truncated(v));
            }
        });
        Map<String, String> actual = new TreeMap<>();
        if (!parts[2].isEmpty()) {
            for (String leg : parts[2].split("_")) {
                String[] f = leg.split(":", 2);
                if (f.length != 2) {
                    add(Severity.ERROR, r, "I-18", "processData payment '" + leg + "' is not <amount>:<class>");
                    return;
                }
                actual.put(f[1], f[0]);
            }
        }
        if (!expected.equals(actual)) {
            add(Severity.ERROR, r, "I-18", "processData payments " + actual + " but datapayment gives " + expected);
        }
    }

    private void signature(Rec r, Rec device, PublicKey key, String clientId, Instant end) {
        if (r.get("TSE_VORGANGSDATEN").isEmpty()) {
            add(Severity.UNVERIFIABLE, r, "SIG", "no TSE_VORGANGSDATEN: the signed processData is not in the archive");
            return;
        }
        if (device == null || key == null || clientId == null || end == null) {
            add(Severity.UNVERIFIABLE, r, "SIG", "TSE master data, client serial or log time missing");
            return;
        }
        if (!device.get("TSE_ZEITFORMAT").equals("unixTime")) {
            add(
                    Severity.UNVERIFIABLE,
                    r,
                    "SIG",
                    "log time format " + device.get("TSE_ZEITFORMAT") + " cannot be rebuilt from TSE_TA_ENDE");
            return;
        }
        if (segmented(r.get("TSE_VORGANGSDATEN"))) {
            add(Severity.UNVERIFIABLE, r, "SIG", "processData fills the whole column and may be segmented");
            return;
        }
        try {
            String algo = device.get("TSE_SIG_ALGO").replace("ecsdsa", "ecdsa");
            TseAlgorithms.Algorithm a = TseAlgorithms.byName(algo).orElse(null);
            if (a == null) {
                add(Severity.UNVERIFIABLE, r, "SIG", "signature algorithm " + algo + " is not supported here");
                return;
            }
            byte[] pd = r.get("TSE_VORGANGSDATEN")
                    .getBytes(
                            device.get("TSE_PD_ENCODING").equals("ASCII")
                                    ? StandardCharsets.US_ASCII
                                    : StandardCharsets.UTF_8);
            byte[] log = LogMessageWriter.rebuildTransactionLog(
                    java.util.HexFormat.of().parseHex(device.get("TSE_SERIAL")),
                    a.oid(),
                    "FinishTransaction",
                    clientId,
                    pd,
                    r.get("TSE_TA_VORGANGSART"),
                    Long.parseLong(r.get("TSE_TANR")),
                    Long.parseLong(r.get("TSE_TA_SIGZ")),
                    end,
                    Base64.getDecoder().decode(r.get("TSE_TA_SIG")));
            if (LogMessage.parse(log).verify(key)) {
                signaturesVerified++;
            } else {
                add(Severity.ERROR, r, "SIG", "the signature does not verify with the TSE's public key");
            }
        } catch (Exception e) {
            add(Severity.ERROR, r, "SIG", "the signature cannot be checked: " + e.getMessage());
        }
    }

    // --- I-21 references ------------------------------------------------------------------------------

    private void references() {
        Set<String> referenced = new HashSet<>();
        for (Rec r : t.of("references.csv")) {
            if (!r.get("POS_ZEILE").isEmpty() && !lines.containsKey(r.line())) {
                add(
                        Severity.ERROR,
                        r,
                        "I-6",
                        "line " + r.get("POS_ZEILE") + " of the referencing Bon is not in lines.csv");
            }
            switch (r.get("REF_TYP")) {
                case "Transaktion" -> {
                    if (r.get("REF_Z_KASSE_ID").isEmpty()
                            || r.get("REF_DATUM").isEmpty()
                            || r.get("REF_Z_NR").isEmpty()) {
                        add(
                                Severity.ERROR,
                                r,
                                "I-21",
                                "a Transaktion reference needs REF_Z_KASSE_ID, REF_DATUM, REF_Z_NR");
                        continue;
                    }
                    String target = r.get("REF_Z_KASSE_ID") + "|" + r.get("REF_DATUM") + "|" + r.get("REF_Z_NR") + "|"
                            + r.get("REF_BON_ID");
                    if (!bons.containsKey(target)) {
                        boolean closingHere = closings.containsKey(target.substring(0, target.lastIndexOf('|')));
                        add(
                                closingHere ? Severity.ERROR : Severity.WARNING,
                                r,
                                "I-21",
                                "referenced Bon " + r.get("REF_BON_ID")
                                        + (closingHere ? " is not in its closing" : " is outside this archive"));
                    }
                }
                case "ExterneSonstige" -> {
                    if (r.get("REF_NAME").isEmpty()) {
                        add(Severity.ERROR, r, "I-21", "an ExterneSonstige reference needs REF_NAME");
                    }
                }
                default -> {}
            }
            referenced.add(r.bon() + "|" + r.get("POS_ZEILE"));
            referenced.add(r.bon() + "|");
        }
        for (Rec l : lines.values()) {
            String gv = l.get("GV_TYP");
            if ((gv.equals("Forderungsaufloesung") || gv.equals("Anzahlungsaufloesung"))
                    && !referenced.contains(l.line())
                    && !referenced.contains(l.bon() + "|")) {
                add(Severity.ERROR, l, "I-21", gv + " lines must reference the original");
            }
        }
    }

    // --- I-20 and timestamp formats -------------------------------------------------------------------

    private void times() {
        for (Rec c : closings.values()) {
            if (instant(c.get("Z_ERSTELLUNG")) == null) {
                add(Severity.ERROR, c, "T-TIME", "Z_ERSTELLUNG is not an ISO 8601 / RFC 3339 timestamp");
            }
        }
        for (Rec b : bons.values()) {
            Instant start = instant(b.get("BON_START"));
            Instant end = instant(b.get("BON_ENDE"));
            Instant closing = instant(b.get("Z_ERSTELLUNG"));
            if (start == null || end == null) {
                add(Severity.ERROR, b, "T-TIME", "BON_START and BON_ENDE must be ISO 8601 / RFC 3339 timestamps");
                continue;
            }
            if (start.isAfter(end)) {
                add(Severity.ERROR, b, "I-20", "BON_START is after BON_ENDE");
            }
            if (closing != null && end.isAfter(closing)) {
                add(Severity.ERROR, b, "I-20", "BON_ENDE is after Z_ERSTELLUNG");
            }
        }
    }

    // --- helpers --------------------------------------------------------------------------------------

    private Map<String, List<Rec>> group(String file) {
        Map<String, List<Rec>> m = new HashMap<>();
        for (Rec r : t.of(file)) {
            m.computeIfAbsent(r.bon(), k -> new ArrayList<>()).add(r);
        }
        return m;
    }

    private Map<String, BigDecimal> sum(String file, String column) {
        Map<String, BigDecimal> m = new HashMap<>();
        for (Rec r : t.of(file)) {
            m.merge(r.bon(), nz(dec(r.get(column))), BigDecimal::add);
        }
        return m;
    }

    private static BigDecimal[] triple(Rec r, String b, String n, String u) {
        return new BigDecimal[] {nz(dec(r.get(b))), nz(dec(r.get(n))), nz(dec(r.get(u)))};
    }

    private static void add(Map<String, BigDecimal[]> m, String key, BigDecimal[] v) {
        m.merge(key, v, (a, b) -> {
            BigDecimal[] s = new BigDecimal[a.length];
            for (int i = 0; i < a.length; i++) {
                s[i] = a[i].add(b[i]);
            }
            return s;
        });
    }

    private static BigDecimal[] zeros() {
        return new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
    }

    private static boolean same(BigDecimal[] a, BigDecimal[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i].compareTo(b[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    private static int nthBar(String s, int n) {
        int i = -1;
        for (int k = 0; k < n; k++) {
            i = s.indexOf('|', i + 1);
        }
        return i;
    }

    /** processData slot of a DSFinV-K VAT key (DSFINVK.md §7.4); 0 when unknown (keys ≥ 1000). */
    static int slot(String key) {
        Long k = parseLong(key);
        if (k == null || k < 1 || k >= 100) {
            return 0;
        }
        long base = k < 10 ? k : k % 10;
        if (base < 1 || base > 8) {
            return 0;
        }
        return base <= 4 ? (int) base : 5;
    }

    static String truncated(BigDecimal v) {
        BigDecimal x = v.setScale(2, RoundingMode.DOWN);
        return x.signum() == 0 ? "0.00" : x.toPlainString();
    }

    static BigDecimal dec(String v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return new BigDecimal(v.replace(',', '.'));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static BigDecimal nz(BigDecimal v) {
        return v == null ? BigDecimal.ZERO : v;
    }

    private static Long parseLong(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** RFC 3339 with offset, or ISO 8601 local time (read as UTC; the spec's own examples have no offset). */
    static Instant instant(String v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    static Instant tseInstant(String v) {
        if (v == null || !v.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z")) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    private static PublicKey fromPoint(byte[] point) {
        String curve = point.length == 65 ? "secp256r1" : point.length == 97 ? "secp384r1" : null;
        if (curve == null) {
            return null;
        }
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec(curve));
            return TseKeys.fromPoint(point, p.getParameterSpec(ECParameterSpec.class));
        } catch (Exception e) {
            return null;
        }
    }

    /** A processData that fills TSE_VORGANGSDATEN (1000 characters) may be the first segment of a longer one. */
    private static boolean segmented(String pd) {
        return pd.codePointCount(0, pd.length()) >= 1000;
    }
}
