package com.openfiskal.deploy.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Renders both overlays with {@code kubectl kustomize} and checks what a cluster would be given: every core
 * object in fabric8's model without a field the model does not know, every custom resource against its
 * CRD schema (strict), probes and ports against the services' own settings, the routes of API.md §1,
 * hardened pods, and Secrets only referenced, each documented in docs/operations.md.
 */
class ManifestsTest {

    static final List<String> OVERLAYS = List.of("dev", "prod");
    static final Map<String, String> SERVICES = Map.of(
            "fiscalization-service", "fiscalization-service",
            "export-service", "export-service",
            "receipts-service", "receipts-service");
    static final KubernetesSerialization MODEL = new KubernetesSerialization();

    static final Map<String, Manifests> RENDERED = new HashMap<>();
    static CrdSchemas crds;

    @BeforeAll
    static void render() throws Exception {
        for (String overlay : OVERLAYS) {
            RENDERED.put(overlay, Manifests.render(overlay));
        }
        crds = CrdSchemas.load(Manifests.ROOT.resolve("crds"));
    }

    // --- the model ---------------------------------------------------------------------------------

    @Test
    void everyCoreObjectIsOfTheModelWithNoUnknownField() {
        for (Manifests m : RENDERED.values()) {
            int core = 0;
            for (ObjectNode o : m.objects()) {
                if (crds.knows(o)) {
                    continue;
                }
                KubernetesResource typed = typed(o);
                List<String> unknown = new ArrayList<>();
                UnknownFields.collect(typed, Manifests.id(o), unknown);
                assertEquals(List.of(), unknown, m.overlay() + ": fields the Kubernetes model does not know");
                core++;
            }
            assertTrue(core >= 20, m.overlay() + ": " + core + " core objects");
        }
    }

