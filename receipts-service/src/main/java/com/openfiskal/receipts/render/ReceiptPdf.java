package com.openfiskal.receipts.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * The receipt as a PDF (API.md §10.4): the content of the hosted page on A4, drawn with Apache PDFBox, the
 * TSE QR code as vector modules so that it stays sharp at any zoom and in print. Text uses the standard
 * PDF fonts (nothing to embed, WinAnsi covers German); a character outside WinAnsi prints as "?".
 */
public final class ReceiptPdf {

    private static final float MARGIN = 50;
    private static final float WIDTH = PDRectangle.A4.getWidth() - 2 * MARGIN;
    private static final float MODULE = 2.4f;
    private static final PDType1Font REGULAR = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    private static final PDType1Font BOLD = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    private static final PDType1Font MONO = new PDType1Font(Standard14Fonts.FontName.COURIER);

    private ReceiptPdf() {}

    /** The PDF of the view; {@code qr} is the receipt's TSE QR code, null when it has none. */
    public static byte[] render(ReceiptView v, QrCodes.Modules qr) {
        Messages m = ReceiptView.messages(v.lang());
        try (PDDocument doc = new PDDocument()) {
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle(v.title() + " – " + v.legalName());
            info.setProducer("OpenFiskal");
            // a fixed creation date would be a lie; the receipt's own date is on the page
            info.setCreationDate(Calendar.getInstance(TimeZone.getTimeZone("UTC")));
            Pages p = new Pages(doc);
            p.line(BOLD, 14, v.title());
            p.gap(6);
            p.line(BOLD, 10, v.legalName());
            if (v.locationName() != null) {
                p.line(REGULAR, 10, v.locationName());
            }
            for (String a : v.address()) {
                p.line(REGULAR, 10, a);
            }
            if (v.taxId() != null) {
                p.line(REGULAR, 9, m.taxId() + ": " + v.taxId());
            }
            p.gap(8);
            p.pair(m.date(), v.issued() + " (" + v.issuedUtc() + ")", REGULAR);
            if (v.registerName() != null) {
                p.pair(m.register(), v.registerName(), REGULAR);
            }
            if (v.externalReference() != null) {
                p.pair(m.externalReference(), v.externalReference(), REGULAR);
            }
            if (v.relatedOperationId() != null) {
                p.pair(m.relatedOperation(), v.relatedOperationId(), REGULAR);
            }

            float[] cols = {40, 300, 380, 460, WIDTH};
            p.heading(m.description());
            p.row(BOLD, cols, m.quantity(), m.description(), m.unitPrice(), m.amount(), m.vat());
            for (ReceiptView.Line l : v.lines()) {
                p.row(REGULAR, cols, l.quantity(), l.description(), l.unitPrice(), l.amount(), l.rate());
            }
            for (ReceiptView.Discount d : v.discounts()) {
                p.row(REGULAR, cols, "", d.description(), "", "-" + d.amount(), "");
            }
            if (v.tip() != null) {
                p.row(REGULAR, cols, "", m.tip(), "", v.tip(), "");
            }
            p.rule();
            p.row(BOLD, cols, "", m.total(), "", v.totalGross(), "");

            float[] taxCols = {0, 300, 380, 460, WIDTH};
            p.heading(m.vat());
            p.row(BOLD, taxCols, "", m.taxRate(), m.net(), m.tax(), m.gross());
            for (ReceiptView.Tax t : v.taxes()) {
                p.row(REGULAR, taxCols, "", t.rate(), t.net(), t.tax(), t.gross());
            }
            p.rule();
            p.row(BOLD, taxCols, "", m.total(), v.totalNet(), v.totalTax(), v.taxedGross());
            if (v.hasExempt()) {
                p.line(REGULAR, 8, m.exemptNote());
            }

            p.heading(m.payments());
            float[] payCols = {0, 380, 460, WIDTH, WIDTH};
            for (ReceiptView.Payment pay : v.payments()) {
                String method = pay.detail().isEmpty() ? pay.method() : pay.method() + " " + pay.detail();
                p.row(REGULAR, payCols, "", method, "", pay.amount(), "");
            }

            ReceiptView.Fiscal f = v.fiscal();
            if (f == null) {
                p.gap(10);
                p.line(REGULAR, 9, m.online());
            } else {
                p.heading(m.tseData());
                if (!f.certified()) {
                    for (String part : p.wrap(REGULAR, 9, m.uncertified(), WIDTH)) {
                        p.line(BOLD, 9, part);
                    }
                    p.gap(4);
                }
                p.pair(m.transactionStart(), f.start() + " (" + f.startUtc() + ")", REGULAR);
                p.pair(m.transactionEnd(), f.end() + " (" + f.endUtc() + ")", REGULAR);
                p.pair(m.transactionNumber(), f.transactionNumber(), MONO);
                p.pair(m.signatureCounter(), f.signatureCounter(), MONO);
                p.pair(m.clientSerial(), f.clientSerial(), MONO);
                p.pair(m.tssSerial(), f.tssSerial(), MONO);
                p.pair(m.signatureAlgorithm(), f.signatureAlgorithm(), MONO);
                p.pair(m.timeFormat(), f.timeFormat(), MONO);
                p.pair(m.signature(), f.signature(), MONO);
                if (f.publicKey() != null) {
                    p.pair(m.publicKey(), f.publicKey(), MONO);
                }
                p.qr(qr);
                p.line(REGULAR, 8, m.qrCaption());
            }
            p.close();
            ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lays out lines top to bottom, starting a new page when one is full. */
    private static final class Pages {
        private final PDDocument doc;
        private PDPageContentStream cs;
        private float y;

        Pages(PDDocument doc) throws IOException {
            this.doc = doc;
            newPage();
        }

        private void newPage() throws IOException {
            if (cs != null) {
                cs.close();
            }
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            cs = new PDPageContentStream(doc, page);
            y = PDRectangle.A4.getHeight() - MARGIN;
        }

        private void room(float height) throws IOException {
            if (y - height < MARGIN) {
                newPage();
            }
        }

        void gap(float height) {
            y -= height;
        }

        void line(PDType1Font font, float size, String text) throws IOException {
            room(size * 1.4f);
            y -= size * 1.4f;
            text(font, size, MARGIN, text);
        }

        void heading(String text) throws IOException {
            room(40);
            gap(10);
            line(BOLD, 11, text);
            rule();
        }

        void rule() throws IOException {
            y -= 3;
            cs.setLineWidth(0.5f);
            cs.moveTo(MARGIN, y);
            cs.lineTo(MARGIN + WIDTH, y);
            cs.stroke();
            y -= 2;
        }

        /** A label and a value; a long value wraps within its column. */
        void pair(String label, String value, PDType1Font font) throws IOException {
            float labelWidth = 150;
            float size = font == MONO ? 8 : 9;
            List<String> parts = wrap(font, size, value, WIDTH - labelWidth);
            room(parts.size() * 12f);
            y -= 12;
            text(REGULAR, 9, MARGIN, label);
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) {
                    y -= 11;
                }
                text(font, size, MARGIN + labelWidth, parts.get(i));
            }
        }

        /**
         * Five cells: a right-aligned quantity ending at cols[0], a description from cols[0] + 8, and three
         * right-aligned amounts ending at cols[2], cols[3] and cols[4].
         */
        void row(PDType1Font font, float[] cols, String qty, String description, String c2, String c3, String c4)
                throws IOException {
            float size = 9;
            List<String> parts = wrap(font, size, description, cols[1] - cols[0] - 12);
            room(parts.size() * 12f);
            y -= 12;
            float first = y;
            // written in reading order (quantity, description, amounts), so copied text reads like the page
            right(font, size, cols[0], qty);
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) {
                    y -= 11;
                }
                text(font, size, MARGIN + cols[0] + (cols[0] == 0 ? 0 : 8), parts.get(i));
            }
            float last = y;
            y = first;
            right(font, size, cols[2], c2);
            right(font, size, cols[3], c3);
            right(font, size, cols[4], c4);
            y = last;
        }

        void qr(QrCodes.Modules matrix) throws IOException {
            float quiet = QrCodes.QUIET_ZONE * MODULE;
            float size = matrix.size() * MODULE + 2 * quiet;
            room(size + 10);
            y -= size + 4;
            float left = MARGIN + quiet;
            float top = y + size - quiet;
            cs.setNonStrokingColor(0f);
            for (int row = 0; row < matrix.size(); row++) {
                for (int col = 0; col < matrix.size(); col++) {
                    if (matrix.get(col, row)) {
                        cs.addRect(left + col * MODULE, top - (row + 1) * MODULE, MODULE, MODULE);
                    }
                }
            }
            cs.fill();
        }

        void close() throws IOException {
            cs.close();
        }

        private void text(PDType1Font font, float size, float x, String text) throws IOException {
            if (text == null || text.isEmpty()) {
                return;
            }
            cs.beginText();
            cs.setFont(font, size);
            cs.newLineAtOffset(x, y);
            cs.showText(encodable(font, text));
            cs.endText();
        }

        private void right(PDType1Font font, float size, float end, String text) throws IOException {
            if (text == null || text.isEmpty()) {
                return;
            }
            String safe = encodable(font, text);
            text(font, size, MARGIN + end - width(font, size, safe), safe);
        }

        List<String> wrap(PDType1Font font, float size, String text, float max) throws IOException {
            List<String> lines = new ArrayList<>();
            String rest = encodable(font, text == null ? "" : text);
            while (width(font, size, rest) > max) {
                int cut = rest.length();
                while (cut > 1 && width(font, size, rest.substring(0, cut)) > max) {
                    cut--;
                }
                int space = rest.lastIndexOf(' ', cut);
                int at = space > 0 ? space : cut;
                lines.add(rest.substring(0, at));
                rest = rest.substring(at).stripLeading();
            }
            lines.add(rest);
            return lines;
        }

        private static float width(PDType1Font font, float size, String text) throws IOException {
            return font.getStringWidth(text) / 1000 * size;
        }

        /** The text with every character the font's encoding lacks replaced by "?". */
        private static String encodable(PDType1Font font, String text) {
            StringBuilder out = new StringBuilder(text.length());
            text.codePoints().forEach(cp -> {
                String ch = new String(Character.toChars(cp));
                try {
                    font.encode(ch);
                    out.append(ch);
                } catch (IOException | IllegalArgumentException e) {
                    out.append('?');
                }
            });
            return out.toString();
        }
    }
}
