package com.openfiskal.dsfinvk;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The DSFinV-K tables as the official {@code index.xml} declares them (DSFINVK.md §2, §8): file names,
 * table names, and every column with its type, maximum length and accuracy, in order. Nothing here is
 * typed by hand: the writer, the archive and the verifier all read the one shipped copy, so they cannot
 * drift from the standard.
 */
public final class Schema {

    /** The file names of the two non-CSV members, as the DOCTYPE of index.xml names the DTD. */
    public static final String INDEX_XML = "index.xml";

    public static final String DTD = "gdpdu-01-09-2004.dtd";

    /** A column: {@code numeric} columns have an accuracy (0 = integer), text columns a maximum length. */
    public record Column(String name, boolean numeric, int accuracy, int maxLength) {}

    /** A table: its CSV file name ({@code URL}), its GDPdU name and its columns in order. */
    public record Table(String file, String name, List<Column> columns) {

        public int index(String column) {
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equals(column)) {
                    return i;
                }
            }
            throw new IllegalArgumentException(file + " has no column " + column);
        }

        public List<String> header() {
            return columns.stream().map(Column::name).toList();
        }
    }

    private static final Schema OFFICIAL = new Schema(resource(INDEX_XML));

    private final byte[] indexXml;
    private final Map<String, Table> tables;

    private Schema(byte[] indexXml) {
        this.indexXml = indexXml;
        this.tables = Collections.unmodifiableMap(parse(indexXml));
    }

    /** The schema of the official index.xml shipped with this module. */
    public static Schema official() {
        return OFFICIAL;
    }

    /** The tables in the order index.xml declares them (the order of the archive, API.md §9.6). */
    public List<Table> tables() {
        return List.copyOf(tables.values());
    }

    public Table table(String file) {
        return find(file).orElseThrow(() -> new IllegalArgumentException("no DSFinV-K table " + file));
    }

    public Optional<Table> find(String file) {
        return Optional.ofNullable(tables.get(file));
    }

    /** The bytes of index.xml, byte-identical to the reference copy (BOM and CRLF included). */
    public byte[] indexXml() {
        return indexXml.clone();
    }

    /** The bytes of the GDPdU DTD that index.xml names. */
    public static byte[] dtd() {
        return resource(DTD);
    }

    /** Every member of an archive, in order: index.xml, the DTD, then the 20 tables. */
    public List<String> archiveMembers() {
        List<String> members = new ArrayList<>();
        members.add(INDEX_XML);
        members.add(DTD);
        members.addAll(tables.keySet());
        return members;
    }

    static byte[] resource(String name) {
        try (InputStream in = Schema.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Table> parse(byte[] xml) {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            // the DTD is the shipped copy, never fetched from anywhere
            b.setEntityResolver((publicId, systemId) -> new InputSource(new ByteArrayInputStream(dtd())));
            doc = b.parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            throw new IllegalStateException("index.xml is unreadable", e);
        }
        Map<String, Table> tables = new LinkedHashMap<>();
        NodeList list = doc.getElementsByTagName("Table");
        for (int i = 0; i < list.getLength(); i++) {
            Element t = (Element) list.item(i);
            List<Column> columns = new ArrayList<>();
            NodeList cols = t.getElementsByTagName("VariableColumn");
            for (int c = 0; c < cols.getLength(); c++) {
                Element col = (Element) cols.item(c);
                Element numeric = child(col, "Numeric");
                if (numeric != null) {
                    Element accuracy = child(numeric, "Accuracy");
                    columns.add(new Column(
                            text(col, "Name"),
                            true,
                            accuracy == null
                                    ? 0
                                    : Integer.parseInt(accuracy.getTextContent().trim()),
                            0));
                } else {
                    Element max = child(col, "MaxLength");
                    columns.add(new Column(
                            text(col, "Name"),
                            false,
                            0,
                            max == null
                                    ? Integer.MAX_VALUE
                                    : Integer.parseInt(max.getTextContent().trim())));
                }
            }
            String file = text(t, "URL");
            tables.put(file, new Table(file, text(t, "Name"), List.copyOf(columns)));
        }
        return tables;
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }
}