    @Test
    void everyCustomResourceMatchesItsCrdSchema() {
        for (Manifests m : RENDERED.values()) {
            Set<String> kinds = new HashSet<>();
            for (ObjectNode o : m.objects()) {
                if (o.path("apiVersion").asText().contains(".") && !isCoreGroup(o)) {
                    assertEquals(List.of(), crds.validate(o), m.overlay() + " " + Manifests.id(o));
                    kinds.add(o.path("kind").asText());
                }
            }
            assertTrue(
                    kinds.containsAll(Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "Cluster", "Certificate")),
                    m.overlay() + ": " + kinds);
        }
    }

    @Test
    void theChecksRejectWhatIsWrong() throws IOException {
        // a misspelt field of a custom resource, a wrong type, a missing required field
        ObjectNode topic = RENDERED.get("prod")
                .find("KafkaTopic", "fiscal-operations-v1")
                .orElseThrow()
                .deepCopy();
        ((ObjectNode) topic.path("spec")).put("partitons", 3);
        assertFalse(crds.validate(topic).isEmpty(), "misspelt field");
        ObjectNode cluster = RENDERED.get("prod")
                .find("Cluster", "openfiskal-db")
                .orElseThrow()
                .deepCopy();
        ((ObjectNode) cluster.path("spec")).put("instances", "three");
        assertFalse(crds.validate(cluster).isEmpty(), "wrong type");
        ObjectNode certificate = RENDERED.get("prod")
                .find("Certificate", "openfiskal-tls")
                .orElseThrow()
                .deepCopy();
        ((ObjectNode) certificate.path("spec")).remove("secretName");
        assertFalse(crds.validate(certificate).isEmpty(), "missing secretName");
        // a misspelt field of a core object
        ObjectNode deployment = RENDERED.get("prod")
                .find("Deployment", "export-service")
                .orElseThrow()
                .deepCopy();
        ((ObjectNode) deployment.path("spec").path("template").path("spec")).put("terminationGracePeriod", 30);
        List<String> unknown = new ArrayList<>();
        UnknownFields.collect(typed(deployment), "Deployment/export-service", unknown);
        assertEquals(1, unknown.size(), unknown.toString());
        // a Secret with data anywhere
        assertFalse(secretsWithData(Manifests.parse("""
                apiVersion: v1
                kind: Secret
                metadata: {name: x}
                stringData: {token: abc}
                """)).isEmpty());
    }

    // --- the services ------------------------------------------------------------------------------

    @Test
    void probesAndPortsMatchTheServices() throws IOException {
        for (Manifests m : RENDERED.values()) {
            for (String service : SERVICES.keySet()) {
                Properties settings = settings(service);
                int port = Integer.parseInt(settings.getProperty("quarkus.http.port"));
                Deployment d = deployment(m, service);
                Container c =
                        d.getSpec().getTemplate().getSpec().getContainers().get(0);
                assertEquals(port, containerPort(c, "http"), service + " container port");
                assertProbe(c, c.getStartupProbe(), "/q/health/started", port, service);
                assertProbe(c, c.getReadinessProbe(), "/q/health/ready", port, service);
                assertProbe(c, c.getLivenessProbe(), "/q/health/live", port, service);
                assertEquals(
                        String.valueOf(port),
                        d.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/port"));

                Service svc = MODEL.convertValue(m.find("Service", service).orElseThrow(), Service.class);
                assertEquals(
                        d.getSpec().getSelector().getMatchLabels(),
                        svc.getSpec().getSelector());
                IntOrString target = svc.getSpec().getPorts().get(0).getTargetPort();
                assertEquals(port, resolve(c, target), service + " Service targetPort");
            }
            // the export-service calls the fiscalization-service at the port its Service offers
            String url = m.find("ConfigMap", "openfiskal-config")
                    .orElseThrow()
                    .path("data")
                    .path("OPENFISKAL_FISCALIZATION_URL")
                    .asText();
            Service fiscal = MODEL.convertValue(
                    m.find("Service", "fiscalization-service").orElseThrow(), Service.class);
            assertEquals(
                    "http://fiscalization-service:"
                            + fiscal.getSpec().getPorts().get(0).getPort(),
                    url);
        }
    }

    @Test
    void everySettingAServiceRequiresIsGiven() throws IOException {
        Pattern required = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");
        for (Manifests m : RENDERED.values()) {
            JsonNode config =
                    m.find("ConfigMap", "openfiskal-config").orElseThrow().path("data");
            for (String service : SERVICES.keySet()) {
                Container c = deployment(m, service)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0);
                Set<String> given = new HashSet<>();
                c.getEnv().stream().map(EnvVar::getName).forEach(given::add);
                config.fieldNames().forEachRemaining(given::add);
                for (String line : Files.readAllLines(propertiesFile(service))) {
                    if (line.startsWith("%") || line.startsWith("#")) {
                        continue; // dev and test profiles have their own defaults
                    }
                    Matcher matcher = required.matcher(line);
                    while (matcher.find()) {
                        assertTrue(
                                given.contains(matcher.group(1)),
                                m.overlay() + " " + service + " needs " + matcher.group(1));
                    }
                }
            }
        }
    }

    @Test
    void theIngressRoutesAsApiMdSays() {
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("/v1/operations/op_01J0/receipt", "receipts-service");
        expected.put("/v1/operations/op_01J0/complete", "fiscalization-service");
        expected.put("/v1/operations", "fiscalization-service");
        expected.put("/v1/merchants/merchant_1", "fiscalization-service");
        expected.put("/v1/locations", "fiscalization-service");
        expected.put("/v1/registers/reg_1/fiscalize", "fiscalization-service");
        expected.put("/v1/sessions/ses_1", "fiscalization-service");
        expected.put("/openapi-json", "fiscalization-service");
        expected.put("/v1/exports/exp_1/download", "export-service");
        expected.put("/v1/receipts/rcpt_1/pdf", "receipts-service");
        expected.put("/r/AbCdEf", "receipts-service");
        expected.put("/q/metrics", null);
        expected.put("/q/health/ready", null);
        expected.put("/internal/registers/reg_1/sessions", null);
        for (Manifests m : RENDERED.values()) {
            Ingress ingress = MODEL.convertValue(m.find("Ingress", "openfiskal").orElseThrow(), Ingress.class);
            assertEquals(
                    "true",
                    ingress.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/force-ssl-redirect"));
            String host = ingress.getSpec().getRules().get(0).getHost();
            assertEquals(List.of(host), ingress.getSpec().getTls().get(0).getHosts());
            JsonNode certificate = m.find("Certificate", "openfiskal-tls").orElseThrow();
            assertEquals(host, certificate.path("spec").path("dnsNames").get(0).asText());
            assertEquals(
                    ingress.getSpec().getTls().get(0).getSecretName(),
                    certificate.path("spec").path("secretName").asText());
            assertTrue(m.find("ConfigMap", "openfiskal-config")
                    .orElseThrow()
                    .path("data")
                    .path("OPENFISKAL_PUBLIC_URL")
                    .asText()
                    .equals("https://" + host));
            List<HTTPIngressPath> paths =
                    ingress.getSpec().getRules().get(0).getHttp().getPaths();
            for (HTTPIngressPath p : paths) {
                String backend = p.getBackend().getService().getName();
                Service svc = MODEL.convertValue(m.find("Service", backend).orElseThrow(), Service.class);
                assertTrue(svc.getSpec().getPorts().stream()
                        .anyMatch(sp -> sp.getName()
                                .equals(p.getBackend().getService().getPort().getName())));
            }
            expected.forEach((path, service) -> assertEquals(service, route(paths, path), m.overlay() + " " + path));
        }
    }

    /**
     * ingress-nginx with use-regex: locations are case-insensitive regular expressions anchored at the
     * start, tried longest first; the first that matches wins.
     */
    static String route(List<HTTPIngressPath> paths, String uri) {
        return paths.stream()
                .sorted(Comparator.comparingInt(
                                (HTTPIngressPath p) -> p.getPath().length())
                        .reversed())
                .filter(p -> Pattern.compile("^" + p.getPath(), Pattern.CASE_INSENSITIVE)
                        .matcher(uri)
                        .find())
                .map(p -> p.getBackend().getService().getName())
                .findFirst()
                .orElse(null);
    }

    // --- hardening ---------------------------------------------------------------------------------

    @Test
    void podsAreHardenedBudgetedScaledAndFenced() {
        for (Manifests m : RENDERED.values()) {
            List<NetworkPolicy> policies = m.ofKind("NetworkPolicy").stream()
                    .map(o -> MODEL.convertValue(o, NetworkPolicy.class))
                    .toList();
            for (String service : SERVICES.keySet()) {
                Deployment d = deployment(m, service);
                assertEquals("RollingUpdate", d.getSpec().getStrategy().getType());
                PodSpec pod = d.getSpec().getTemplate().getSpec();
                assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), service);
                assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), service);
                for (Container c : pod.getContainers()) {
                    assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem(), service);
                    assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation(), service);
                    assertEquals(
                            List.of("ALL"),
                            c.getSecurityContext().getCapabilities().getDrop(),
                            service);
                    for (String r : List.of("cpu", "memory")) {
                        assertNotNull(c.getResources().getRequests().get(r), service + " request " + r);
                        assertNotNull(c.getResources().getLimits().get(r), service + " limit " + r);
                    }
                }
                Map<String, String> labels =
                        d.getSpec().getTemplate().getMetadata().getLabels();
                HorizontalPodAutoscaler hpa = MODEL.convertValue(
                        m.find("HorizontalPodAutoscaler", service).orElseThrow(), HorizontalPodAutoscaler.class);
                assertEquals(service, hpa.getSpec().getScaleTargetRef().getName());
                assertTrue(hpa.getSpec().getMinReplicas() <= d.getSpec().getReplicas());
                PodDisruptionBudget pdb = MODEL.convertValue(
                        m.find("PodDisruptionBudget", service).orElseThrow(), PodDisruptionBudget.class);
                assertTrue(selects(pdb.getSpec().getSelector(), labels), service + " PDB");
                assertTrue(
                        policies.stream()
                                .anyMatch(p -> p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                                        && p.getSpec().getIngress().isEmpty()
                                        && p.getSpec().getEgress().isEmpty()
                                        && selects(p.getSpec().getPodSelector(), labels)),
                        service + " has a default-deny NetworkPolicy");
            }
        }
    }

    // --- secrets -----------------------------------------------------------------------------------

    @Test
    void secretsAreOnlyReferencedAndEachIsDocumented() throws IOException {
        String operations = Manifests.read(Manifests.REPOSITORY.resolve("docs/operations.md"));
        for (Manifests m : RENDERED.values()) {
            assertEquals(List.of(), secretsWithData(m.objects()), m.overlay());
            Set<String> referenced = new LinkedHashSet<>();
            for (String service : SERVICES.keySet()) {
                PodSpec pod = deployment(m, service).getSpec().getTemplate().getSpec();
                for (Container c : pod.getContainers()) {
                    c.getEnv().stream()
                            .filter(e ->
                                    e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                            .forEach(e -> referenced.add(
                                    e.getValueFrom().getSecretKeyRef().getName()));
                    c.getEnvFrom().stream()
                            .filter(e -> e.getSecretRef() != null)
                            .forEach(e -> referenced.add(e.getSecretRef().getName()));
                }
                pod.getVolumes().stream()
                        .filter(v -> v.getSecret() != null)
                        .forEach(v -> referenced.add(v.getSecret().getSecretName()));
            }
            Ingress ingress = MODEL.convertValue(m.find("Ingress", "openfiskal").orElseThrow(), Ingress.class);
            ingress.getSpec().getTls().forEach(t -> referenced.add(t.getSecretName()));
            assertTrue(referenced.size() >= 7, referenced.toString());
            for (String secret : referenced) {
                assertTrue(
                        operations.contains("`" + secret + "`"), secret + " is not documented in docs/operations.md");
            }
        }
        // and no YAML in the repository defines one with data
        try (Stream<Path> files = Files.walk(Manifests.REPOSITORY)) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml$"))
                    .filter(p -> !p.toString().contains("/target/")
                            && !p.toString().contains("/.openfiskal/")
                            && !p.toString().contains("/node_modules/")
                            && !p.toString().contains("/crds/"))
                    .toList()) {
                String text = Manifests.read(f);
                if (text.contains("kind: Secret")) {
                    assertEquals(List.of(), secretsWithData(Manifests.parse(text)), f.toString());
                }
            }
        }
    }

    static List<String> secretsWithData(List<ObjectNode> objects) {
        return objects.stream()
                .filter(o -> "Secret".equals(o.path("kind").asText()))
                .filter(o -> o.has("data") || o.has("stringData"))
                .map(Manifests::id)
                .toList();
    }

    // --- helpers -----------------------------------------------------------------------------------

    static KubernetesResource typed(ObjectNode o) {
        Class<? extends KubernetesResource> type = MODEL.getRegisteredKubernetesResource(
                o.path("apiVersion").asText(), o.path("kind").asText());
        assertNotNull(
                type,
                "the Kubernetes model does not know " + o.path("apiVersion").asText() + " " + Manifests.id(o));
        return MODEL.convertValue(o, type);
    }

    static boolean isCoreGroup(JsonNode o) {
        String group = o.path("apiVersion").asText().split("/")[0];
        return group.endsWith(".k8s.io");
    }

    static Deployment deployment(Manifests m, String name) {
        return MODEL.convertValue(m.find("Deployment", name).orElseThrow(), Deployment.class);
    }

    static Path propertiesFile(String service) {
        return Manifests.REPOSITORY.resolve(service).resolve("src/main/resources/application.properties");
    }

    static Properties settings(String service) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(propertiesFile(service))) {
            p.load(in);
        }
        return p;
    }

    static int containerPort(Container c, String name) {
        return c.getPorts().stream()
                .filter(p -> name.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no port " + name + " on " + c.getName()));
    }

    static int resolve(Container c, IntOrString port) {
        return port.getIntVal() != null ? port.getIntVal() : containerPort(c, port.getStrVal());
    }

    static void assertProbe(Container c, Probe probe, String path, int port, String service) {
        assertNotNull(probe, service + " probe " + path);
        HTTPGetAction get = probe.getHttpGet();
        assertEquals(path, get.getPath(), service);
        assertEquals(port, resolve(c, get.getPort()), service + " probe port " + path);
    }

    static boolean selects(io.fabric8.kubernetes.api.model.LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchLabels() != null
                && !selector.getMatchLabels().entrySet().stream()
                        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        if (selector.getMatchExpressions() != null) {
            for (var e : selector.getMatchExpressions()) {
                boolean in = e.getValues().contains(labels.get(e.getKey()));
                if (e.getOperator().equals("In") != in) {
                    return false;
                }
            }
        }
        return true;
    }
}
