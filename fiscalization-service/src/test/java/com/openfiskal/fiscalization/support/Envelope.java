package com.openfiskal.fiscalization.support;

import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

/** Assertions on the error envelope of API.md §2.12. */
public final class Envelope {

    private Envelope() {}

    /** Status, code, retryable (true exactly for 5xx, 429, 412), a message, and the request id header. */
    public static ValidatableResponse assertError(Response r, int status, String code) {
        boolean retryable = status >= 500 || status == 429 || status == 412;
        return r.then()
                .statusCode(status)
                .contentType("application/json")
                .header("X-Request-Id", matchesPattern("^req_[0-9a-f]{20}$"))
                .body("code", equalTo(code))
                .body("retryable", equalTo(retryable))
                .body("message", not(emptyOrNullString()));
    }
}
