package com.openfiskal.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The OpenAPI v3 schemas of the custom resources we use, from the CRDs kept in {@code crds/}, checked as
 * an API server with strict field validation would: a field the schema does not declare is an error
 * (unless the schema preserves unknown fields), not silently pruned.
 */
final class CrdSchemas {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

    /** "group/version/Kind" → schema. */
    private final Map<String, JsonSchema> schemas = new HashMap<>();

    static CrdSchemas load(Path dir) throws IOException {
        CrdSchemas s = new CrdSchemas();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (ObjectNode crd : Manifests.parse(Manifests.read(f))) {
                    if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
                        continue;
                    }
                    String group = crd.path("spec").path("group").asText();
                    String kind = crd.path("spec").path("names").path("kind").asText();
                    for (JsonNode v : crd.path("spec").path("versions")) {
                        if (v.path("served").asBoolean()) {
                            JsonNode schema =
                                    v.path("schema").path("openAPIV3Schema").deepCopy();
                            strict(schema);
                            s.schemas.put(
                                    group + "/" + v.path("name").asText() + "/" + kind, FACTORY.getSchema(schema));
                        }
                    }
                }
            }
        }
        return s;
    }

    /** Whether a served version of the object's kind is known. */
    boolean knows(JsonNode object) {
        return schemas.containsKey(key(object));
    }

    /** The findings for one custom resource; empty when it is valid. */
    List<String> validate(JsonNode object) {
        JsonSchema schema = schemas.get(key(object));
        if (schema == null) {
            return List.of("no CRD in deploy/kubernetes/crds serves " + key(object));
        }
        Set<ValidationMessage> messages = schema.validate(object);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    private static String key(JsonNode object) {
        return object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    }

    /** Objects with declared properties accept no others, unless the CRD says to keep unknown fields. */
    private static void strict(JsonNode schema) {
        if (!schema.isObject()) {
            return;
        }
        ObjectNode o = (ObjectNode) schema;
        if (o.has("properties")
                && !o.has("additionalProperties")
                && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
            o.put("additionalProperties", false);
        }
        o.path("properties").forEach(CrdSchemas::strict);
        strict(o.path("items"));
        strict(o.path("additionalProperties"));
        // allOf/anyOf/oneOf/not only add constraints to fields the enclosing schema declares: left as they are
    }
}
