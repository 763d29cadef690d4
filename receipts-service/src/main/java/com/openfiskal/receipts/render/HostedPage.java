package com.openfiskal.receipts.render;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The public receipt page (API.md §10.5), rendered on the server from a {@link ReceiptView}: text for every
 * field a German receipt needs, the TSE QR code as inline SVG, one inline style sheet allowed by its hash,
 * and nothing else: no scripts, no third-party requests.
 */
public final class HostedPage {

    /** The page's only style sheet. Phone first; a printed page drops the download link. */
    public static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f4f4;color:#111}
            main{max-width:34rem;margin:0 auto;background:#fff;padding:1rem 1.25rem 2rem}
            h1{font-size:1.25rem;margin:.25rem 0 1rem}
            h2{font-size:1rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #ccc;padding-bottom:.25rem}
            p{margin:.25rem 0}
            table{width:100%;border-collapse:collapse;font-size:.9rem}
            th,td{text-align:left;padding:.25rem .25rem .25rem 0;vertical-align:top}
            td.n,th.n{text-align:right;white-space:nowrap}
            tr.sum td{font-weight:700;border-top:1px solid #111}
            dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .75rem;font-size:.85rem;margin:0}
            dt{color:#555}dd{margin:0;overflow-wrap:anywhere;font-family:ui-monospace,Menlo,Consolas,monospace}
            .warn{background:#fff3cd;border:1px solid #e0b000;padding:.5rem .75rem;margin:1rem 0;font-size:.9rem}
            .qr{width:min(100%,22rem);margin:1rem auto 0}
            .qr svg{display:block;width:100%;height:auto}
            .qr p{text-align:center;font-size:.8rem;color:#555}
            .muted{color:#555;font-size:.85rem}
            @media print{body{background:#fff}main{max-width:none;padding:0}.noprint{display:none}}
            """;

    /** The Content-Security-Policy: nothing may load, the style sheet above may apply. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src '" + hash(CSS)
            + "'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private HostedPage() {}

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance receipt(ReceiptView r, String css, String qr, String pdfLink);
    }

    /**
     * The page in the view's language, with the receipt's TSE QR code (null: none); {@code pdfLink}
     * is relative to the page.
     */
    public static String render(ReceiptView view, QrCodes.Modules modules, String pdfLink) {
        String qr = modules == null
                ? ""
                : QrCodes.svg(modules, ReceiptView.messages(view.lang()).qrCaption());
        return Templates.receipt(view, CSS, qr, pdfLink).setLocale(view.lang()).render();
    }

    private static String hash(String css) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(css.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
