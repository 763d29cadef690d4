package com.openfiskal.contracts.idempotency;

import java.util.List;

/**
 * One call of an endpoint that honours {@code Idempotency-Key}.
 *
 * @param route method and route template, e.g. {@code POST /v1/merchants}; the POST alias of complete and
 *     void names the PATCH route, so both share one scope (API.md §2.9)
 * @param pathParameters the values of the route's path parameters, in order
 * @param key the header as sent, or null
 * @param body the deserialised request body, or null when there is none
 */
public record IdempotentCall(String route, List<String> pathParameters, String key, Object body) {

    public static IdempotentCall of(String route, String key, Object body, String... pathParameters) {
        return new IdempotentCall(route, List.of(pathParameters), key, body);
    }
}
