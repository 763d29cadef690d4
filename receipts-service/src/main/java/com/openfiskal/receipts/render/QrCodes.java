package com.openfiskal.receipts.render;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * The TSE QR code (TSE.md, API.md §8.4): {@code qr_data} byte for byte, encoded by ZXing. Rendered as inline
 * SVG for the hosted page (no image requests, nothing third-party) and as vector modules in the PDF.
 */
public final class QrCodes {

    /** The quiet zone around the code, in modules, as ISO/IEC 18004 asks. */
    public static final int QUIET_ZONE = 4;

    private QrCodes() {}

    /**
     * The dark and light modules of a code, without the quiet zone, packed row by row. Encoding (Reed-Solomon
     * and the choice of mask) is the expensive part, so modules are computed once and kept (a few hundred
     * bytes, see ReceiptService); drawing them as SVG or PDF is cheap.
     */
    public record Modules(int size, byte[] bits) {

        public boolean get(int x, int y) {
            int i = y * size + x;
            return (bits[i >> 3] & (0x80 >>> (i & 7))) != 0;
        }
    }

    /** Encodes {@code data} byte for byte, error correction level M. */
    public static Modules encode(String data) {
        Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
        hints.put(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M);
        hints.put(EncodeHintType.MARGIN, 0);
        // the QR string is ASCII; anything else (a client serial chosen by the POS) is written as UTF-8
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(data)) {
            hints.put(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
        }
        BitMatrix m;
        try {
            m = new QRCodeWriter().encode(data, BarcodeFormat.QR_CODE, 0, 0, hints);
        } catch (WriterException e) {
            throw new IllegalArgumentException("QR data cannot be encoded: " + e.getMessage(), e);
        }
        int size = m.getWidth();
        byte[] bits = new byte[(size * size + 7) / 8];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (m.get(x, y)) {
                    int i = y * size + x;
                    bits[i >> 3] |= (byte) (0x80 >>> (i & 7));
                }
            }
        }
        return new Modules(size, bits);
    }

    /** An SVG of the code with its quiet zone, one path of horizontal runs, scaled by its container. */
    public static String svg(Modules m, String label) {
        int size = m.size() + 2 * QUIET_ZONE;
        StringBuilder path = new StringBuilder(m.size() * m.size());
        for (int y = 0; y < m.size(); y++) {
            int x = 0;
            while (x < m.size()) {
                if (!m.get(x, y)) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < m.size() && m.get(x, y)) {
                    x++;
                }
                path.append('M')
                        .append(start + QUIET_ZONE)
                        .append(' ')
                        .append(y + QUIET_ZONE)
                        .append('h')
                        .append(x - start)
                        .append("v1h-")
                        .append(x - start)
                        .append('z');
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size
                + "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"" + escape(label) + "\">"
                + "<rect width=\"" + size + "\" height=\"" + size + "\" fill=\"#fff\"/>"
                + "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }
}
