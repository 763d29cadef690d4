package com.openfiskal.receipts.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openfiskal.receipts.Qr;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The modules of a QR code read back, from pixels, as exactly the string they were made from. */
class QrCodesTest {

    static final String QR =
            "V0;reg_01KJPW8P00S2NPZ59C22QQK9F9;Kassenbeleg-V1;Beleg^11.90_2.14_0.00_0.00_0.96^5.00:Bar_10.00:Unbar;"
                    + "1287;2574;2026-03-14T10:15:02.000Z;2026-03-14T10:15:03.000Z;ecdsa-plain-SHA256;unixTime;"
                    + "lnhSpGgRj1/NTUlIASosVhMIpFAoEOUC12CABupiyFOragBnmSMfXOvLZzLhEyXWPwQGbd0cDrROKTZhFAGI+w==;"
                    + "BPBfTqVWIJM3WBVBNKNJtpuLlT+T4uJ/52XqU/ne50V3JnBCIrwGtsbdVxas0KDQ5BCi9+iXKv3YNs9aDZ9Farg=";

    @Test
    void modulesDecodeToTheQrDataByteForByte() throws Exception {
        for (String data : new String[] {QR, QR.replace("reg_01KJPW8P00S2NPZ59C22QQK9F9", "Kasse-Südflügel")}) {
            assertEquals(data, Qr.decode(raster(QrCodes.encode(data), 4)));
        }
    }

    @Test
    void theSvgHasAQuietZoneAndOnlyLocalContent() {
        QrCodes.Modules m = QrCodes.encode(QR);
        String svg = QrCodes.svg(m, "QR \"code\" <x>");
        int size = m.size() + 2 * QrCodes.QUIET_ZONE;
        assertTrue(
                svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size + "\""));
        assertTrue(svg.contains("aria-label=\"QR &quot;code&quot; &lt;x>\""));
        assertTrue(!svg.contains("href"), "nothing is loaded from elsewhere");
    }

    /** The code drawn with its quiet zone, {@code scale} pixels per module. */
    private static BufferedImage raster(QrCodes.Modules m, int scale) {
        int size = (m.size() + 2 * QrCodes.QUIET_ZONE) * scale;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int mx = x / scale - QrCodes.QUIET_ZONE;
                int my = y / scale - QrCodes.QUIET_ZONE;
                boolean dark = mx >= 0 && my >= 0 && mx < m.size() && my < m.size() && m.get(mx, my);
                img.setRGB(x, y, dark ? 0x000000 : 0xffffff);
            }
        }
        return img;
    }
}
