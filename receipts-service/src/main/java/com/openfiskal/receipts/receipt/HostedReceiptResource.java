package com.openfiskal.receipts.receipt;

import com.openfiskal.contracts.receipts.api.HostedApi;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The public hosted receipt page. No receipt exists yet, so every token gets the plain 404 page that
 * API.md §10.5 prescribes for unknown tokens: it reveals nothing about whether a token ever existed.
 */
public class HostedReceiptResource implements HostedApi {

    static final String NOT_FOUND_PAGE = """
            <!DOCTYPE html>
            <html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>Beleg nicht gefunden / Receipt not found</title></head>
            <body><h1>Beleg nicht gefunden</h1><p>Receipt not found.</p></body></html>
            """;

    @Override
    public CompletionStage<Response> hostedReceiptPage(String token, String lang) {
        return CompletableFuture.completedFuture(notFound());
    }

    @Override
    public CompletionStage<Response> hostedReceiptPdf(String token) {
        return CompletableFuture.completedFuture(notFound());
    }

    private static Response notFound() {
        return Response.status(404)
                .type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                .entity(NOT_FOUND_PAGE)
                .header("Cache-Control", "private, no-store")
                .header("X-Robots-Tag", "noindex, nofollow")
                .header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy", "default-src 'none'")
                .build();
    }
}
