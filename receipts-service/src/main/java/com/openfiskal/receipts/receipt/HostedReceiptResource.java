package com.openfiskal.receipts.receipt;

import com.openfiskal.contracts.receipts.api.HostedApi;
import com.openfiskal.receipts.render.HostedPage;
import com.openfiskal.receipts.render.ReceiptView;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * The public hosted receipt (API.md §10.5): the page and its PDF, the token being the only credential. An
 * unknown, malformed or archived token gets the same small 404 page, so nothing tells whether it existed.
 */
public class HostedReceiptResource implements HostedApi {

    static final String NOT_FOUND_PAGE = """
            <!DOCTYPE html>
            <html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>Beleg nicht gefunden / Receipt not found</title></head>
            <body><h1>Beleg nicht gefunden</h1><p>Receipt not found.</p></body></html>
            """;

    private final ReceiptService receipts;

    @Context
    HttpHeaders headers;

    public HostedReceiptResource(ReceiptService receipts) {
        this.receipts = receipts;
    }

    @Override
    public CompletionStage<Response> hostedReceiptPage(String token, String lang) {
        String language = language(lang, headers.getHeaderString(HttpHeaders.ACCEPT_LANGUAGE));
        return receipts.byToken(token)
                .map(r -> r == null
                        ? notFound()
                        : hosted(Response.ok(receipts.page(r, language))
                                        .type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                                        .header("Content-Language", language))
                                .header("Content-Security-Policy", HostedPage.CONTENT_SECURITY_POLICY)
                                .build())
                .subscribeAsCompletionStage();
    }

    @Override
    public CompletionStage<Response> hostedReceiptPdf(String token) {
        String language = language(null, headers.getHeaderString(HttpHeaders.ACCEPT_LANGUAGE));
        return receipts.byToken(token)
                .map(r -> r == null
                        ? notFound()
                        : hosted(Response.fromResponse(ReceiptResource.pdf(receipts.pdf(r, language))))
                                .header("Content-Security-Policy", "default-src 'none'")
                                .build())
                .subscribeAsCompletionStage();
    }

    /** {@code ?lang=de|en} first, then the best match of Accept-Language; German by default. */
    static String language(String lang, String acceptLanguage) {
        if (lang != null && ReceiptView.LANGUAGES.contains(lang.toLowerCase(Locale.ROOT))) {
            return lang.toLowerCase(Locale.ROOT);
        }
        if (acceptLanguage != null && !acceptLanguage.isBlank()) {
            try {
                String match = Locale.lookupTag(Locale.LanguageRange.parse(acceptLanguage), ReceiptView.LANGUAGES);
                if (match != null) {
                    return match;
                }
            } catch (IllegalArgumentException e) {
                // a malformed header is as good as none
            }
        }
        return "de";
    }

    /** The headers every answer on these paths carries: never cached, never indexed, no referrer. */
    private static Response.ResponseBuilder hosted(Response.ResponseBuilder builder) {
        return builder.header("Cache-Control", "private, no-store")
                .header("X-Robots-Tag", "noindex, nofollow")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff");
    }

    private static Response notFound() {
        return hosted(Response.status(404)
                        .type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                        .entity(NOT_FOUND_PAGE))
                .header("Content-Security-Policy", "default-src 'none'")
                .build();
    }
}
