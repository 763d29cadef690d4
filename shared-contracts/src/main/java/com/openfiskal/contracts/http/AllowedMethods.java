package com.openfiskal.contracts.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The methods each path of this service's contract allows, read from the OpenAPI document the service
 * serves; used for the {@code Allow} header of a 405 (API.md §2.4).
 */
@ApplicationScoped
public class AllowedMethods {

    private static final String[] DOCUMENTS = {
        "META-INF/openapi-contract/fiscalization.yaml",
        "META-INF/openapi-contract/reporting.yaml",
        "META-INF/openapi-contract/receipts.yaml"
    };
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private record Route(Pattern path, Set<String> methods) {}

    private final List<Route> routes = new ArrayList<>();

    public AllowedMethods() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        for (String doc : DOCUMENTS) {
            try (InputStream in = cl.getResourceAsStream(doc)) {
                if (in != null) {
                    load(new YAMLMapper().readTree(in));
                }
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read " + doc, e);
            }
        }
    }

    private void load(JsonNode doc) {
        doc.path("paths").fields().forEachRemaining(p -> {
            Set<String> methods = new TreeSet<>();
            p.getValue().fieldNames().forEachRemaining(m -> {
                if (METHODS.contains(m)) {
                    methods.add(m.toUpperCase(Locale.ROOT));
                }
            });
            String regex = "^" + p.getKey().replaceAll("\\{[^/]+}", "[^/]+") + "/?$";
            routes.add(new Route(Pattern.compile(regex), methods));
        });
    }

    /** {@code GET, PATCH} for a path of the contract, or null when the contract has no such path. */
    public String allowFor(String path) {
        for (Route r : routes) {
            if (r.path().matcher(path).matches()) {
                return String.join(", ", r.methods());
            }
        }
        return null;
    }
}
