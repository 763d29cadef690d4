package com.openfiskal.fiscalization.common;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionStage;

/** HTTP shapes shared by the resources: versioned bodies carry {@code ETag: "<resource_version>"}. */
public final class Responses {

    private Responses() {}

    public static Response ok(Object body, long version) {
        return Response.ok(body).tag(new EntityTag(String.valueOf(version))).build();
    }

    public static Response created(Object body, long version, String location) {
        return Response.status(Response.Status.CREATED)
                .entity(body)
                .tag(new EntityTag(String.valueOf(version)))
                .header("Location", location)
                .build();
    }

    public static Response accepted(Object body, long version, String location) {
        return Response.accepted(body)
                .tag(new EntityTag(String.valueOf(version)))
                .header("Location", location)
                .build();
    }

    public static Response noContent() {
        return Response.noContent().build();
    }

    public static CompletionStage<Response> async(Uni<Response> response) {
        return response.subscribeAsCompletionStage();
    }
}
