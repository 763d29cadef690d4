package com.openfiskal.receipts;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.ReaderException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/** Reads QR codes back the way a phone would: from pixels. */
public final class Qr {

    private Qr() {}

    /**
     * The text of the QR code in the image. ZXing's detector misses about 2 % of codes like the TSE's when
     * they stand upright, at any module size (6 of 300 random ones drawn at 4 pixels per module, 5 of 300 at
     * 8), and reads every one of those turned by 90°: so each quarter turn is tried, as a phone is not held
     * at one angle either. Only the exact text passes the tests' assertions, whichever turn read it.
     */
    public static String decode(BufferedImage image) throws Exception {
        LuminanceSource source = new BufferedImageLuminanceSource(image);
        ReaderException missed = null;
        for (int turn = 0; turn < 4; turn++) {
            try {
                return new QRCodeReader()
                        .decode(
                                new BinaryBitmap(new HybridBinarizer(source)),
                                Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE))
                        .getText();
            } catch (ReaderException e) {
                missed = e;
                source = source.rotateCounterClockwise();
            }
        }
        throw missed;
    }

    /** The QR code on the last page of a PDF, rendered at 150 dpi in grey. */
    public static String decodePdf(byte[] pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            BufferedImage page =
                    new PDFRenderer(doc).renderImageWithDPI(doc.getNumberOfPages() - 1, 150, ImageType.GRAY);
            return decode(page);
        }
    }
}
