package com.openfiskal.fiscalization.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi-json}: the contract as JSON at the path OpenFiskal clients know (API.md §1), read
 * from the same shared-contracts document that {@code /q/openapi} serves.
 */
@Path("/openapi-json")
public class OpenApiJsonResource {

    private static final String DOCUMENT = "META-INF/openapi-contract/fiscalization.yaml";

    private final String json;

    public OpenApiJsonResource(ObjectMapper mapper) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " missing from the build");
            }
            json = mapper.writeValueAsString(new YAMLMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String document() {
        return json;
    }
}
