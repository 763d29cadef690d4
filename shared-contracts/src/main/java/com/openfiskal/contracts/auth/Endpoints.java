package com.openfiskal.contracts.auth;

import java.util.regex.Pattern;

/** Which credential a path takes (API.md §1.1, §2.2): the one place that decides it. */
public enum Endpoints {
    /** No credential: the hosted receipt page, the signed export download, the OpenAPI document. */
    PUBLIC,
    /** Operator endpoints with their own bearer token, checked by the owning service's own filter. */
    ADMIN,
    /** Service-to-service endpoints inside the cluster, with the shared internal token. */
    INTERNAL,
    /** API key; not merchant-scoped ({@code /v1/merchants…}). */
    TENANT,
    /** API key and {@code X-OpenFiskal-Merchant}. */
    MERCHANT;

    private static final Pattern DOWNLOAD = Pattern.compile("^/v1/exports/[^/]+/download/?$");

    public static Endpoints of(String path) {
        if (path.startsWith("/r/") || DOWNLOAD.matcher(path).matches() || path.equals("/openapi-json")) {
            return PUBLIC;
        }
        if (path.startsWith("/admin/")) {
            return ADMIN;
        }
        if (path.startsWith("/internal/")) {
            return INTERNAL;
        }
        if (path.equals("/v1/merchants") || path.startsWith("/v1/merchants/")) {
            return TENANT;
        }
        return MERCHANT;
    }
}
